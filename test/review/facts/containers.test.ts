/** review/facts/containers.ts: containers, services and target groups from a small hand-written plan. */
import { containerFacts, serviceFacts, targetGroupFacts } from "../../../review/facts/containers";
import { PlanIndex } from "../../../review/plan-index";

const idx = new PlanIndex({
  resource: {
    aws_ecs_task_definition: {
      mcp: {
        family: "mcp-ro",
        container_definitions: JSON.stringify([
          {
            name: "server",
            image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mcp@sha256:placeholder",
            environment: [{ name: "SELECTED_TOOLSETS", value: "performance" }],
            secrets: [{ name: "MCP_AUTH_SECRET", valueFrom: "${aws_secretsmanager_secret.signing.arn}" }],
            readonlyRootFilesystem: true,
            user: "1000",
            logConfiguration: { options: { "awslogs-group": "${aws_cloudwatch_log_group.mcp.name}" } },
            healthCheck: { command: ["CMD", "node", "-e", "1"] },
          },
        ]),
      },
      broken: { family: "broken", container_definitions: "not json" },
    },
    aws_secretsmanager_secret: { signing: { name: "mcp/dev/signing" } },
    aws_cloudwatch_log_group: { mcp: { name: "/mcp/dev" } },
    aws_lb_target_group: { ro: { name: "ro", protocol: "HTTP", health_check: { protocol: "HTTP", path: "/healthz" } }, bare: { name: "bare" } },
    aws_ecs_service: { ro: { name: "mcp-ro", desired_count: 2, task_definition: "${aws_ecs_task_definition.mcp.arn}", network_configuration: { assign_public_ip: false }, load_balancer: [{ target_group_arn: "${aws_lb_target_group.ro.arn}" }] } },
  },
});

describe("containerFacts", () => {
  it("reads each container's image, environment, secrets, hardening and log group; an unreadable definition has none", () => {
    expect(containerFacts(idx)).toEqual([
      {
        task: "aws_ecs_task_definition.mcp",
        family: "mcp-ro",
        name: "server",
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mcp@sha256:placeholder",
        env: { SELECTED_TOOLSETS: "performance" },
        secrets: [{ name: "MCP_AUTH_SECRET", valueFrom: "${aws_secretsmanager_secret.signing.arn}", secret: "aws_secretsmanager_secret.signing" }],
        readonlyRootFilesystem: true,
        privileged: undefined,
        user: "1000",
        logGroup: "aws_cloudwatch_log_group.mcp",
        healthCheck: true,
      },
    ]);
  });
});

describe("serviceFacts and targetGroupFacts", () => {
  it("follow a service to its task definition and target groups", () => {
    expect(serviceFacts(idx)).toEqual([{ address: "aws_ecs_service.ro", name: "mcp-ro", desiredCount: 2, publicIp: false, taskDefinition: "aws_ecs_task_definition.mcp", targetGroups: ["aws_lb_target_group.ro"] }]);
  });

  it("say what the load balancer speaks to the targets and how it checks them", () => {
    expect(targetGroupFacts(idx)).toEqual([
      { address: "aws_lb_target_group.bare", name: "bare", protocol: undefined, healthCheck: undefined },
      { address: "aws_lb_target_group.ro", name: "ro", protocol: "HTTP", healthCheck: "HTTP /healthz" },
    ]);
  });
});
