import { contains, toCidr } from "../../lib/cidr";
import { MAX_RULE_PRIORITY, MIN_RULE_PRIORITY } from "../../lib/rule-priorities";
import { LISTENER_TYPES } from "../load-balancers";
import { blocks, isInterpolated, num, PlanResource, show } from "../plan";
import { defineRule } from "../rule";

/**
 * Listener rule priorities AWS accepts, and an order that lets every rule see its own traffic:
 * - a priority is an integer from 1 to 50,000 (RulePriorityPair.Priority)
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RulePriorityPair.html
 * - no two rules of one listener share a priority: CreateRule and SetRulePriorities fail with PriorityInUse ("You can
 *   reorder the rules as long as there are no priority conflicts in the new order"), and Terraform creates rules and
 *   moves priorities in parallel, one call per rule, so even a plan whose end state is unique fails when a rule takes a
 *   priority another still holds; the kit's priorities never move for a rule that stays (lib/rule-priorities.ts)
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetRulePriorities.html
 * - rules are evaluated lowest priority first and the first match wins, so a rule holding a range equal to or broader
 *   than a later rule's, with no condition the later rule lacks and another action, takes all of that range's traffic
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 */
const DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetRulePriorities.html";

interface Listed {
  readonly rule: PlanResource;
  readonly priority: number;
  /** Literal source_ip values; undefined when a value is a reference. */
  readonly sources?: readonly string[];
  /** Every condition but source_ip, each as JSON. */
  readonly others: readonly string[];
  readonly action: string;
}

export const rule = defineRule(
  {
    id: "MCP-DEPLOY-022",
    title: "Listener rule priorities are within 1–50,000 and unique per listener, and no rule takes a later rule's source ranges",
    severity: "high",
    references: [],
    remediation: `Route agents through McpTiers (lib/tier-routes.ts), whose priorities are unique and never move for a rule that stays (lib/rule-priorities.ts), keep agent ranges disjoint, and give a hand-written rule a priority in 1–1000 (before every tier rule) or 46001–50000 (after); see ${DOC}`,
  },
  (plan, _ctx, report) => {
    const rules = plan.resources("aws_lb_listener_rule", "aws_alb_listener_rule");
    const byListener = new Map<string, Listed[]>();
    for (const r of rules) {
      const raw = r.body.priority;
      // Unset: the provider picks the next free priority after the highest (retrying on PriorityInUse).
      if (raw === undefined || isInterpolated(raw)) continue;
      const p = num(raw);
      if (p === undefined || !Number.isInteger(p) || p < MIN_RULE_PRIORITY || p > MAX_RULE_PRIORITY) {
        report(r.address, `has priority ${show(raw)}; AWS accepts integers from ${MIN_RULE_PRIORITY} to ${MAX_RULE_PRIORITY}`);
        continue;
      }
      const listener = plan.target(r.body.listener_arn, ...LISTENER_TYPES)?.address ?? show(r.body.listener_arn);
      const conditions = blocks(r.body.condition);
      const sourceValues = conditions.flatMap((c) => blocks(c.source_ip).flatMap((s) => (Array.isArray(s.values) ? s.values : [])));
      const listed: Listed = {
        rule: r,
        priority: p,
        sources: sourceValues.every((v) => typeof v === "string" && toCidr(v)) ? (sourceValues as string[]) : undefined,
        others: conditions.filter((c) => c.source_ip === undefined).map((c) => JSON.stringify(c)),
        action: JSON.stringify(r.body.action ?? null),
      };
      byListener.set(listener, [...(byListener.get(listener) ?? []), listed]);
    }
    for (const [listener, listed] of byListener) {
      const sorted = [...listed].sort((a, b) => a.priority - b.priority || (a.rule.address < b.rule.address ? -1 : 1));
      sorted.forEach((later, i) => {
        const same = sorted.find((x) => x !== later && x.priority === later.priority);
        if (same && sorted.indexOf(same) < i) report(later.rule.address, `has priority ${later.priority}, which ${same.rule.address} holds on ${listener}; AWS refuses a priority in use (PriorityInUse)`);
        for (const earlier of sorted.slice(0, i)) {
          if (earlier.priority === later.priority || !earlier.sources || !later.sources || earlier.action === later.action) continue;
          if (sameSet(earlier.sources, later.sources) || !earlier.others.every((c) => later.others.includes(c))) continue;
          // CIDR ranges nest or are disjoint: a narrower earlier range is an exception carved out first, a broader or
          // equal one hides the later range entirely.
          const hidden = later.sources.filter((s) => earlier.sources!.some((e) => contains(toCidr(e)!, toCidr(s)!)));
          if (hidden.length)
            report(
              later.rule.address,
              `never sees ${hidden.join(", ")}: ${earlier.rule.address} (priority ${earlier.priority}, evaluated first) matches ${hidden.length > 1 ? "those sources" : "that source"} too, with no condition this rule lacks, and acts otherwise`,
            );
        }
      });
    }
    return rules.length > 0;
  },
);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
