/**
 * What constructs/tier-registration.ts and the register-tiers function agree on; kept apart from index.ts so synth
 * never loads the AWS SDK.
 *
 * The function registers every MCP tier with the gateway (IBM MCP Context Forge 1.x) as a federated MCP server (a
 * "gateway" entry), with a bearer token it mints for the gateway as a client of that tier (ES256 through kms:Sign on
 * the tier's gateway key, functions/shared/es256.ts), and updates the entry on every run so the stored token never
 * expires. It runs on apply (when a tier, its URL, audience, key or scopes change) and every
 * `tokenLifetimeHours / 3` hours.
 */

/** The `client_id` and `sub` of every token the gateway presents to a tier. */
export const GATEWAY_CLIENT_ID = "gateway";

/**
 * Context Forge 1.x's gateway API, versioned. mcpgateway/api/v1/__init__.py (v1.0.8) mounts the gateways router under
 * `/v1` always (lines 82-87) and under `/` only while LEGACY_API_ENABLED (config.py:1358, deprecated aliases).
 */
export const GATEWAYS_PATH = "/v1/gateways";

/** Context Forge's defaults for its own JWTs (mcpgateway/config.py:361-362 at v1.0.8): JWT_AUDIENCE, JWT_ISSUER. */
export const DEFAULT_ADMIN_AUDIENCE = "mcpgateway-api";
export const DEFAULT_ADMIN_ISSUER = "mcpgateway";

/** One tier to register. */
export interface RegistrationTier {
  /** Tier id (lib/tiers.ts); names the gateway entry. */
  readonly id: string;
  /** The tier's MCP endpoint as the gateway reaches it: `http://<tier id>.<namespace>:3010/mcp` (Cloud Map). */
  readonly url: string;
  /** The tier's OAUTH_AUDIENCE: the `aud` of the token minted for it. */
  readonly audience: string;
  /**
   * Alias of the tier's gateway key (ECC_NIST_P256, SIGN_VERIFY) that signs the token, `alias/<prefix>-token-gateway-<tier id>`:
   * known at synth, where the key's ARN is not. The function resolves it with kms:DescribeKey; the key id is the `kid`.
   */
  readonly gatewayKeyAlias: string;
  /** The `scp` claim: the tier's toolsets (the server requires a non-empty list). */
  readonly scopes: readonly string[];
}

/** How the function signs in to the gateway's admin API. */
export interface AdminAuth {
  /**
   * The user the admin JWT names (`sub`): the platform administrator, PLATFORM_ADMIN_EMAIL. Context Forge 1.x requires
   * the user to exist in its database (REQUIRE_USER_IN_DB, config.py:381) and takes its admin rights from there.
   */
  readonly email: string;
  /** ARN of the secret holding JWT_SECRET_KEY, with which the function signs a short-lived HS256 admin JWT. */
  readonly jwtSecretArn: string;
  /** JWT_AUDIENCE of the gateway. @default DEFAULT_ADMIN_AUDIENCE */
  readonly audience?: string;
  /** JWT_ISSUER of the gateway. @default DEFAULT_ADMIN_ISSUER */
  readonly issuer?: string;
  /**
   * The gateway's ENVIRONMENT when it runs with DERIVE_KEY_PER_ENVIRONMENT=true: the HS256 key is then
   * HMAC-SHA256(JWT_SECRET_KEY, "mcpgw-env:<environment>") in hex (mcpgateway/utils/jwt_config_helper.py:139-163).
   * @default none: JWT_SECRET_KEY itself
   */
  readonly deriveKeyForEnvironment?: string;
}

/**
 * The function's configuration. Never a secret value. What is known at synth (everything but the three values below)
 * is packed in the function's package as REGISTRATION_FILE, so it grows with the tiers without meeting Lambda's 4 KB
 * limit on environment variables; what Terraform learns only at apply is in REGISTRATION_ENV.
 */
export interface RegistrationConfig {
  /** Prefix of the gateway entries' names, `<prefix>-<tier id>` (e.g. `mcp-prod`). */
  readonly namePrefix: string;
  /** The `iss` of every token: the environment's issuer (OAUTH_ISSUER_URL of every tier). */
  readonly issuer: string;
  /** Hours from minting to `exp` of the tokens the gateway stores; the schedule runs every third of it. */
  readonly tokenLifetimeHours: number;
  /** Base URL of the gateway's API as the function reaches it, e.g. `https://<internal load balancer>:4444`. */
  readonly gatewayUrl: string;
  /** Name to verify the gateway's certificate against (TLS SNI and Host) when the URL's host is not on it. @default the URL's host */
  readonly tlsServerName?: string;
  /** PEM of a CA (or a self-signed certificate) to trust besides the public ones. @default public CAs only */
  readonly caCertificatePem?: string;
  readonly admin: AdminAuth;
  readonly tiers: readonly RegistrationTier[];
}

/** The part of RegistrationConfig packed in the function's package (JSON): every value known at synth. */
export type RegistrationFile = Omit<RegistrationConfig, "gatewayUrl" | "caCertificatePem" | "admin"> & { readonly admin: Omit<AdminAuth, "jwtSecretArn"> };

/** Name of the packed file, beside index.js in LAMBDA_TASK_ROOT. */
export const REGISTRATION_FILE = "registration.json";

/** The environment variables holding the values Terraform resolves at apply. */
export const REGISTRATION_ENV = {
  gatewayUrl: "GATEWAY_URL",
  adminJwtSecretArn: "ADMIN_JWT_SECRET_ARN",
  /** Only with a self-signed gateway certificate. */
  caCertificatePem: "GATEWAY_CA_PEM",
} as const;

/** The event of the invocation Terraform makes on apply: wait up to this long for a gateway or tier still starting. */
export interface RegisterEvent {
  readonly settleSeconds?: number;
  /**
   * Throw when a tier failed, so Lambda counts an error (the Errors alarm) and a scheduled run shows as failed. The
   * invocation on apply sets false: its failure lines still reach the FAILURE_MARKER alarm, and the apply is not left
   * half-done by a gateway that is slow to start; the next scheduled run retries. @default true
   */
  readonly throwOnFailure?: boolean;
}

/** What happened to one tier's entry. */
export interface TierResult {
  readonly tier: string;
  /** The gateway entry's name. */
  readonly name: string;
  readonly outcome: "created" | "updated" | "failed";
  /** HTTP status of the gateway's last answer for this tier, if there was one. */
  readonly status?: number;
  /** What failed, without any value: `key` (kms:DescribeKey), `mint` (kms:Sign), `list`, `create`, `update`, or an error code. */
  readonly error?: string;
}

/** The gateway entry of a tier. */
export function entryName(namePrefix: string, tierId: string): string {
  return `${namePrefix}-${tierId}`;
}

/**
 * Start of the line the function writes for each tier it could not register (tier, entry name, HTTP status; never a
 * token or password); a metric filter counts these lines (constructs/tier-registration.ts). Lambda prefixes text
 * lines with time and request id, so the filter is a term pattern.
 */
export const FAILURE_MARKER = "MCP_TIER_REGISTRATION_FAILED";
/** Start of the line the function writes after a run in which every tier was registered: the freshness heartbeat. */
export const SUCCESS_MARKER = "MCP_TIER_REGISTRATION_OK";
