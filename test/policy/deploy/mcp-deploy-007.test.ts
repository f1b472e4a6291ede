import { rule } from "../../../policy/deploy/mcp-deploy-007";
import { judge, lines, plan } from "../fixtures";

const td = (cpu?: unknown, memory?: unknown) => ({ family: "mcp", requires_compatibilities: ["FARGATE"], container_definitions: "[]", ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) });

describe("MCP-DEPLOY-007 Fargate cpu/memory pairs", () => {
  it("fails pairs Fargate refuses and missing task-level sizes", () => {
    const r = judge(rule, plan({ aws_ecs_task_definition: { a: td("512", "512"), b: td(300, 1024), c: td(undefined, 1024) } }));
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.a: has memory "512" MiB, which Fargate does not accept with cpu 512 (accepted: 1024–4096 in the documented steps)',
      "aws_ecs_task_definition.b: has cpu 300, not a Fargate size (256, 512, 1024, 2048, 4096, 8192, 16384)",
      "aws_ecs_task_definition.c: sets no cpu at task level, which Fargate requires",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size");
  });

  it("passes accepted pairs, and EC2 task definitions", () => {
    expect(judge(rule, plan({ aws_ecs_task_definition: { a: td("1024", "2048"), b: td(256, 512), ec2: { family: "x", container_definitions: "[]", cpu: "300" } } })).verdict).toBe("pass");
  });
});
