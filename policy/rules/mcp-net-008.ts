import { defineRule } from "../rule";
import { show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-NET-008",
    title: "Every VPC has a flow log that records all traffic",
    severity: "medium",
    references: ["CKV2_AWS_11", "AWS-0178"],
    remediation: 'Add an aws_flow_log with vpc_id = the VPC\'s id and traffic_type = "ALL" (the Network construct does) to an encrypted log group.',
  },
  (plan, _ctx, report) => {
    const vpcs = plan.resources("aws_vpc");
    for (const vpc of vpcs) {
      const logs = plan.referrers(["aws_flow_log"], "vpc_id", vpc, ["id"]);
      if (logs.length === 0) report(vpc.address, "has no aws_flow_log whose vpc_id references it");
      else if (!logs.some((l) => l.body.traffic_type === "ALL")) report(vpc.address, `has flow logs for ${logs.map((l) => show(l.body.traffic_type)).join(", ")} traffic only; record ALL so accepted connections are kept too`);
    }
    return vpcs.length > 0;
  },
);
