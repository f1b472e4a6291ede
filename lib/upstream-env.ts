/**
 * What the pinned IBM i MCP server (IBM/ibmi-mcp-server v0.5.1, packages/server/src/config/index.ts) accepts in
 * its environment. The server validates its whole environment with one zod schema and, if any value fails, ignores
 * EVERY variable and starts with its defaults: auth "none" on stdio (config/index.ts:419-430, the error printed only
 * to a terminal). So a bad value does not stop the task, it opens it. The kit checks each value it puts into the
 * container against the upstream constraint at synth, and refuses names upstream does not read (a misspelt name is
 * silently ignored and its control lost). test/constructs/mcp-environment.test.ts cites the upstream line of each.
 */

import { anyString, Check, envProblems, flag, oneOf } from "./env-checks";

/** The upstream release these constraints were read from. */
export const UPSTREAM_SERVER_VERSION = "v0.5.1";

/** The server's rate limit when nothing is set (config/index.ts:368 MCP_RATE_LIMIT_MAX_REQUESTS 100, :371 MCP_RATE_LIMIT_WINDOW_MS 900000). */
export const UPSTREAM_RATE_LIMIT = { maxRequests: 100, windowSeconds: 900 } as const;

const intAtLeast =
  (min: number): Check =>
  (v) =>
    /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) && Number(v) >= min ? undefined : `must be a whole number ≥ ${min}`;
const positiveInt = intAtLeast(1);
const between =
  (min: number, max: number): Check =>
  (v) =>
    v.trim() !== "" && Number(v) >= min && Number(v) <= max ? undefined : `must be a number from ${min} to ${max}`;
const nonEmpty: Check = (v) => (v.length > 0 ? undefined : "must not be empty");
const absolutePath: Check = (v) => (/^\/[\w./-]*$/.test(v) ? undefined : "must be an absolute path");
const url: Check = (v) => (URL.canParse(v) ? undefined : "must be a URL");

/**
 * Every variable in the server's EnvSchema (config/index.ts:146-417), with the check its value must pass. Entries the
 * kit never sets are here too, so that a name is refused only when upstream really does not read it.
 */
