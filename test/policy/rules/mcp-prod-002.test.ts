import { rule } from "../../../policy/rules/mcp-prod-002";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-PROD-002 no debug logging in prod", () => {
  const debug = taskPlan([
    {
      ...goodContainer,
      environment: [
        { name: "MCP_LOG_LEVEL", value: "debug" },
        { name: "LOG_LEVEL", value: "TRACE" },
        { name: "NODE_DEBUG", value: "http" },
        { name: "DEBUG", value: "false" },
      ],
    },
  ]);

  it("fails debug levels and debug switches in prod", () => {
    expect(lines(judge(rule, debug, { stage: "prod" }))).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-server" sets MCP_LOG_LEVEL = debug in prod',
      'aws_ecs_task_definition.mcp: container "mcp-server" sets LOG_LEVEL = TRACE in prod',
      'aws_ecs_task_definition.mcp: container "mcp-server" sets NODE_DEBUG = http in prod',
    ]);
  });

  it("passes info level in prod and ignores dev", () => {
    expect(judge(rule, taskPlan([goodContainer]), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, debug, { stage: "dev" }).verdict).toBe("not-applicable");
  });
});
