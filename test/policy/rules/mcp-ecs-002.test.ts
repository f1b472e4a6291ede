import { rule } from "../../../policy/rules/mcp-ecs-002";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-ECS-002 not privileged", () => {
  it("fails privileged containers", () => {
    const r = judge(
      rule,
      taskPlan([
        { ...goodContainer, privileged: true },
        { ...goodContainer, name: "x", privileged: "${var.p}" },
      ]),
    );
    expect(lines(r)).toEqual(['aws_ecs_task_definition.mcp: container "mcp-server" runs privileged', 'aws_ecs_task_definition.mcp: container "x" privileged is ${var.p}, which is only known at apply time and cannot be verified']);
  });

  it("passes unprivileged containers", () => {
    expect(judge(rule, taskPlan([goodContainer, { ...goodContainer, privileged: undefined }])).verdict).toBe("pass");
  });
});
