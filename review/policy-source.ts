/**
 * Where the review gets policy results from. The engine (policy/engine.ts) is pure and cheap, so the review re-runs
 * it on each plan rather than reading stored results: the diff then judges both sides under the same rules. The
 * context (stage, agent ranges, environment suppressions) is the one the synth hook recorded in the plan.
 */
import { checkStack } from "../policy/engine";
import { StackResult, TerraformJson } from "../policy/types";

export function reviewPolicy(stack: string, plan: TerraformJson): StackResult {
  return checkStack(stack, plan, {});
}
