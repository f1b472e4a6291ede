/**
 * runtime/gateway/compose-urls.sh, the gateway image's entry point, run with bash (as the image does: Context Forge
 * v1.0.8's UBI image has bash, its own docker-entrypoint.sh:1 is a bash script) and python3 (Containerfile:401). The
 * command it execs is replaced by `env`, so the test sees exactly the environment the gateway would start with.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kitRoot } from "../../lib/images";
import { rdsRootCertificate } from "../../lib/rds-ca";

const SCRIPT = path.join(kitRoot(), "runtime/gateway/compose-urls.sh");
/** Stands in for the task's /tmp/kit (the script's KIT_CA_DIR default), so tests never write outside their own folder. */
let caDir: string;
beforeEach(() => (caDir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-urls-"))));
afterEach(() => fs.rmSync(caDir, { recursive: true, force: true }));

function run(env: Record<string, string>, command: string[] = ["env"]): { status: number | null; env: Record<string, string>; stderr: string } {
  const r = spawnSync("bash", [SCRIPT, ...command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KIT_CA_DIR: caDir, ...env }, encoding: "utf8" });
  // `env` prints one NAME=value a line; a multi-line value (none is left once the script ran) would be cut.
  const out = Object.fromEntries(
    r.stdout
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { status: r.status, env: out, stderr: r.stderr };
}

/** What the gateway service sets (constructs/gateway-service.ts): the RDS root of us-east-1 and rds-ca-rsa2048-g1. */
const CA_PEM = rdsRootCertificate("us-east-1", "rds-ca-rsa2048-g1")!;
const DB = { KIT_DATABASE_HOST: "mcp-prod-gateway.abc.us-east-1.rds.amazonaws.com", KIT_DATABASE_PORT: "5432", KIT_DATABASE_NAME: "contextforge", KIT_DATABASE_USER: "contextforge", KIT_DATABASE_CA_PEM: CA_PEM };
const CACHE = { KIT_REDIS_HOST: "master.mcp-prod-gateway.abc.use1.cache.amazonaws.com", KIT_REDIS_PORT: "6379", KIT_REDIS_USER: "mcp-prod-gateway" };

describe("compose-urls.sh", () => {
  it("composes a psycopg DATABASE_URL and a rediss:// REDIS_URL that both verify the server, and drops the password and CA variables", () => {
    // config.py:234 (one database_url; docs/docs/manage/supported-databases.md: postgresql+psycopg://user:pass@host:port/db);
    // config.py:2875 redis_url, rediss:// for TLS (utils/redis_client.py:315).
    const r = run({ ...DB, ...CACHE, KIT_DATABASE_PASSWORD: "Sample0nly", KIT_REDIS_PASSWORD: "Sample0nlyToo" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.env.DATABASE_URL).toBe(`postgresql+psycopg://contextforge:Sample0nly@mcp-prod-gateway.abc.us-east-1.rds.amazonaws.com:5432/contextforge?sslmode=verify-full&sslrootcert=${caDir}/rds-ca.pem`);
    expect(r.env.REDIS_URL).toBe("rediss://mcp-prod-gateway:Sample0nlyToo@master.mcp-prod-gateway.abc.use1.cache.amazonaws.com:6379/0?ssl_cert_reqs=required&ssl_check_hostname=true");
    for (const name of ["KIT_DATABASE_PASSWORD", "KIT_REDIS_PASSWORD", "KIT_DATABASE_CA_PEM"]) expect(r.env).not.toHaveProperty(name);
  });

  it("writes the RDS root to the file sslrootcert names, byte for byte, under the task's writable /tmp", () => {
    // libpq reads sslrootcert from a file; with sslmode=verify-full it checks the chain against it and the host name
    // against the certificate. v1.0.8 db.py:64 make_url(settings.database_url) and :225 create_engine(settings.database_url):
    // SQLAlchemy's psycopg dialect (_psycopg_common.py create_connect_args, opts.update(url.query)) hands the query to
    // psycopg 3 (Containerfile:291 psycopg[c]), which passes it to libpq as connection parameters.
    const r = run({ ...DB, KIT_DATABASE_PASSWORD: "Sample0nly" });
    expect(r.status).toBe(0);
    const query = new URL(r.env.DATABASE_URL.replace("postgresql+psycopg:", "postgresql:")).searchParams;
    expect([...query.keys()]).toEqual(["sslmode", "sslrootcert"]);
    expect(query.get("sslmode")).toBe("verify-full");
    expect(fs.readFileSync(query.get("sslrootcert")!, "utf8")).toBe(CA_PEM);
    // In the task the folder is /tmp/kit: /tmp is the task's volume (images/gateway/Dockerfile VOLUME ["/tmp"]).
    expect(fs.readFileSync(SCRIPT, "utf8")).toContain('\nKIT_CA_DIR="${KIT_CA_DIR:-/tmp/kit}"\n');
  });

  it("asks redis-py for verification in the URL, where it wins over the client's own arguments", () => {
    // redis-py 8.1.0 (uv.lock at v1.0.8) parse_url: ssl_check_hostname goes through to_bool, other names pass as strings;
    // ConnectionPool.from_url: "querystring arguments always win" (connection.py:2964 kwargs.update(url_options)), so
    // REDIS_SSL_CHECK_HOSTNAME=false (utils/redis_client.py:114-117, ssl_cert_reqs "none") could not undo it, and the
    // clients built from the bare URL (services/leader_election.py:184, token_blocklist_service.py:72) verify too.
    // The roots: SSLConnection uses ssl.create_default_context() (connection.py:2174), the system store, which the
    // runtime stage installs (Containerfile:393 ca-certificates) and which holds the Amazon roots ElastiCache chains to.
    const r = run({ ...CACHE, KIT_REDIS_PASSWORD: "Sample0nly" });
    const q = new URL(r.env.REDIS_URL).searchParams;
    expect(Object.fromEntries(q)).toEqual({ ssl_cert_reqs: "required", ssl_check_hostname: "true" });
  });

  it("refuses to start without a PEM root, naming the variable, rather than connect unverified", () => {
    const { KIT_DATABASE_CA_PEM: _omitted, ...noCa } = DB;
    const missing = run({ ...noCa, KIT_DATABASE_PASSWORD: "Sample0nly" });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("KIT_DATABASE_CA_PEM: is required with KIT_DATABASE_HOST");
    expect(missing.env).toEqual({});
    const garbage = run({ ...DB, KIT_DATABASE_CA_PEM: "rds-ca-rsa2048-g1", KIT_DATABASE_PASSWORD: "Sample0nly" });
    expect([garbage.status, garbage.stderr]).toEqual([1, "compose-urls: KIT_DATABASE_CA_PEM holds no PEM certificate; refusing to connect to the database unverified\n"]);
    expect(fs.readdirSync(caDir)).toEqual([]);
  });

  it("percent-encodes every reserved character of a password, so the URL keeps its meaning", () => {
    // RDS-generated passwords may hold punctuation; SQLAlchemy's make_url and redis-py's from_url decode %XX again.
    const r = run({ ...DB, ...CACHE, KIT_DATABASE_PASSWORD: "p@ss:w/rd?#%&x y+", KIT_REDIS_PASSWORD: "a]b[c" });
    expect(r.status).toBe(0);
    const url = new URL(r.env.DATABASE_URL.replace("postgresql+psycopg:", "postgresql:"));
    expect(decodeURIComponent(url.password)).toBe("p@ss:w/rd?#%&x y+");
    expect(url.hostname).toBe(DB.KIT_DATABASE_HOST);
    expect(url.pathname).toBe("/contextforge");
    expect(url.searchParams.get("sslmode")).toBe("verify-full");
    expect(r.env.DATABASE_URL).toContain(":p%40ss%3Aw%2Frd%3F%23%25%26x%20y%2B@");
    expect(decodeURIComponent(new URL(r.env.REDIS_URL).password)).toBe("a]b[c");
  });

  it("refuses a database name that would need encoding: SQLAlchemy decodes user and password, not the name", () => {
    // Proof run (PostgreSQL 15, psycopg 3.3, SQLAlchemy 2.0 on loopback): "/gw%20db" reached the server as `gw%20db`.
    const r = run({ ...DB, KIT_DATABASE_USER: "contextforge", KIT_DATABASE_PASSWORD: "pw", KIT_DATABASE_NAME: "gw db" });
    expect([r.status, r.stderr]).toEqual([1, "compose-urls: KIT_DATABASE_NAME must be letters, digits and underscores (SQLAlchemy does not decode an encoded database name)\n"]);
    expect(run({ ...DB, KIT_DATABASE_PASSWORD: "pw" }).env.DATABASE_URL).toContain(".rds.amazonaws.com:5432/contextforge?sslmode=verify-full&");
  });

  it("leaves DATABASE_URL and REDIS_URL alone without the KIT_ hosts (dev: SQLite on EFS)", () => {
    const r = run({ DATABASE_URL: "sqlite:////data/mcp.db" });
    expect(r.status).toBe(0);
    expect(r.env.DATABASE_URL).toBe("sqlite:////data/mcp.db");
    expect(r.env).not.toHaveProperty("REDIS_URL");
  });

  it("stops, naming the variable, when a host comes without its password", () => {
    const r = run({ ...DB });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("KIT_DATABASE_PASSWORD: is required with KIT_DATABASE_HOST");
    expect(r.env).toEqual({});
  });

  it("execs the image's command with its arguments, as its last step", () => {
    const r = spawnSync("bash", [SCRIPT, "printf", "%s|", "./docker-entrypoint.sh", "a b"], { encoding: "utf8" });
    expect(r.stdout).toBe("./docker-entrypoint.sh|a b|");
  });
});
