import { rule } from "../../../policy/deploy/mcp-deploy-014";
import { judge, lines, plan, ref } from "../fixtures";

const lb = { load_balancer: [{ target_group_arn: ref("aws_lb_target_group.tg", "arn"), container_name: "mcp", container_port: 3010 }] };

describe("MCP-DEPLOY-014 health-check grace period behind a load balancer", () => {
  it("fails an unset or zero grace period", () => {
    const r = judge(rule, plan({ aws_ecs_service: { unset: { name: "a", ...lb }, zero: { name: "b", ...lb, health_check_grace_period_seconds: 0 } } }));
    expect(lines(r)).toEqual([
      "aws_ecs_service.unset: sits behind a load balancer with health_check_grace_period_seconds unset; starting tasks are killed by failing health checks",
      "aws_ecs_service.zero: sits behind a load balancer with health_check_grace_period_seconds 0; starting tasks are killed by failing health checks",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html");
  });

  it("passes a grace period, and services without a load balancer", () => {
    expect(judge(rule, plan({ aws_ecs_service: { a: { name: "a", ...lb, health_check_grace_period_seconds: 60 }, worker: { name: "w" } } })).verdict).toBe("pass");
  });
});
