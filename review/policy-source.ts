/**
 * Where the review gets policy results from. The engine (policy/engine.ts) is pure, so the review re-runs it on
 * each plan rather than reading stored results: the diff then compares both sides under the same rules.
 */
import { StackResult, TerraformJson } from "../policy/types";

/** The policy result of one plan, or undefined while no engine is wired in. */
export function reviewPolicy(_stack: string, _plan: TerraformJson): StackResult | undefined {
  return undefined;
}
