import { defineRule } from "../rule";
import { blocks, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-ECS-007",
    title: "ECS clusters have Container Insights on",
    severity: "low",
    references: ["CKV_AWS_65", "AWS-0034", "cdk-nag ECS4"],
    remediation: 'Add setting { name = "containerInsights", value = "enabled" } (or "enhanced") to the cluster.',
  },
  (plan, _ctx, report) => {
    const clusters = plan.resources("aws_ecs_cluster");
    for (const c of clusters) {
      const s = blocks(c.body.setting).find((x) => x.name === "containerInsights");
      if (!s) report(c.address, "has no containerInsights setting (off by default)");
      else if (!["enabled", "enhanced"].includes(String(s.value))) report(c.address, `has containerInsights = ${show(s.value)}`);
    }
    return clusters.length > 0;
  },
);
