import { defineRule } from "../rule";
import { num, show, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-PROD-004",
    title: "Production ECS services run at least 2 tasks",
    severity: "medium",
    references: [],
    remediation: "Set mcpServer.desiredCount to 2 or more in config/prod.json so tasks run in two zones.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const services = plan.resources("aws_ecs_service").filter((s) => s.body.scheduling_strategy !== "DAEMON");
    for (const s of services) {
      const v = s.body.desired_count;
      const n = num(v);
      if (v !== undefined && n === undefined) report(s.address, unverifiable("desired_count", v));
      else if ((n ?? 0) < 2) report(s.address, `runs desired_count ${show(v ?? 0)} in prod; at least 2 are needed to survive a zone or task failure`);
    }
    return services.length > 0;
  },
);
