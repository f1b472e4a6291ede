/**
 * The review step of the synth pipeline (app/synth.ts): writes `review/` into the temporary output before it is
 * swapped into place, so a synth that fails (config, policy) writes no report either. review(plan, policy result):
 * what each config asked for is recorded in its plan (lib/stack-facts.ts), so the report flags anything wider from the
 * plan alone, as `npm run review` does; the policy step's results arrive as a value.
 */
import { StackResult } from "../policy/types";
import { reviewPolicy } from "../review/policy-source";
import { writeReviews } from "../review/write";

export function reviewStep(dir: string, policy: ReadonlyMap<string, StackResult> = new Map()): void {
  // The policy step's results of this run where it ran (same plan, same context); otherwise judge here.
  writeReviews(dir, { policy: (name, plan) => policy.get(name) ?? reviewPolicy(name, plan) });
}
