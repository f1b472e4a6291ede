import { defineRule } from "../rule";
import { NAME_LIMITS, nameProblem } from "./names";

/**
 * Names AWS refuses at create time (too long, wrong characters, reserved prefixes): load balancers and target
 * groups ≤ 32, IAM roles ≤ 64, buckets 3–63 lowercase, secrets and log groups ≤ 512 with their character sets, and
 * the other named resources the kit creates. Each limit cites its API page in policy/deploy/names.ts, e.g.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-008",
    title: "Resource names fit AWS length and character limits",
    severity: "high",
    references: [],
    remediation:
      "Shorten the environment or agent group name in the config, or the name the construct builds; the limits and their AWS pages are in policy/deploy/names.ts (e.g. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)",
  },
  (plan, _ctx, report) => {
    let applicable = false;
    for (const limit of NAME_LIMITS) {
      for (const r of plan.resources(limit.type)) {
        if (r.body[limit.attr] === undefined) continue;
        applicable = true;
        const problem = nameProblem(limit, r.body[limit.attr]);
        if (problem) report(r.address, `${problem} (${limit.doc})`);
      }
    }
    return applicable;
  },
);
