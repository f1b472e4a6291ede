/**
 * Every name the kit puts into the gateway container, against IBM/mcp-context-forge v1.0.8. The names are upstream
 * pydantic fields, read case-insensitively with extra names ignored (mcpgateway/config.py:3129 `SettingsConfigDict(
 * env_file=".env", case_sensitive=False, extra="ignore")`), at these lines of mcpgateway/config.py (tag v1.0.8):
 *   226 host · 227 port · 229 docs_allow_basic_auth · 234 database_url · 352 basic_auth_user · 353 basic_auth_password ·
 *   355 jwt_secret_key · 363 jwt_audience_verification · 365 auth_required · 379 require_token_expiration ·
 *   632 auth_encryption_secret · 976 email_auth_enabled · 989 platform_admin_email · 990 platform_admin_password ·
 *   1069 mcpgateway_ui_enabled · 1070 mcpgateway_admin_api_enabled · 1112 mcpgateway_bulk_import_enabled ·
 *   725 ssrf_allowed_networks (List[str], JSON; private destinations are refused unless listed, :718-727) ·
 *   1176 skip_ssl_verify · 1185 environment (Literal development/staging/production) · 1188 app_domain (HttpUrl) ·
 *   1234 secure_cookies · 1280 allowed_origins (NoDecode, JSON parsed by the validator at :1931) ·
 *   1975 log_level (Literal) · 1977 log_format (Literal json/text, default json) · 1978 log_to_file ·
 *   2794 primary_worker_election_backend (Literal filelock/redis) · 2830 db_pool_size · 2831 db_max_overflow ·
 *   2874 cache_type (Literal redis/memory/none/database) · 2875 redis_url · 2920 redis_ssl · 3001 dev_mode.
 * Read elsewhere: run-gunicorn.sh:229 GUNICORN_WORKERS, :380 DISABLE_ACCESS_LOG; HOME (Python's expanduser);
 * KIT_* by the kit's own runtime/gateway/compose-urls.sh.
 * Renamed or removed since v0.7.0 (diff of the two tags' config.py fields): federation_discovery, federation_enabled,
 * federation_peers, federation_sync_interval, plugin_config_file, plugins_enabled, templates_dir… are gone; the kit
 * set FEDERATION_DISCOVERY=false under 0.7 and sets nothing of them now. APP_DOMAIN changed from str (0.7.0
 * config.py:279) to HttpUrl.
 */
import { GATEWAY_OTHER_ENV, GATEWAY_SETTINGS, gatewayEnvProblems, UPSTREAM_GATEWAY_VERSION } from "../../lib/gateway-env";
import { rdsRootCertificate } from "../../lib/rds-ca";
import { TerraformJson } from "../../policy/types";
import { resourceAt } from "../helpers";
import { shippedPlan } from "../plans";

const UPSTREAM_LINES: Record<string, number> = {
  HOST: 226,
  PORT: 227,
  DOCS_ALLOW_BASIC_AUTH: 229,
  DATABASE_URL: 234,
  BASIC_AUTH_USER: 352,
  BASIC_AUTH_PASSWORD: 353,
  JWT_SECRET_KEY: 355,
  JWT_AUDIENCE_VERIFICATION: 363,
  AUTH_REQUIRED: 365,
  REQUIRE_TOKEN_EXPIRATION: 379,
  AUTH_ENCRYPTION_SECRET: 632,
  EMAIL_AUTH_ENABLED: 976,
  PLATFORM_ADMIN_EMAIL: 989,
  PLATFORM_ADMIN_PASSWORD: 990,
  MCPGATEWAY_UI_ENABLED: 1069,
  MCPGATEWAY_ADMIN_API_ENABLED: 1070,
  MCPGATEWAY_BULK_IMPORT_ENABLED: 1112,
  SSRF_ALLOWED_NETWORKS: 725,
  SKIP_SSL_VERIFY: 1176,
  ENVIRONMENT: 1185,
  APP_DOMAIN: 1188,
  SECURE_COOKIES: 1234,
  ALLOWED_ORIGINS: 1280,
  LOG_LEVEL: 1975,
  LOG_FORMAT: 1977,
  LOG_TO_FILE: 1978,
  PRIMARY_WORKER_ELECTION_BACKEND: 2794,
  DB_POOL_SIZE: 2830,
  DB_MAX_OVERFLOW: 2831,
  CACHE_TYPE: 2874,
  REDIS_URL: 2875,
  REDIS_SSL: 2920,
  DEV_MODE: 3001,
};
const OTHER = [
  "HOME",
  "GUNICORN_WORKERS",
  "DISABLE_ACCESS_LOG",
  "KIT_DATABASE_HOST",
  "KIT_DATABASE_PORT",
  "KIT_DATABASE_NAME",
  "KIT_DATABASE_USER",
  "KIT_DATABASE_PASSWORD",
  "KIT_DATABASE_CA_PEM",
  "KIT_REDIS_HOST",
  "KIT_REDIS_PORT",
  "KIT_REDIS_USER",
  "KIT_REDIS_PASSWORD",
];

const container = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_ecs_task_definition", "gateway/task").container_definitions)[0];

