/** The shape every rule file shares: metadata plus one pure check over an indexed plan. */
import { PlanView, view } from "./plan";
import { PolicyContext, Rule, TerraformJson, Violation } from "./types";

export type RuleMeta = Omit<Rule, "check">;

/**
 * Builds a rule from its metadata and a check that calls `report(address, message)` for each violation and
 * returns whether the rule applied to the plan (false: not applicable, e.g. the plan has no load balancer).
 */
export function defineRule(meta: RuleMeta, check: (plan: PlanView, ctx: PolicyContext, report: (address: string, message: string) => void) => boolean): Rule {
  return {
    ...meta,
    check(plan: TerraformJson, ctx: PolicyContext) {
      const violations: Violation[] = [];
      const applicable = check(view(plan), ctx, (address, message) => violations.push({ address, message }));
      return { applicable: applicable || violations.length > 0, violations };
    },
  };
}
