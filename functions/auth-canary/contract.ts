/**
 * What the auth canary publishes and what it reads from its package and environment; kept apart from index.ts so synth never
 * loads the AWS SDK.
 */

/** Per tier (dimension TIER_DIMENSION): probes of the last run that did not get the 401 they expected. */
export const FAILURES_METRIC = "AuthCanaryFailures";
/**
 * No dimension: probes of the last run that were refused with 401. Each one made the MCP server write one
 * authentication-failure line, which the security alerts subtract from their count.
 */
export const REFUSALS_METRIC = "AuthCanaryRefusals";
export const TIER_DIMENSION = "Tier";

/**
 * The targets, a JSON array of CanaryTarget packed beside index.js: one per tier, so it grows past Lambda's 4 KB of
 * environment variables with an estate's tiers.
 */
export const TARGETS_FILE = "targets.json";

/** One tier the canary probes (TARGETS_FILE is a JSON array of these). */
export interface CanaryTarget {
  /** Tier id, the metric dimension. */
  readonly tier: string;
  /** The tier's `/mcp` through Cloud Map: `http://<tier id>.<namespace>:3010/mcp`. */
  readonly url: string;
  /**
   * Name of another tier's agent-token secret: the canary presents that token, which this tier must refuse. Absent
   * when there is no other jwt tier: the canary then presents a token it signs with a key of its own.
   */
  readonly foreignTokenSecret?: string;
}

/** The event of the invocation Terraform makes on apply: wait up to this long for tasks that are still starting. */
export interface CanaryEvent {
  readonly settleSeconds?: number;
}
