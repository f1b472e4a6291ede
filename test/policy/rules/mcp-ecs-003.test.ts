import { rule } from "../../../policy/rules/mcp-ecs-003";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-ECS-003 non-root user", () => {
  it("fails root users, no user and unknown users", () => {
    const r = judge(
      rule,
      taskPlan([
        { ...goodContainer, name: "a", user: "root" },
        { ...goodContainer, name: "b", user: "0:0" },
        { ...goodContainer, name: "c", user: undefined },
        { ...goodContainer, name: "d", user: "${var.user}" },
      ]),
    );
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.mcp: container "a" runs as root, the root user',
      'aws_ecs_task_definition.mcp: container "b" runs as 0:0, the root user',
      'aws_ecs_task_definition.mcp: container "c" sets no user, so it runs as whatever user the image declares (root unless the image says otherwise)',
      'aws_ecs_task_definition.mcp: container "d" user is ${var.user}, which is only known at apply time and cannot be verified',
    ]);
  });

  it("passes named and numeric non-root users", () => {
    expect(judge(rule, taskPlan([goodContainer, { ...goodContainer, name: "n", user: "1000:1000" }])).verdict).toBe("pass");
  });
});
