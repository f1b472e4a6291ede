/**
 * cdktf 0.21 captures a full stack trace (Error.stackTraceLimit raised to the maximum) for every token it creates,
 * only to print it if that token later fails to resolve: about a sixth of a synth here, more for large configs.
 * The synth entry turns the capture off; MCP_SYNTH_TRACES=1 turns it back on to debug a resolution error.
 * The module is cdktf's private one, which is why cdktf is pinned exactly; tests keep the traces.
 */
export function disableTokenTraces(): void {
  if (process.env.MCP_SYNTH_TRACES === "1") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
}
