/**
 * What the pinned MCP gateway (IBM/mcp-context-forge v1.0.8) reads from its environment, with the upstream line that
 * reads each name. Its settings are one pydantic BaseSettings (mcpgateway/config.py:3129, `case_sensitive=False,
 * extra="ignore"`): a misspelt or removed name is silently ignored and its control lost, and a value pydantic cannot
 * parse stops the gateway at start. So the kit refuses at synth any name not listed here and any value outside what
 * the field accepts. Only names the kit sets are listed (test/constructs/gateway-env.test.ts cites each line).
 */

import { anyString, Check, envProblems, flag, isCertificate, oneOf } from "./env-checks";

/** The upstream release these names were read from (its tag; the image tag is the same, see config/schema.ts). */
export const UPSTREAM_GATEWAY_VERSION = "v1.0.8";

/** The uid:gid the upstream image runs as (Containerfile:404 `useradd --uid 10001`, :494 `USER 10001:10001`). */
export const GATEWAY_UID = 10001;

const intFrom =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be a whole number from ${min} to ${max}`;
const httpUrl: Check = (v) => (/^https?:\/\/[^/\s]+/.test(v) && URL.canParse(v) ? undefined : "must be an http(s) URL (pydantic HttpUrl)");
const jsonStrings: Check = (v) => {
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((s) => typeof s === "string") ? undefined : "must be a JSON list of strings";
  } catch {
    return "must be a JSON list of strings";
  }
};

/** Fields of mcpgateway/config.py (v1.0.8) the kit sets, by environment name, with the check pydantic applies. */
export const GATEWAY_SETTINGS: Readonly<Record<string, { readonly line: number; readonly check: Check }>> = {
  HOST: { line: 226, check: anyString },
  PORT: { line: 227, check: intFrom(1, 65535) },
  DOCS_ALLOW_BASIC_AUTH: { line: 229, check: flag },
  DATABASE_URL: { line: 234, check: (v) => (/^(sqlite|postgresql\+psycopg):\/\//.test(v) ? undefined : "must be a sqlite:// or postgresql+psycopg:// URL") },
  BASIC_AUTH_USER: { line: 352, check: anyString },
  BASIC_AUTH_PASSWORD: { line: 353, check: anyString },
  JWT_SECRET_KEY: { line: 355, check: anyString },
  JWT_AUDIENCE_VERIFICATION: { line: 363, check: flag },
  AUTH_REQUIRED: { line: 365, check: flag },
  REQUIRE_TOKEN_EXPIRATION: { line: 379, check: flag },
  AUTH_ENCRYPTION_SECRET: { line: 632, check: anyString },
  EMAIL_AUTH_ENABLED: { line: 976, check: flag },
  PLATFORM_ADMIN_EMAIL: { line: 989, check: anyString },
  PLATFORM_ADMIN_PASSWORD: { line: 990, check: anyString },
  MCPGATEWAY_UI_ENABLED: { line: 1069, check: flag },
  MCPGATEWAY_ADMIN_API_ENABLED: { line: 1070, check: flag },
  MCPGATEWAY_BULK_IMPORT_ENABLED: { line: 1112, check: flag },
  SKIP_SSL_VERIFY: { line: 1176, check: flag },
  // List[str] without NoDecode: pydantic-settings decodes it as JSON. Checked at registration (validators.py:1530-1550).
  SSRF_ALLOWED_NETWORKS: { line: 725, check: jsonStrings },
  ENVIRONMENT: { line: 1185, check: oneOf("development", "staging", "production") },
  // HttpUrl since 1.0 (0.7.0 took a bare host name, config.py:279 there): a host alone fails validation at start.
  APP_DOMAIN: { line: 1188, check: httpUrl },
  SECURE_COOKIES: { line: 1234, check: flag },
  // NoDecode + its own validator (:1931) that parses JSON.
  ALLOWED_ORIGINS: { line: 1280, check: jsonStrings },
  LOG_LEVEL: { line: 1975, check: oneOf("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") },
  // "json" by default since 1.0; the kit's metric filters read the text format (constructs/alerts.ts).
  LOG_FORMAT: { line: 1977, check: oneOf("json", "text") },
  LOG_TO_FILE: { line: 1978, check: flag },
  PRIMARY_WORKER_ELECTION_BACKEND: { line: 2794, check: oneOf("filelock", "redis") },
  DB_POOL_SIZE: { line: 2830, check: intFrom(1) },
  DB_MAX_OVERFLOW: { line: 2831, check: intFrom(0) },
  CACHE_TYPE: { line: 2874, check: oneOf("redis", "memory", "none", "database") },
  REDIS_URL: { line: 2875, check: (v) => (/^rediss?:\/\//.test(v) ? undefined : "must be a redis:// or rediss:// URL") },
  REDIS_SSL: { line: 2920, check: flag },
  DEV_MODE: { line: 3001, check: flag },
};

/** Names read outside config.py, each with its reader. Any other name is refused. */
export const GATEWAY_OTHER_ENV: Readonly<Record<string, string>> = {
  HOME: "Python's os.path.expanduser for the unprivileged user (the root file system is read-only; /tmp is its volume)",
  GUNICORN_WORKERS: "run-gunicorn.sh:229 (unset or auto: 2 × CPUs + 1, capped at 16)",
  DISABLE_ACCESS_LOG: "run-gunicorn.sh:380 (default true: access lines go to /dev/null, and the kit's 401/403 alarms would see nothing)",
  KIT_DATABASE_HOST: "the kit's entry script (runtime/gateway/compose-urls.sh) composes DATABASE_URL from it",
  KIT_DATABASE_PORT: "runtime/gateway/compose-urls.sh",
  KIT_DATABASE_NAME: "runtime/gateway/compose-urls.sh",
  KIT_DATABASE_USER: "runtime/gateway/compose-urls.sh",
  KIT_DATABASE_PASSWORD: "runtime/gateway/compose-urls.sh (from RDS's managed secret; unset before the gateway starts)",
  KIT_DATABASE_CA_PEM: "runtime/gateway/compose-urls.sh writes it to the file DATABASE_URL's sslrootcert names (sslmode=verify-full)",
  KIT_REDIS_HOST: "runtime/gateway/compose-urls.sh composes REDIS_URL from it",
  KIT_REDIS_PORT: "runtime/gateway/compose-urls.sh",
  KIT_REDIS_USER: "runtime/gateway/compose-urls.sh",
  KIT_REDIS_PASSWORD: "runtime/gateway/compose-urls.sh (from the cache password secret; unset before the gateway starts)",
};

/**
 * Problems with the environment and secret names of the gateway container, each naming the variable; empty when
 * v1.0.8 reads every one and would accept every value. Secret values are unknown at synth: only their names are checked.
 */
export function gatewayEnvProblems(environment: Readonly<Record<string, string>>, secretNames: readonly string[] = []): string[] {
  const settings = Object.fromEntries(Object.entries(GATEWAY_SETTINGS).map(([name, s]) => [name, s.check]));
  const { problems: out, has } = envProblems({ product: `mcp-context-forge ${UPSTREAM_GATEWAY_VERSION}`, settings, others: GATEWAY_OTHER_ENV, badValue: "would not start" }, environment, secretNames);
  // One URL or its parts, never both: the entry script would overwrite the URL.
  if (has("DATABASE_URL") && has("KIT_DATABASE_HOST")) out.push("DATABASE_URL and KIT_DATABASE_HOST are both set");
  if (has("KIT_DATABASE_HOST") && !has("KIT_DATABASE_PASSWORD")) out.push("KIT_DATABASE_HOST without KIT_DATABASE_PASSWORD");
  // The entry script refuses to start without it: libpq's verify-full needs the root that signed the server's certificate.
  if (has("KIT_DATABASE_HOST") && !has("KIT_DATABASE_CA_PEM")) out.push("KIT_DATABASE_HOST without KIT_DATABASE_CA_PEM");
  if (environment.KIT_DATABASE_CA_PEM !== undefined && !isCertificate(environment.KIT_DATABASE_CA_PEM)) out.push("KIT_DATABASE_CA_PEM is not a PEM certificate; the gateway could not verify its database");
  if (has("KIT_REDIS_HOST") && !has("KIT_REDIS_PASSWORD")) out.push("KIT_REDIS_HOST without KIT_REDIS_PASSWORD");
  // redis_client.py:280: without CACHE_TYPE=redis the Redis client (and the Redis leader election) is never made.
  if (environment.PRIMARY_WORKER_ELECTION_BACKEND === "redis" && environment.CACHE_TYPE !== "redis") out.push("PRIMARY_WORKER_ELECTION_BACKEND=redis without CACHE_TYPE=redis");
  return out;
}
