import { rule } from "../../../policy/deploy/mcp-deploy-017";
import { judge, lines, plan, ref } from "../fixtures";

/** A service whose task reads `secret` (whole, and one JSON key), plus `extra` resources and service fields. */
function servicePlan(extra: Record<string, Record<string, unknown>>, service: Record<string, unknown> = {}) {
  const container = {
    name: "app",
    image: "app",
    secrets: [
      { name: "A", valueFrom: ref("aws_secretsmanager_secret.s", "arn") },
      { name: "B", valueFrom: `${ref("aws_secretsmanager_secret.s", "arn")}:user::` },
    ],
  };
  return plan({
    aws_secretsmanager_secret: { s: { name: "s" } },
    aws_ecs_task_definition: { t: { family: "t", container_definitions: JSON.stringify([container]) } },
    aws_ecs_service: { svc: { name: "svc", task_definition: ref("aws_ecs_task_definition.t", "arn"), ...service } },
    ...extra,
  });
}
const rotation = (body: Record<string, unknown> = {}) => ({ aws_secretsmanager_secret_rotation: { r: { secret_id: ref("aws_secretsmanager_secret.s", "arn"), rotation_lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:rotate", ...body } } });

describe("MCP-DEPLOY-017 services wait for the first values of their secrets", () => {
  it("fails a service that may start before the first rotation of a secret its tasks read", () => {
    expect(lines(judge(rule, servicePlan(rotation())))).toEqual([
      "aws_ecs_service.svc: its tasks read aws_secretsmanager_secret.s, whose first value comes from aws_secretsmanager_secret_rotation.r, but the service does not wait for it; its first tasks can fail to start",
    ]);
    expect(judge(rule, servicePlan(rotation())).rule.remediation).toContain("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html");
  });

  it("treats a generate-once invocation and a secret version as first values too", () => {
    const invocation = { aws_lambda_invocation: { gen: { function_name: "rotate", input: JSON.stringify({ GenerateOnce: ref("aws_secretsmanager_secret.s", "arn") }) } } };
    expect(judge(rule, servicePlan(invocation)).verdict).toBe("fail");
    expect(judge(rule, servicePlan(invocation, { depends_on: ["aws_lambda_invocation.gen"] })).verdict).toBe("pass");
    const version = { aws_secretsmanager_secret_version: { v: { secret_id: ref("aws_secretsmanager_secret.s"), secret_string_wo: "x" } } };
    expect(judge(rule, servicePlan(version)).verdict).toBe("fail");
  });

  it("passes a service that waits for it, directly or through another resource", () => {
    expect(judge(rule, servicePlan(rotation(), { depends_on: ["aws_secretsmanager_secret_rotation.r"] })).verdict).toBe("pass");
    const chain = { ...rotation(), aws_lb_listener: { l: { load_balancer_arn: "arn", depends_on: ["aws_secretsmanager_secret_rotation.r"] } } };
    expect(judge(rule, servicePlan(chain, { depends_on: ["aws_lb_listener.l"] })).verdict).toBe("pass");
  });

  it("leaves secrets a person puts, and rotations that wait for the schedule, to the deploy procedure", () => {
    expect(judge(rule, servicePlan({})).verdict).toBe("pass");
    expect(judge(rule, servicePlan(rotation({ rotate_immediately: false }))).verdict).toBe("pass");
  });

  it("does not apply to a plan without ECS services", () => {
    expect(judge(rule, plan({ aws_secretsmanager_secret: { s: { name: "s" } }, ...rotation() })).verdict).toBe("not-applicable");
  });
});
