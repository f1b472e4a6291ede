/**
 * runtime/gateway/compose-urls.sh, the gateway image's entry point, run with bash (as the image does: Context Forge
 * v1.0.8's UBI image has bash, its own docker-entrypoint.sh:1 is a bash script) and python3 (Containerfile:401). The
 * command it execs is replaced by `env`, so the test sees exactly the environment the gateway would start with.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { kitRoot } from "../../lib/images";

const SCRIPT = path.join(kitRoot(), "runtime/gateway/compose-urls.sh");

function run(env: Record<string, string>, command: string[] = ["env"]): { status: number | null; env: Record<string, string>; stderr: string } {
  const r = spawnSync("bash", [SCRIPT, ...command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8" });
  const out = Object.fromEntries(
    r.stdout
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { status: r.status, env: out, stderr: r.stderr };
}

const DB = { KIT_DATABASE_HOST: "mcp-prod-gateway.abc.us-east-1.rds.amazonaws.com", KIT_DATABASE_PORT: "5432", KIT_DATABASE_NAME: "contextforge", KIT_DATABASE_USER: "contextforge", KIT_DATABASE_SSLMODE: "require" };
const CACHE = { KIT_REDIS_HOST: "master.mcp-prod-gateway.abc.use1.cache.amazonaws.com", KIT_REDIS_PORT: "6379", KIT_REDIS_USER: "mcp-prod-gateway" };

describe("compose-urls.sh", () => {
  it("composes a psycopg DATABASE_URL with TLS required and a rediss:// REDIS_URL, and drops the password variables", () => {
    // config.py:234 (one database_url; docs/docs/manage/supported-databases.md: postgresql+psycopg://user:pass@host:port/db);
    // config.py:2875 redis_url, rediss:// for TLS (utils/redis_client.py:315).
    const r = run({ ...DB, ...CACHE, KIT_DATABASE_PASSWORD: "Sample0nly", KIT_REDIS_PASSWORD: "Sample0nlyToo" });
    expect(r.status).toBe(0);
    expect(r.env.DATABASE_URL).toBe("postgresql+psycopg://contextforge:Sample0nly@mcp-prod-gateway.abc.us-east-1.rds.amazonaws.com:5432/contextforge?sslmode=require");
    expect(r.env.REDIS_URL).toBe("rediss://mcp-prod-gateway:Sample0nlyToo@master.mcp-prod-gateway.abc.use1.cache.amazonaws.com:6379/0");
    expect(r.env).not.toHaveProperty("KIT_DATABASE_PASSWORD");
    expect(r.env).not.toHaveProperty("KIT_REDIS_PASSWORD");
  });

  it("percent-encodes every reserved character of a password, so the URL keeps its meaning", () => {
    // RDS-generated passwords may hold punctuation; SQLAlchemy's make_url and redis-py's from_url decode %XX again.
    const r = run({ ...DB, ...CACHE, KIT_DATABASE_PASSWORD: "p@ss:w/rd?#%&x y+", KIT_REDIS_PASSWORD: "a]b[c" });
    expect(r.status).toBe(0);
    const url = new URL(r.env.DATABASE_URL.replace("postgresql+psycopg:", "postgresql:"));
    expect(decodeURIComponent(url.password)).toBe("p@ss:w/rd?#%&x y+");
    expect(url.hostname).toBe(DB.KIT_DATABASE_HOST);
    expect(url.pathname).toBe("/contextforge");
    expect(url.searchParams.get("sslmode")).toBe("require");
    expect(r.env.DATABASE_URL).toContain(":p%40ss%3Aw%2Frd%3F%23%25%26x%20y%2B@");
    expect(decodeURIComponent(new URL(r.env.REDIS_URL).password)).toBe("a]b[c");
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
