/**
 * Every variable the kit puts into the MCP server container, checked against the code of the pinned upstream server
 * that reads it (IBM/ibmi-mcp-server v0.5.1, packages/server/src/…). Why it matters: the server validates its whole
 * environment with one zod schema, and if any value fails it ignores every variable and starts with its defaults,
 * auth "none" on stdio (config/index.ts:419-430; the error is printed only when stdout is a terminal). Seen locally:
 * MCP_AUTH_SECRET_KEY of 8 characters → "Starting … Transport: stdio, Env: development" and nothing on stderr.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as tls from "node:tls";
import { TerraformJson } from "../../policy/types";
import { KIT_ENV, MCP_SERVER_ENV, UPSTREAM_RATE_LIMIT, UPSTREAM_SERVER_VERSION, upstreamEnvProblems } from "../../lib/upstream-env";
import { synthStack, variant } from "../helpers";
import { resources, shippedEnvironments, shippedPlan } from "../plans";

interface Container {
  readonly plan: string;
  readonly tier: string;
  readonly env: Record<string, string>;
  readonly secrets: string[];
}

function mcpContainers(plan: TerraformJson, label: string): Container[] {
  return resources(plan, "aws_ecs_task_definition")
    .filter(([, td]) => td.tags?.tier)
    .map(([, td]) => {
      const c = JSON.parse(td.container_definitions).find((x: any) => x.name === "ibmi-mcp-server");
      return { plan: label, tier: td.tags.tier, env: Object.fromEntries(c.environment.map((e: any) => [e.name, e.value])), secrets: (c.secrets ?? []).map((s: any) => s.name) };
    });
}

/** A real published CA certificate (Node's bundled store): parseable, and no invented value. */
const SAMPLE_CA = tls.rootCertificates[0];

/**
 * Each variable the kit sets, the upstream line that reads it (config/index.ts unless named), and what the
 * synthesized value must be for the server to run as the kit intends. Adding a variable without a row fails below.
 */
