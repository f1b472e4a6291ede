/**
 * Reads the plans of a synthesized output directory and writes the review next to them:
 * `<outdir>/review/<stack>.md` and `<outdir>/review/index.md`. Used by `npm run review` and by the synth pipeline
 * (which runs it on the temporary directory before the swap, so a failed synth writes nothing).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackResult, TerraformJson } from "../policy/types";
import { stackFactsOf } from "../lib/stack-facts";
import { ReviewContext } from "./facts";
import { renderIndex, reviewStack, StackSummary } from "./report";

export const REVIEW_DIR = "review";

export interface StackPlan {
  readonly stack: string;
  readonly plan: TerraformJson;
  /** Path of the plan relative to the output directory, e.g. `stacks/mcp-dev/cdk.tf.json`. */
  readonly source: string;
}

export interface WriteReviewOptions {
  /** What each stack's config asked for, by stack name. @default what each plan records (lib/stack-facts.ts) */
  readonly contexts?: Readonly<Record<string, ReviewContext>>;
  /** The policy result of a stack; undefined when the engine is not available. */
  readonly policy?: (stack: string, plan: TerraformJson) => StackResult | undefined;
}

/**
 * The environment's config, as the report compares it with the plan: the facts the stack records in the plan
 * (lib/stack-facts.ts), which the review reads from the plan when no context is given.
 */
export function contextFromConfig(config: Parameters<typeof stackFactsOf>[0]): ReviewContext {
  return stackFactsOf(config);
}

/** Every stack plan of an output directory, by the manifest when present, else by `stacks/<name>/cdk.tf.json`. */
export function readPlans(outdir: string): StackPlan[] {
  const stacksDir = path.join(outdir, "stacks");
  let names: string[] = [];
  const manifest = path.join(outdir, "manifest.json");
  if (fs.existsSync(manifest)) names = Object.keys(JSON.parse(fs.readFileSync(manifest, "utf8")).stacks ?? {});
  else if (fs.existsSync(stacksDir)) names = fs.readdirSync(stacksDir).filter((n) => fs.existsSync(path.join(stacksDir, n, "cdk.tf.json")));
  if (names.length === 0) throw new Error(`${outdir} holds no synthesized stack (no manifest.json or stacks/*/cdk.tf.json); run npm run synth first`);
  return names.sort().map((stack) => {
    const source = `stacks/${stack}/cdk.tf.json`;
    const file = path.join(outdir, source);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing; the review reads the JSON plan (run npm run synth)`);
    let plan: TerraformJson;
    try {
      plan = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    return { stack, plan, source };
  });
}

/** Writes the review of every stack of `outdir`; returns the files written, relative to `outdir`. */
export function writeReviews(outdir: string, opts: WriteReviewOptions = {}): string[] {
  const plans = readPlans(outdir);
  const dir = path.join(outdir, REVIEW_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const summaries: StackSummary[] = [];
  const written: string[] = [];
  for (const p of plans) {
    const review = reviewStack(p.stack, p.plan, { source: p.source, context: opts.contexts?.[p.stack], policy: opts.policy?.(p.stack, p.plan) });
    fs.writeFileSync(path.join(dir, `${p.stack}.md`), review.markdown);
    written.push(`${REVIEW_DIR}/${p.stack}.md`);
    summaries.push(review.summary);
  }
  fs.writeFileSync(path.join(dir, "index.md"), renderIndex(summaries));
  written.push(`${REVIEW_DIR}/index.md`);
  return written;
}
