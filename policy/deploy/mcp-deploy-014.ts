import { blocks, isInterpolated, num } from "../plan";
import { defineRule } from "../rule";
import { DOCS } from "./support";

/**
 * A service behind a load balancer without health_check_grace_period_seconds lets failing target health checks
 * stop tasks that are still starting (the MCP server loads its toolsets, the gateway migrates its database), so the
 * deployment circuit breaker rolls back a release that works.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html (healthCheckGracePeriodSeconds)
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-014",
    title: "ECS services behind a load balancer set a health-check grace period",
    severity: "medium",
    references: [],
    remediation: `Set health_check_grace_period_seconds (e.g. 60–120) on every service with a load_balancer block; see ${DOCS.gracePeriod}`,
  },
  (plan, _ctx, report) => {
    const services = plan.resources("aws_ecs_service").filter((s) => blocks(s.body.load_balancer).length > 0);
    for (const s of services) {
      const v = s.body.health_check_grace_period_seconds;
      if (isInterpolated(v)) continue;
      const n = num(v);
      if (n === undefined || n <= 0) report(s.address, `sits behind a load balancer with health_check_grace_period_seconds ${v === undefined ? "unset" : JSON.stringify(v)}; starting tasks are killed by failing health checks`);
    }
    return services.length > 0;
  },
);
