/** The line marker the age-check function writes and the metric filter counts; kept apart so synth never loads the AWS SDK. */
export const STALE_MARKER = "MCP_SECRET_STALE";
/** CloudWatch Logs term pattern matching the marker anywhere in a line (Lambda prefixes text lines with time and request id). */
export const STALE_MARKER_TERM = `"${STALE_MARKER}"`;