describe("the gateway's environment (lib/gateway-env.ts)", () => {
  it("lists exactly the upstream fields above, each at the line cited, and the names read elsewhere", () => {
    expect(UPSTREAM_GATEWAY_VERSION).toBe("v1.0.8");
    expect(Object.fromEntries(Object.entries(GATEWAY_SETTINGS).map(([k, v]) => [k, v.line]))).toEqual(UPSTREAM_LINES);
    expect(Object.keys(GATEWAY_OTHER_ENV).sort()).toEqual([...OTHER].sort());
  });

  it.each(["dev", "staging", "prod"])("%s: the kit sets only names the pinned gateway (or its own entry script) reads", (env) => {
    const c = container(shippedPlan(env));
    const names = [...c.environment.map((e: any) => e.name), ...c.secrets.map((s: any) => s.name)];
    for (const n of names) expect([n, n in UPSTREAM_LINES || OTHER.includes(n)]).toEqual([n, true]);
    expect(
      gatewayEnvProblems(
        Object.fromEntries(c.environment.map((e: any) => [e.name, e.value])),
        c.secrets.map((s: any) => s.name),
      ),
    ).toEqual([]);
  });

  it("refuses names upstream does not read and values pydantic would reject, naming each", () => {
    expect(gatewayEnvProblems({ FEDERATION_DISCOVERY: "false" })).toEqual(["FEDERATION_DISCOVERY is not read by mcp-context-forge v1.0.8: the setting would be silently lost"]);
    expect(gatewayEnvProblems({ APP_DOMAIN: "mcp.example.com" })).toEqual(['APP_DOMAIN="mcp.example.com" must be an http(s) URL (pydantic HttpUrl); mcp-context-forge v1.0.8 would not start']);
    expect(gatewayEnvProblems({ LOG_FORMAT: "plain", CACHE_TYPE: "valkey" })).toEqual([
      'LOG_FORMAT="plain" must be one of json, text; mcp-context-forge v1.0.8 would not start',
      'CACHE_TYPE="valkey" must be one of redis, memory, none, database; mcp-context-forge v1.0.8 would not start',
    ]);
    expect(gatewayEnvProblems({ ALLOWED_ORIGINS: "https://a.example.com" })).toEqual(['ALLOWED_ORIGINS="https://a.example.com" must be a JSON list of strings; mcp-context-forge v1.0.8 would not start']);
    expect(gatewayEnvProblems({}, ["DB_PASSWORD"])).toEqual(["DB_PASSWORD (secret) is not read by mcp-context-forge v1.0.8"]);
  });

  it("refuses combinations the entry script or upstream would not honour", () => {
    const ca = rdsRootCertificate("us-east-1")!;
    expect(gatewayEnvProblems({ DATABASE_URL: "sqlite:////data/mcp.db", KIT_DATABASE_HOST: "db", KIT_DATABASE_CA_PEM: ca }, ["KIT_DATABASE_PASSWORD"])).toEqual(["DATABASE_URL and KIT_DATABASE_HOST are both set"]);
    expect(gatewayEnvProblems({ KIT_DATABASE_HOST: "db", KIT_DATABASE_CA_PEM: ca, KIT_REDIS_HOST: "cache" })).toEqual(["KIT_DATABASE_HOST without KIT_DATABASE_PASSWORD", "KIT_REDIS_HOST without KIT_REDIS_PASSWORD"]);
    // runtime/gateway/compose-urls.sh refuses to start without a PEM root: sslmode=verify-full needs it.
    expect(gatewayEnvProblems({ KIT_DATABASE_HOST: "db" }, ["KIT_DATABASE_PASSWORD"])).toEqual(["KIT_DATABASE_HOST without KIT_DATABASE_CA_PEM"]);
    expect(gatewayEnvProblems({ KIT_DATABASE_HOST: "db", KIT_DATABASE_CA_PEM: "rds-ca-rsa2048-g1" }, ["KIT_DATABASE_PASSWORD"])).toEqual(["KIT_DATABASE_CA_PEM is not a PEM certificate; the gateway could not verify its database"]);
    // The knob of the 0.7-era script is gone: the script always writes verify-full, and the name is refused.
    expect(gatewayEnvProblems({ KIT_DATABASE_SSLMODE: "require" })).toEqual(["KIT_DATABASE_SSLMODE is not read by mcp-context-forge v1.0.8: the setting would be silently lost"]);
    // utils/redis_client.py:280: no Redis client unless CACHE_TYPE=redis, so a Redis election would have no Redis.
    expect(gatewayEnvProblems({ PRIMARY_WORKER_ELECTION_BACKEND: "redis", CACHE_TYPE: "database" })).toEqual(["PRIMARY_WORKER_ELECTION_BACKEND=redis without CACHE_TYPE=redis"]);
    expect(gatewayEnvProblems({ JWT_SECRET_KEY: "x" }, ["JWT_SECRET_KEY"])).toEqual(["JWT_SECRET_KEY is set both as a value and as a secret"]);
  });
});

describe("the gateway may call the tiers it federates", () => {
  it.each(["dev", "staging", "prod"] as const)("%s: SSRF_ALLOWED_NETWORKS is the VPC's range and nothing wider", (env) => {
    // Context Forge 1.0.8 refuses a gateway URL in a private range unless it is listed here (config.py:718-727,
    // validators.py:1530-1550): without it every tier registration ends in 422.
    const plan = shippedPlan(env);
    const env_ = Object.fromEntries(container(plan).environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    const vpc = Object.values((plan.resource as any).aws_vpc)[0] as { cidr_block: string };
    expect(JSON.parse(env_.SSRF_ALLOWED_NETWORKS)).toEqual([vpc.cidr_block]);
    expect(env_.SSRF_ALLOW_PRIVATE_NETWORKS).toBeUndefined();
  });
});
