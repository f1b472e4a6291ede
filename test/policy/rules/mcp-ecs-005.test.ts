import { rule } from "../../../policy/rules/mcp-ecs-005";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-ECS-005 logging configured", () => {
  it("fails containers without logs, awslogs without a group and other drivers", () => {
    const r = judge(
      rule,
      taskPlan([
        { ...goodContainer, name: "a", logConfiguration: undefined },
        { ...goodContainer, name: "b", logConfiguration: { logDriver: "awslogs", options: {} } },
        { ...goodContainer, name: "c", logConfiguration: { logDriver: "json-file" } },
      ]),
    );
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.mcp: container "a" has no logConfiguration, so its output is lost',
      'aws_ecs_task_definition.mcp: container "b" uses awslogs without options.awslogs-group',
      'aws_ecs_task_definition.mcp: container "c" uses log driver json-file; use awslogs or awsfirelens',
    ]);
  });

  it("passes awslogs and FireLens", () => {
    expect(judge(rule, taskPlan([goodContainer, { ...goodContainer, name: "f", logConfiguration: { logDriver: "awsfirelens" } }])).verdict).toBe("pass");
  });
});
