/**
 * The kit's own thresholds, from the seed document and the design brief: each once, for the config check, the
 * constructs, the policy and the review. AWS's limits are in lib/aws-limits.ts.
 */

/** Days logs are kept at least (seed: "Log retention policy defined (90+ days)"). */
export const MIN_LOG_RETENTION_DAYS = 90;
/** Days between rotations of a secret at most (seed: rotate API keys and tokens at least every 90 days). */
export const MAX_ROTATION_DAYS = 90;
/** Days a self-signed certificate (dev only) is valid at most. */
export const MAX_SELF_SIGNED_VALIDITY_DAYS = 90;
/** The MCP server's port: agents, firewall rules and the seed all expect it (design brief). */
export const MCP_PORT = 3010;
