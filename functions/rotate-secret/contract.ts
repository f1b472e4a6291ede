/**
 * What the kit's constructs and the rotation function agree on: the tags that tell the function what to generate.
 * Kept apart from index.ts so synthesizing a stack never loads the AWS SDK.
 */
export const KIND_TAG = "mcp-secret-kind";
export const LENGTH_TAG = "mcp-secret-length";
/**
 * `agent-jwt`: an agent group's bearer token, an HS256 JWT signed with its tier's signing secret (see jwt.ts).
 * The other kinds are random values made by GetRandomPassword or node:crypto.
 */
export type GeneratedKind = "token" | "password" | "rsa-key-pair" | "agent-jwt";

/** On an agent-jwt secret: ARN of the tier signing secret whose AWSCURRENT value signs the token. */
export const SIGNING_SECRET_TAG = "mcp-signing-secret";
/** On an agent-jwt secret: the `cid` and `sub` claims (the agent group name). */
export const CLIENT_ID_TAG = "mcp-token-client-id";
/** On an agent-jwt secret: the `scp` claim, space-separated (Secrets Manager tag values allow no commas). */
export const SCOPES_TAG = "mcp-token-scopes";
/** On an agent-jwt secret: hours from minting to `exp`; longer than the rotation interval, so a successor exists first. */
export const LIFETIME_TAG = "mcp-token-lifetime-hours";

/**
 * On a tier signing secret: one tag per agent group signed with it, `mcp-agent-token:<group>` = the token secret's
 * name. When the signing secret rotates, the function re-mints each of them (RotateSecret).
 */
export const AGENT_TOKEN_TAG_PREFIX = "mcp-agent-token:";
/**
 * On a rotating secret whose readers load it only at task start (a tier signing secret, the gateway's JWT secret and
 * admin password): ARN of the ECS service whose tasks hold it, forced to a new deployment when a rotation finishes.
 */
export const RESTART_SERVICE_TAG = "mcp-restart-service";

/**
 * `never` on a secret the function generates once, on apply (a `GenerateOnce` invocation), and must never rotate:
 * the gateway's AUTH_ENCRYPTION_SECRET, whose change would make what the gateway stored unreadable.
 */
export const ROTATION_TAG = "mcp-secret-rotation";
export const NEVER_ROTATED = "never";

/**
 * Seconds an agent token's first rotation waits for its tier signing secret's first value. RotateSecret only starts a
 * rotation, so Terraform's ordering (the token's rotation after the signer's) leaves the signer's four steps racing the
 * token's createSecret; the function polls for the signer's AWSCURRENT this long, then fails with what to run. The
 * rotation function's timeout is this plus a margin (constructs/secrets.ts).
 */
export const SIGNER_WAIT_SECONDS = 60;

/**
 * Staging label the function moves to a version once everything that hangs off it becoming current is done (the
 * tokens it signs re-minted, the services that hold it redeployed). A version that is AWSCURRENT without it has
 * unfinished follow-ups: a retry of finishSecret repeats them (index.ts, followUp). Staging labels need no permission
 * beyond UpdateSecretVersionStage, which the function holds on every secret it rotates; a label keeps nothing alive that
 * AWSCURRENT does not already keep.
 */
export const FOLLOWED_UP_STAGE = "MCPFOLLOWEDUP";
/**
 * Start of the line the function writes when a version is current but a follow-up failed; a metric filter counts these
 * lines (constructs/secrets.ts). Lambda prefixes text lines with time and request id, so the filter is a term pattern.
 */
export const FOLLOW_UP_FAILED_MARKER = "MCP_ROTATION_FOLLOW_UP_FAILED";
/** Start of the line the function writes when it clears a stale AWSPENDING version; counted by a metric filter. */
export const STALE_PENDING_MARKER = "MCP_ROTATION_STALE_PENDING_CLEARED";

/*
 * Issue 16's token model (MCP_AUTH_MODE=oauth): an agent-jwt secret whose tags carry SIGNING_KEY_TAG is an ES256 JWT
 * signed through kms:Sign with that asymmetric key (functions/shared/es256.ts), with `aud` and `iss` from its tags.
 */
/** On an agent-jwt secret in oauth mode: ARN of the asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs it. */
export const SIGNING_KEY_TAG = "mcp-signing-key";
/** On an agent-jwt secret in oauth mode: the `aud` claim, the tier's canonical resource URI (that tier's OAUTH_AUDIENCE). */
export const AUDIENCE_TAG = "mcp-token-audience";
/** On an agent-jwt secret in oauth mode: the `iss` claim, the environment's issuer (OAUTH_ISSUER_URL of every tier). */
export const ISSUER_TAG = "mcp-token-issuer";

