import { rule } from "../../../policy/rules/mcp-ecs-006";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-ECS-006 no privilege escalation", () => {
  it("fails added capabilities, unconfined profiles and host namespaces", () => {
    const r = judge(rule, taskPlan([{ ...goodContainer, linuxParameters: { capabilities: { add: ["SYS_ADMIN"] } }, dockerSecurityOptions: ["seccomp:unconfined"] }], { pid_mode: "host" }));
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.mcp: sets pid_mode = "host", sharing the host\'s namespace with the containers',
      'aws_ecs_task_definition.mcp: container "mcp-server" adds kernel capabilities ["SYS_ADMIN"]',
      'aws_ecs_task_definition.mcp: container "mcp-server" sets docker security option seccomp:unconfined',
    ]);
  });

  it("passes containers that drop capabilities", () => {
    expect(judge(rule, taskPlan([{ ...goodContainer, linuxParameters: { capabilities: { add: [], drop: ["ALL"] } } }], { network_mode: "awsvpc" })).verdict).toBe("pass");
  });
});