export const MCP_SERVER_ENV: Readonly<Record<string, Check>> = {
  MCP_SERVER_NAME: anyString,
  MCP_SERVER_VERSION: anyString,
  // z.string(), but the logger maps only these names to pino levels (logger.ts:30) and silently uses "info" otherwise.
  MCP_LOG_LEVEL: oneOf("debug", "info", "notice", "warning", "error", "crit", "alert", "emerg"),
  LOGS_DIR: absolutePath,
  // z.string(); "production" turns on what the kit relies on: file logs required (logger.ts:105), a JWT key required
  // (jwtStrategy.ts:25), no CORS origin (httpTransport.ts:290), no dev token bypass (jwtStrategy.ts:58).
  NODE_ENV: oneOf("production", "development"),
  MCP_TRANSPORT_TYPE: oneOf("stdio", "http"),
  MCP_SESSION_MODE: oneOf("stateless", "stateful", "auto"),
  MCP_HTTP_PORT: positiveInt,
  MCP_HTTP_HOST: nonEmpty,
  MCP_HTTP_ENDPOINT_PATH: (v) => (v.startsWith("/") ? undefined : "must start with /"),
  MCP_HTTP_MAX_PORT_RETRIES: intAtLeast(0),
  MCP_HTTP_PORT_RETRY_DELAY_MS: intAtLeast(0),
  MCP_STATEFUL_SESSION_STALE_TIMEOUT_MS: positiveInt,
  MCP_ALLOWED_ORIGINS: anyString,
  // z.string().min(32): a shorter key fails the whole schema, which starts the server with auth "none".
  MCP_AUTH_SECRET_KEY: (v) => (v.length >= 32 ? undefined : "must be at least 32 characters"),
  MCP_AUTH_MODE: oneOf("jwt", "oauth", "ibmi", "none"),
  OAUTH_ISSUER_URL: url,
  OAUTH_JWKS_URI: url,
  OAUTH_AUDIENCE: anyString,
  DEV_MCP_CLIENT_ID: anyString,
  DEV_MCP_SCOPES: anyString,
  OPENROUTER_APP_URL: url,
  OPENROUTER_APP_NAME: anyString,
  OPENROUTER_API_KEY: anyString,
  LLM_DEFAULT_MODEL: anyString,
  LLM_DEFAULT_TEMPERATURE: between(0, 2),
  LLM_DEFAULT_TOP_P: between(0, 1),
  LLM_DEFAULT_MAX_TOKENS: positiveInt,
  LLM_DEFAULT_TOP_K: intAtLeast(0),
  LLM_DEFAULT_MIN_P: between(0, 1),
  OAUTH_PROXY_AUTHORIZATION_URL: url,
  OAUTH_PROXY_TOKEN_URL: url,
  OAUTH_PROXY_REVOCATION_URL: url,
  OAUTH_PROXY_ISSUER_URL: url,
  OAUTH_PROXY_SERVICE_DOCUMENTATION_URL: url,
  OAUTH_PROXY_DEFAULT_CLIENT_REDIRECT_URIS: anyString,
  SUPABASE_URL: url,
  SUPABASE_ANON_KEY: anyString,
  SUPABASE_SERVICE_ROLE_KEY: anyString,
  OTEL_ENABLED: flag,
  OTEL_SERVICE_NAME: anyString,
  OTEL_SERVICE_VERSION: anyString,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: url,
  OTEL_TRACES_SAMPLER_ARG: between(0, 1),
  OTEL_LOG_LEVEL: oneOf("NONE", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE", "ALL"),
  DB2i_HOST: nonEmpty,
  DB2i_USER: nonEmpty,
  DB2i_PASS: nonEmpty,
  DB2i_IGNORE_UNAUTHORIZED: flag,
  // Parsed when a pool is made (config/index.ts:542-574): a pair without "=" throws there.
  DB2i_JDBC_OPTIONS: (v) => (v.split(";").every((p) => !p.trim() || /^\s*[^=\s][^=]*=/.test(p)) ? undefined : "must be key=value pairs separated by ;"),
  TOOLS_YAML_PATH: absolutePath,
  YAML_MERGE_ARRAYS: flag,
  YAML_ALLOW_DUPLICATE_TOOLS: flag,
  YAML_ALLOW_DUPLICATE_SOURCES: flag,
  YAML_VALIDATE_MERGED: flag,
  IBMI_HTTP_AUTH_ENABLED: flag,
  IBMI_AUTH_ALLOW_HTTP: flag,
  IBMI_AUTH_TOKEN_EXPIRY_SECONDS: positiveInt,
  IBMI_AUTH_CLEANUP_INTERVAL_SECONDS: positiveInt,
  IBMI_AUTH_MAX_CONCURRENT_SESSIONS: positiveInt,
  IBMI_AUTH_PRIVATE_KEY_PATH: absolutePath,
  IBMI_AUTH_PUBLIC_KEY_PATH: absolutePath,
  IBMI_AUTH_KEY_ID: nonEmpty,
  YAML_AUTO_RELOAD: flag,
  SELECTED_TOOLSETS: (v) => (v.split(",").every((t) => /^[A-Za-z0-9_-]+$/.test(t.trim())) ? undefined : "must be a comma-separated list of toolset names"),
  IBMI_ENABLE_EXECUTE_SQL: flag,
  IBMI_EXECUTE_SQL_READONLY: flag,
  IBMI_ENABLE_DEFAULT_TOOLS: flag,
  MCP_RATE_LIMIT_ENABLED: flag,
  MCP_RATE_LIMIT_MAX_REQUESTS: positiveInt,
  MCP_RATE_LIMIT_WINDOW_MS: positiveInt,
  MCP_RATE_LIMIT_SKIP_DEV: flag,
  MCP_POOL_IDLE_TIMEOUT_MS: intAtLeast(0),
  MCP_POOL_QUERY_TIMEOUT_MS: intAtLeast(0),
  IBMI_PAGINATION_DEFAULT_PAGE_SIZE: positiveInt,
  IBMI_PAGINATION_MAX_ROWS: positiveInt,
};

/**
 * Variables outside the EnvSchema that are read nonetheless, each with its reader. Any other name is refused. (Tools
 * YAML may also substitute any variable as `${NAME}`, configParser.ts:236; the kit's YAML uses only DB2i_*.)
 */
export const KIT_ENV: Readonly<Record<string, string>> = {
  MCP_SERVER_CONFIG: "the server's .env file loader (config/index.ts:26)",
  NO_COLOR: "the server's logger (logger.ts:74)",
  FORCE_COLOR: "the server's logger (logger.ts:74)",
  IBMI_AUTH_PRIVATE_KEY_PEM: "the kit's entry script (ibmi auth mode) writes it to IBMI_AUTH_PRIVATE_KEY_PATH and unsets it",
  IBMI_AUTH_PUBLIC_KEY_PEM: "the kit's entry script (ibmi auth mode) writes it to IBMI_AUTH_PUBLIC_KEY_PATH and unsets it",
  NODE_OPTIONS: "node itself: preloads the kit's Mapepire CA check (runtime/mcp-server/verify-ibmi-ca.cjs)",
  MAPEPIRE_CA_PEM: "the kit's Mapepire CA check (runtime/mcp-server/verify-ibmi-ca.cjs)",
};

/**
 * Problems with the environment and secret names of one MCP server container, each naming the variable and the value;
 * empty when upstream would accept all of it and honour every setting. Secret values are unknown at synth: only their
 * names are checked (their shapes are checked where they are generated).
 */
export function upstreamEnvProblems(environment: Readonly<Record<string, string>>, secretNames: readonly string[] = []): string[] {
  const { problems: out, has } = envProblems({ product: `ibmi-mcp-server ${UPSTREAM_SERVER_VERSION}`, settings: MCP_SERVER_ENV, others: KIT_ENV, badValue: "would ignore its whole environment and start without auth" }, environment, secretNames);
  // jwtStrategy.ts:25-34: in production without a key the server refuses to start; elsewhere it accepts any token.
  if (environment.MCP_AUTH_MODE === "jwt" && !has("MCP_AUTH_SECRET_KEY")) out.push("MCP_AUTH_MODE=jwt without MCP_AUTH_SECRET_KEY");
  // oauthStrategy.ts:28-39 (v0.5.1): oauth mode without an issuer or an audience throws when the strategy is built.
  if (environment.MCP_AUTH_MODE === "oauth") for (const n of ["OAUTH_ISSUER_URL", "OAUTH_AUDIENCE"]) if (!has(n)) out.push(`MCP_AUTH_MODE=oauth without ${n}`);
  // config/index.ts:737-754: IBM i HTTP auth without its key paths and key id throws at start.
  if (environment.IBMI_HTTP_AUTH_ENABLED === "true") {
    for (const n of ["IBMI_AUTH_PRIVATE_KEY_PATH", "IBMI_AUTH_PUBLIC_KEY_PATH", "IBMI_AUTH_KEY_ID"]) if (!has(n)) out.push(`IBMI_HTTP_AUTH_ENABLED=true without ${n}`);
  }
  if (has("MAPEPIRE_CA_PEM") !== /--require\s+\S*verify-ibmi-ca\.cjs/.test(environment.NODE_OPTIONS ?? "")) out.push("MAPEPIRE_CA_PEM and the NODE_OPTIONS preload of verify-ibmi-ca.cjs must be set together");
  return out;
}
