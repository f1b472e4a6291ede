import { defineRule } from "../rule";
import { bool, show } from "../plan";
import { LB_TYPES, lbType } from "../load-balancers";

export const rule = defineRule(
  {
    id: "MCP-LB-002",
    title: "Application load balancers drop invalid HTTP header fields",
    severity: "medium",
    references: ["AWS-0052", "CKV_AWS_131"],
    remediation: "Set drop_invalid_header_fields = true on the application load balancer.",
  },
  (plan, _ctx, report) => {
    const albs = plan.resources(...LB_TYPES).filter((lb) => lbType(lb) === "application");
    for (const lb of albs) if (bool(lb.body.drop_invalid_header_fields) !== true) report(lb.address, `has drop_invalid_header_fields ${show(lb.body.drop_invalid_header_fields)} (default false), so malformed headers reach the MCP server`);
    return albs.length > 0;
  },
);
