import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { isObject, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-ECS-005",
    title: "Containers send their logs to CloudWatch Logs (awslogs or FireLens)",
    severity: "medium",
    references: ["cdk-nag ECS7"],
    remediation: 'Add logConfiguration { logDriver: "awslogs", options: { awslogs-group, awslogs-region, awslogs-stream-prefix } } pointing at the environment\'s encrypted log group.',
  },
  (plan, _ctx, report) =>
    eachContainer(plan, report, (td, c, label) => {
      const lc = c.logConfiguration;
      if (!isObject(lc)) return report(td.address, `${label} has no logConfiguration, so its output is lost`);
      if (lc.logDriver === "awslogs") {
        if (!isObject(lc.options) || !lc.options["awslogs-group"]) report(td.address, `${label} uses awslogs without options.awslogs-group`);
      } else if (lc.logDriver !== "awsfirelens") report(td.address, `${label} uses log driver ${show(lc.logDriver)}; use awslogs or awsfirelens`);
    }),
);