const ROWS: Record<string, { readonly line: number; readonly ok: (v: string, c: Container) => boolean; readonly why: string }> = {
  // :155 z.enum(["stdio","http"]).default("stdio"); the image also sets it (packages/server/Dockerfile ENV), the plan wins.
  MCP_TRANSPORT_TYPE: { line: 155, ok: (v) => v === "http", why: "http, or the server reads JSON-RPC from stdin" },
  // :158 z.string().default("0.0.0.0"); httpTransport.ts:42,140 binds it. Fargate's awsvpc ENI needs every address:
  // the load balancer and the health check reach the task on its ENI. (MCP_ALLOWED_HOSTS, the Host-header allow-list,
  // exists only from 0.6.0; v0.5.1 checks no Host header, so the ALB's health checks to the task IP pass.)
  MCP_HTTP_HOST: { line: 158, ok: (v) => v === "0.0.0.0", why: "0.0.0.0 on the task ENI" },
  // :157 z.coerce.number().int().positive(); the target group and health check use the same port.
  MCP_HTTP_PORT: { line: 157, ok: (v) => v === "3010", why: "3010, the port the target group checks" },
  // :159 z.string().default("/mcp"); httpTransport.ts:43 mounts auth and rate limiting on exactly this path.
  MCP_HTTP_ENDPOINT_PATH: { line: 159, ok: (v) => v === "/mcp", why: "/mcp, the path auth and the rate limit guard" },
  // :156 z.enum(["stateless","stateful","auto"]).default("auto").
  MCP_SESSION_MODE: { line: 156, ok: (v) => ["stateless", "stateful", "auto"].includes(v), why: "a mode upstream knows" },
  // :179 z.enum(["jwt","oauth","ibmi","none"]).default("none").
  // authFactory.ts:29-45 picks the strategy by it: "oauth" → OauthStrategy, which needs no MCP_AUTH_SECRET_KEY (only
  // jwtStrategy.ts:25-43 reads it), so oauth tiers hold no signing secret at all.
  MCP_AUTH_MODE: { line: 179, ok: (v) => v === "oauth" || v === "jwt" || v === "ibmi", why: "oauth, jwt or ibmi, never none" },
  // :180 z.string().url().optional(), config.oauthIssuerUrl (:596); oauthStrategy.ts:27 throws without it, :78 jwtVerify
  // requires `iss` to equal it. The JWKS bucket's HTTPS origin, the same for every tier (constructs/jwks-bucket.ts).
  OAUTH_ISSUER_URL: { line: 180, ok: (v) => /^https:\/\/mcp-[a-z0-9-]+-jwks-\d{12}-[a-z0-9-]+\.s3\.[a-z0-9-]+\.amazonaws\.com$/.test(v), why: "the JWKS bucket's virtual-hosted HTTPS origin" },
  // :181 z.string().url().optional(), config.oauthJwksUri (:597); oauthStrategy.ts:41-48 createRemoteJWKSet(it, cooldown
  // 300000 ms), falling back to issuer + /.well-known/jwks.json: the kit sets exactly that, so both agree.
  OAUTH_JWKS_URI: { line: 181, ok: (v, c) => v === `${c.env.OAUTH_ISSUER_URL}/.well-known/jwks.json`, why: "issuer + /.well-known/jwks.json" },
  // :182 z.string().optional(), config.oauthAudience (:598); oauthStrategy.ts:27 throws without it, :79 jwtVerify requires
  // `aud` to hold it: the tier's own service-discovery URL, so another tier's token is refused.
  OAUTH_AUDIENCE: { line: 182, ok: (v, c) => v === `http://${c.tier}.${c.plan === "dev-variant" ? "mcp-dev" : `mcp-${c.plan}`}.internal:3010/mcp`, why: "the tier's own internal URL" },
  // :148 z.string().optional(); names the pino logger (logger.ts:177), so log lines say which tier wrote them.
  MCP_SERVER_NAME: { line: 148, ok: (v, c) => v === `ibmi-mcp-${c.tier}`, why: "ibmi-mcp-<tier>" },
  // :150 z.string().default("debug"); logger.ts:30-39 maps debug…emerg to pino levels, anything else silently to info.
  MCP_LOG_LEVEL: { line: 150, ok: (v) => ["debug", "info", "notice", "warning", "error", "crit", "alert", "emerg"].includes(v), why: "an MCP log level the logger maps" },
  // :361 string → `val === "true" || val === "1"`, default "true"; httpTransport.ts:366 mounts the limiter.
  MCP_RATE_LIMIT_ENABLED: { line: 361, ok: (v) => v === "true", why: "true" },
  // :368 z.coerce.number().int().positive().default(100): requests per window per key (httpTransport.ts:320-339:
  // the token's client id, else the client IP), counted in each process (rateLimiter.ts:52, an in-memory Map).
  MCP_RATE_LIMIT_MAX_REQUESTS: { line: 368, ok: (v) => /^[1-9]\d*$/.test(v), why: "a positive integer" },
  // :371 z.coerce.number().int().positive().default(900_000): the window in MILLISECONDS.
  MCP_RATE_LIMIT_WINDOW_MS: { line: 371, ok: (v) => /^[1-9]\d*000$/.test(v), why: "whole seconds, written in milliseconds" },
  // :154 z.string().default("development"); "production" makes file logs mandatory (logger.ts:105-111), a JWT key
  // mandatory (jwtStrategy.ts:25-34) and CORS closed (httpTransport.ts:290).
  NODE_ENV: { line: 154, ok: (v) => v === "production", why: "production" },
  // :151 z.string().default(~/.ibmi-mcp-server/logs); created at start (:513); must be on the task's writable volume.
  LOGS_DIR: { line: 151, ok: (v) => v.startsWith("/tmp/"), why: "a directory under the writable /tmp volume" },
  // :243 z.string().min(1).optional().
  DB2i_HOST: { line: 243, ok: (v) => v.length > 0, why: "the IBM i host" },
  // :258 string → `val === "true" || val === "1"`, default "true" (accept any certificate).
  DB2i_IGNORE_UNAUTHORIZED: { line: 258, ok: (v, c) => v === "false" || (v === "true" && c.plan.startsWith("dev") && !c.env.MAPEPIRE_CA_PEM), why: "false except in dev without a CA" },
  // :336 z.string().optional(), split on "," (:709); unknown names are dropped silently.
  SELECTED_TOOLSETS: { line: 336, ok: (v) => /^[a-z0-9_]+(,[a-z0-9_]+)*$/.test(v), why: "comma-separated toolset names, no spaces" },
  // :339 `val === "true"` only ("1" is false here, unlike its neighbours).
  IBMI_ENABLE_EXECUTE_SQL: { line: 339, ok: (v) => v === "true" || v === "false", why: "true or false" },
  // :346 `val === "true" || val === "1"`, default "true".
  IBMI_EXECUTE_SQL_READONLY: { line: 346, ok: (v, c) => v === "true" || (v === "false" && c.env.IBMI_ENABLE_EXECUTE_SQL === "true"), why: "true unless read-write SQL is on" },
  // :353 `val === "true" || val === "1"`, default "false".
  IBMI_ENABLE_DEFAULT_TOOLS: { line: 353, ok: (v) => v === "false", why: "false: the tier serves only its toolsets" },
  // :330 `val === "true" || val === "1"`, default "true": would watch the image's read-only YAML for nothing.
  YAML_AUTO_RELOAD: { line: 330, ok: (v) => v === "false", why: "false" },
  // :272 z.string().min(1).optional(); index.ts:50-89 accepts a file or a directory.
  TOOLS_YAML_PATH: { line: 272, ok: (v) => v.startsWith("/"), why: "an absolute path inside the image" },
  // :300 `val === "true" || val === "1"`; with it, :737-754 require the two key paths and the key id or throw.
  IBMI_HTTP_AUTH_ENABLED: { line: 300, ok: (v, c) => v === "true" && c.env.MCP_AUTH_MODE === "ibmi", why: "true in ibmi mode" },
  // :325 z.string().min(1).optional(); read as a file (httpAuthEndpoint.ts), written by the kit's entry script.
  IBMI_AUTH_PRIVATE_KEY_PATH: { line: 325, ok: (v) => v.startsWith("/tmp/"), why: "a file on the writable /tmp volume" },
  // :326 z.string().min(1).optional().
  IBMI_AUTH_PUBLIC_KEY_PATH: { line: 326, ok: (v) => v.startsWith("/tmp/"), why: "a file on the writable /tmp volume" },
};

