import { defineRule } from "../rule";
import { bool, unverifiable } from "../plan";
import { LB_TYPES } from "../load-balancers";

export const rule = defineRule(
  {
    id: "MCP-LB-001",
    title: "Load balancers are internal",
    severity: "critical",
    references: ["AWS-0053"],
    remediation: "Set internal = true; agents reach the load balancer over VPN, transit gateway or peering, never from the internet.",
  },
  (plan, _ctx, report) => {
    const lbs = plan.resources(...LB_TYPES);
    for (const lb of lbs) {
      const v = lb.body.internal;
      if (bool(v) === true) continue;
      report(lb.address, v === undefined ? "does not set internal, so it is internet-facing (the provider's default)" : bool(v) === false ? "sets internal = false: it is internet-facing" : unverifiable("internal", v));
    }
    return lbs.length > 0;
  },
);