/**
 * Invocation that (re)writes the environment's JSON Web Key Set: the public keys (kms:GetPublicKey) of every KMS key
 * a live token may be signed with, as `{ "keys": [...] }` at s3://bucket/objectKey. Invoked by Terraform whenever
 * the set changes (a group added, revoked or rolled over), before any token is signed with a new key.
 */
export interface PublishJwksInput {
  readonly PublishJwks: { readonly bucket: string; readonly objectKey: string; readonly keyArns: readonly string[] };
}

/**
 * Invocation that re-mints one token secret now (RotateSecret) and returns once the new version is current: used when
 * what a token is signed with or says changes (a key rollover, a new audience), after the JWKS holds the new key.
 */
export interface RemintInput {
  readonly Remint: string;
}

/*
 * The verifier's clock, from jose 6.2.2 (the version IBM/ibmi-mcp-server v0.5.1's package-lock.json resolves), as
 * packages/server/src/mcp-server/transports/auth/strategies/oauthStrategy.ts:45-48 configures it:
 * createRemoteJWKSet(url, { cooldownDuration: 300000, timeoutDuration: 5000 }), cacheMaxAge left at jose's default
 * 600000 (node_modules/jose/dist/webapi/jwks/remote.js, constructor). A task re-reads the JWKS when its copy is older
 * than cacheMaxAge, or on a token whose kid it does not know unless it read the set less than cooldownDuration ago.
 */
/** jose's cooldownDuration as upstream sets it: a task that read the JWKS less than this ago refuses an unknown kid. */
export const JOSE_COOLDOWN_SECONDS = 300;
/** jose's default cacheMaxAge (upstream keeps it): a key dropped from the JWKS is accepted at most this long after. */
export const JOSE_CACHE_MAX_AGE_SECONDS = 600;
/**
 * Cache-Control of the JWKS object. jose keeps no HTTP cache (it fetches on its own schedule, above) and S3 caches
 * nothing, so this binds only a cache someone puts in the path (a proxy, another client): it can delay a revocation
 * by at most this beyond jose's own JOSE_CACHE_MAX_AGE_SECONDS, and a new key by at most this beyond the cooldown.
 */
export const JWKS_CACHE_CONTROL_SECONDS = 60;
export const JWKS_CACHE_CONTROL = `max-age=${JWKS_CACHE_CONTROL_SECONDS}`;
/**
 * Seconds from a JWKS that adds a key to the moment every task accepts that key: a task that read the old set just
 * before the write refuses the new kid until its cooldown ends (plus what a cache in the path may hold). PublishJwks
 * returns only after this when it added a key to an existing set, so whatever Terraform orders after it (a Remint,
 * a new group's first token) signs with a key every task already accepts. The rotation function's timeout must exceed
 * it (constructs/secrets.ts).
 */
export const JWKS_PROPAGATION_SECONDS = JOSE_COOLDOWN_SECONDS + JWKS_CACHE_CONTROL_SECONDS;
/** Seconds a Remint invocation waits for the token's new version to become current before it fails saying what to do. */
export const REMINT_WAIT_SECONDS = 120;
/** The rotation function's timeout must exceed its longest wait (PublishJwks, Remint, WaitForCurrent) by a margin. */
export const ROTATION_FUNCTION_MIN_TIMEOUT_SECONDS = Math.max(SIGNER_WAIT_SECONDS, JWKS_PROPAGATION_SECONDS, REMINT_WAIT_SECONDS) + 30;

/**
 * Tag on every token signing key (KMS), valued with the environment: the rotation role's grants name the keys by it
 * (one statement for any number of keys), and the review finds them by it.
 */
export const TOKEN_KEY_TAG = "mcp-token-signing-key";

/**
 * Invocation an EventBridge rule sends when a secret the kit does not rotate itself has rotated (the RDS-managed
 * master password: CloudTrail's RotationSucceeded service event): force a new deployment of each service, whose tasks
 * read the value only at start. The rule's input transformer fills `secret` from the event; `services` is fixed in the
 * rule, and the function's role may update only those services.
 */
export interface RestartServicesInput {
  readonly RestartServices: { readonly secret: string; readonly services: readonly string[] };
}
/** Start of the line the function writes when such a restart fails; counted by a metric filter like the follow-ups'. */
export const RESTART_FAILED_MARKER = "MCP_ROTATION_RESTART_FAILED";
