import { defineRule } from "../rule";
import { bool, show } from "../plan";
import { LB_TYPES } from "../load-balancers";

export const rule = defineRule(
  {
    id: "MCP-LB-005",
    title: "Production load balancers have deletion protection",
    severity: "medium",
    references: ["CKV_AWS_150"],
    remediation: "Set enable_deletion_protection = true on production load balancers.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const lbs = plan.resources(...LB_TYPES);
    for (const lb of lbs) if (bool(lb.body.enable_deletion_protection) !== true) report(lb.address, `has enable_deletion_protection ${show(lb.body.enable_deletion_protection)} in prod (default false)`);
    return lbs.length > 0;
  },
);
