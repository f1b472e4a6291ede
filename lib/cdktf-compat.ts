/**
 * Every place the kit reaches past cdktf 0.21's public API, in one file, so a move to another cdktf release (or to
 * its fork cdktn) is checked here and nowhere else; cdktf is pinned exactly for the same reason. Each workaround has
 * a test in test/lib/cdktf-compat.test.ts that fails when the internal it relies on changes shape.
 */
import { TerraformStack } from "cdktf";
import { renderSimpleAttributes } from "cdktf/lib/hcl/render";
import { invokeAspects as cdktfInvokeAspects } from "cdktf/lib/synthesize/synthesizer";

/** The private module whose `captureStackTrace` every token calls when it is created (tokens/private/intrinsic.js, lazy.js). */
export const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace";

/**
 * cdktf captures a full stack trace (Error.stackTraceLimit raised to the maximum) for every token it creates, only
 * to print it if that token later fails to resolve: about a sixth of a synth here, more for large configs. The synth
 * entries turn the capture off; MCP_SYNTH_TRACES=1 turns it back on to debug a resolution error. Tests keep the traces.
 */
export function disableTokenTraces(): void {
  if (process.env.MCP_SYNTH_TRACES === "1") return;
  // A literal path, never the constant: the bundler (scripts/bundle.cjs) only bundles a require it can read, and a
  // require it cannot would patch node_modules' copy of cdktf while the bundled copy kept capturing (test/scripts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
}

/**
 * A stack that skips cdktf's prepare pass. App.synth calls `prepareStack()` on every stack, which resolves every
 * element once only to find references to other stacks and add outputs and remote state for them: about a sixth
 * of a synth. The kit's stacks are self-contained by design (MCP-DEPLOY-016 fails the synth if a reference ever
 * names an address the stack does not declare), and their backend is configured in the constructor, so nothing
 * here needs preparing. test/stacks/prepare.test.ts proves the real pass would add nothing.
 */
export class SelfContainedStack extends TerraformStack {
  override prepareStack(): void {}
}

/** Runs the aspects of a stack, as App.synth does before writing it: tests synthesize one stack without an App run. */
export function invokeAspects(stack: TerraformStack): void {
  cdktfInvokeAspects(stack);
}

/**
 * cdktf's HCL renderer for plain attributes (lib/hcl.ts uses it for the structure of `terraform { … }`). Given a key
 * list instead of an object, cdktf 0.21's renderTerraform writes `0 = "required_version"`: lib/hcl.ts finds that
 * text with this same function and replaces it.
 */
export function renderHclAttributes(attributes: unknown): string {
  return renderSimpleAttributes(attributes);
}

/**
 * How cdktf 0.21 renders a string (render.js renderString/escapeQuotes), bugs included: not escaped at all when it
 * holds `${`, backslashes never escaped. lib/hcl.ts looks for exactly this text to re-quote it.
 */
export function cdktfRenderedString(str: string): string {
  const lines = str.split(/\r\n|[\n\r]/);
  if (lines.length > 1) return `<<EOF\n${lines.join("\n")}\nEOF`;
  return `"${/\$\{/.test(str) ? str : str.replace(/(?<!\\)"/g, '\\"')}"`;
}