/** Secrets: their values are unknown at synth; the row names the upstream line and where the shape is ensured. */
const SECRET_ROWS: Record<string, number> = {
  // :248 z.string().min(1).optional(); a JSON key of the person-put ibmi-service-credentials secret.
  DB2i_USER: 248,
  // :253 z.string().min(1).optional().
  DB2i_PASS: 253,
  // :172-178 z.string().min(32): the tier signing secret is generated 64 characters long (checked below).
  MCP_AUTH_SECRET_KEY: 172,
  // :327 z.string().min(1).optional(); the keyId of the kit-generated RSA key pair.
  IBMI_AUTH_KEY_ID: 327,
};

describe(`MCP server environment against ibmi-mcp-server ${UPSTREAM_SERVER_VERSION}`, () => {
  let containers: Container[];
  let variantPlan: TerraformJson;
  beforeAll(() => {
    containers = shippedEnvironments().flatMap((e) => mcpContainers(shippedPlan(e), e));
    // Everything the shipped configs leave off: ibmi auth, read-write SQL, a rate limit, the IBM i CA.
    variantPlan = synthStack(
      variant("dev", (c) => {
        c.mcpServer.authMode = "ibmi";
        c.mcpServer.executeSql = "read-write";
        c.mcpServer.rateLimit = { maxRequests: 300, windowSeconds: 60 };
        c.network.ibmi.caCertificate = SAMPLE_CA;
      }),
    ).plan;
    containers.push(...mcpContainers(variantPlan, "dev-variant"));
  });

  it("sets only variables upstream reads, each passing upstream's own check (lib/upstream-env.ts)", () => {
    expect(containers.length).toBeGreaterThanOrEqual(5);
    for (const c of containers) expect([c.plan, c.tier, upstreamEnvProblems(c.env, c.secrets)]).toEqual([c.plan, c.tier, []]);
  });

  it("has a row naming the upstream reader for every variable and secret the kit sets", () => {
    const set = new Set(containers.flatMap((c) => Object.keys(c.env)));
    const kitOnly = [...set].filter((n) => !(n in MCP_SERVER_ENV));
    expect(kitOnly.sort()).toEqual(["MAPEPIRE_CA_PEM", "NODE_OPTIONS"]);
    expect([...set].filter((n) => n in MCP_SERVER_ENV && !(n in ROWS))).toEqual([]);
    const secrets = new Set(containers.flatMap((c) => c.secrets));
    // The PEMs are read by the kit's entry script only (written to the key paths, then unset before node starts).
    expect([...secrets].filter((n) => !(n in SECRET_ROWS)).sort()).toEqual(["IBMI_AUTH_PRIVATE_KEY_PEM", "IBMI_AUTH_PUBLIC_KEY_PEM"]);
    for (const n of ["MAPEPIRE_CA_PEM", "NODE_OPTIONS", "IBMI_AUTH_PRIVATE_KEY_PEM", "IBMI_AUTH_PUBLIC_KEY_PEM"]) expect(KIT_ENV[n]).toBeDefined();
  });

  it.each(Object.entries(ROWS))("%s holds what upstream needs", (name, row) => {
    const seen = containers.filter((c) => name in c.env);
    expect(seen.length).toBeGreaterThan(0);
    for (const c of seen) expect([c.plan, c.tier, name, c.env[name], row.ok(c.env[name], c)]).toEqual([c.plan, c.tier, name, c.env[name], true]);
  });

  it("generates the tier signing secret long enough for upstream (config/index.ts:172-178, z.string().min(32))", () => {
    const plans = [...shippedEnvironments().map((e) => shippedPlan(e))];
    const signing = plans.flatMap((p) => resources(p, "aws_secretsmanager_secret").filter(([, s]) => /tier-signing-secret/.test(s.name ?? "")));
    expect(signing.length).toBeGreaterThan(0);
    for (const [address, s] of signing) expect([address, Number(s.tags["mcp-secret-length"]) >= 32]).toEqual([address, true]);
  });

  it("sets the rate limit from config: the count, and the window in milliseconds (config/index.ts:368, :371)", () => {
    const v = containers.filter((c) => c.plan === "dev-variant");
    expect(v.map((c) => [c.env.MCP_RATE_LIMIT_MAX_REQUESTS, c.env.MCP_RATE_LIMIT_WINDOW_MS])).toEqual(v.map(() => ["300", "60000"]));
    // Unset, the upstream default is written out, so the plan shows the limit in force.
    const shipped = containers.filter((c) => c.plan !== "dev-variant");
    for (const c of shipped) expect([c.env.MCP_RATE_LIMIT_MAX_REQUESTS, c.env.MCP_RATE_LIMIT_WINDOW_MS]).toEqual([String(UPSTREAM_RATE_LIMIT.maxRequests), String(UPSTREAM_RATE_LIMIT.windowSeconds * 1000)]);
  });

  it("with an IBM i CA, verifies Mapepire against it through the preloaded check, even in dev", () => {
    for (const c of containers.filter((x) => x.plan === "dev-variant")) {
      expect(c.env).toMatchObject({ NODE_OPTIONS: "--require /opt/ibmi-mcp/verify-ibmi-ca.cjs", MAPEPIRE_CA_PEM: SAMPLE_CA, DB2i_IGNORE_UNAUTHORIZED: "false" });
    }
    for (const c of containers.filter((x) => x.plan !== "dev-variant")) expect([c.plan, c.env.NODE_OPTIONS, c.env.MAPEPIRE_CA_PEM]).toEqual([c.plan, undefined, undefined]);
  });

  it("refuses, at synth, a value that would make upstream start without auth", () => {
    expect(() => synthStack(variant("dev", (c) => (c.mcpServer.logLevel = "verbose")))).toThrow(
      /the MCP server's environment would not hold:\n {2}- MCP_LOG_LEVEL="verbose" must be one of debug, info, notice, warning, error, crit, alert, emerg; ibmi-mcp-server v0\.5\.1 would ignore its whole environment and start without auth/,
    );
    expect(() => synthStack(variant("dev", (c) => (c.mcpServer.rateLimit = { maxRequests: 0, windowSeconds: 60 })))).toThrow(/MCP_RATE_LIMIT_MAX_REQUESTS="0" must be a whole number ≥ 1/);
  });

  it("each check refuses what upstream refuses, and names a variable upstream does not read", () => {
    const bad: [string, string, RegExp][] = [
      ["MCP_TRANSPORT_TYPE", "HTTP", /must be one of stdio, http/], // :155 enum is case-sensitive
      ["MCP_AUTH_MODE", "JWT", /must be one of jwt, oauth, ibmi, none/], // :179
      ["MCP_AUTH_SECRET_KEY", "x".repeat(31), /at least 32 characters/], // :172-178
      ["MCP_HTTP_PORT", "3010.5", /whole number ≥ 1/], // :157 .int()
      ["MCP_RATE_LIMIT_WINDOW_MS", "-1", /whole number ≥ 1/], // :371 .positive()
      ["IBMI_ENABLE_EXECUTE_SQL", "1", /must be one of true, false/], // :339 only "true" is true
      ["DB2i_HOST", "", /must not be empty/], // :243 .min(1)
      ["OAUTH_JWKS_URI", "not a url", /must be a URL/], // :181 .url()
      ["DB2i_JDBC_OPTIONS", "naming", /key=value/], // :550 throws on a pair without "="
    ];
    for (const [name, value, re] of bad) expect(upstreamEnvProblems({ [name]: value }).join("\n")).toMatch(re);
    // MCP_ALLOWED_HOSTS arrived in 0.6.0: on the pinned v0.5.1 it would silently do nothing.
    expect(upstreamEnvProblems({ MCP_ALLOWED_HOSTS: "mcp.example.com" })).toEqual(["MCP_ALLOWED_HOSTS is not read by ibmi-mcp-server v0.5.1: the setting would be silently lost"]);
    expect(upstreamEnvProblems({ MCP_AUTH_MODE: "jwt" })).toEqual(["MCP_AUTH_MODE=jwt without MCP_AUTH_SECRET_KEY"]);
    expect(upstreamEnvProblems({ MCP_AUTH_MODE: "oauth", OAUTH_ISSUER_URL: "https://issuer.example.com" })).toEqual(["MCP_AUTH_MODE=oauth without OAUTH_AUDIENCE"]);
    expect(upstreamEnvProblems({ MAPEPIRE_CA_PEM: SAMPLE_CA })).toEqual(["MAPEPIRE_CA_PEM and the NODE_OPTIONS preload of verify-ibmi-ca.cjs must be set together"]);
  });

  // The cited lines are checked against the upstream source when its mirror is on this machine (the kit's machines
  // have it; a CI runner without it skips this one test).
  const mirror = "/work/.mirror/IBM+ibmi-mcp-server/repo";
  (fs.existsSync(mirror) ? it : it.skip)("cites lines that really read each variable in upstream v0.5.1 config/index.ts", () => {
    const lines = execFileSync("git", ["-C", mirror, "show", `${UPSTREAM_SERVER_VERSION}:packages/server/src/config/index.ts`], { encoding: "utf8" }).split("\n");
    const cited = [...Object.entries(ROWS).map(([n, r]) => [n, r.line] as const), ...Object.entries(SECRET_ROWS)];
    for (const [name, line] of cited) expect([name, lines[line - 1].trim().startsWith(`${name}:`)]).toEqual([name, true]);
    const schema = lines.slice(145, 417).join("\n");
    const upstreamNames = [...schema.matchAll(/^ {2}([A-Za-z0-9_]+):/gm)].map((m) => m[1]);
    expect(upstreamNames.sort()).toEqual(Object.keys(MCP_SERVER_ENV).sort());
  });
});
