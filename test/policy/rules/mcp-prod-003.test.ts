import { rule } from "../../../policy/rules/mcp-prod-003";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-PROD-003 IBM i certificate verified in prod", () => {
  it("fails an MCP server that leaves DB2i_IGNORE_UNAUTHORIZED unset or true", () => {
    const env = goodContainer.environment.filter((e) => e.name !== "DB2i_IGNORE_UNAUTHORIZED");
    const r = judge(
      rule,
      taskPlan([
        { ...goodContainer, environment: env },
        { ...goodContainer, name: "b", environment: [...env, { name: "DB2i_IGNORE_UNAUTHORIZED", value: "true" }] },
      ]),
      { stage: "prod" },
    );
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-server" has DB2i_IGNORE_UNAUTHORIZED unset (the server defaults to true), so it accepts any IBM i certificate',
      'aws_ecs_task_definition.mcp: container "b" has DB2i_IGNORE_UNAUTHORIZED = true, so it accepts any IBM i certificate',
    ]);
  });

  it("passes false, and does not apply to other containers or outside prod", () => {
    expect(judge(rule, taskPlan([goodContainer]), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, taskPlan([{ name: "gw", image: "ghcr.io/ibm/mcp-context-forge:0.7.0", environment: [] }]), { stage: "prod" }).verdict).toBe("not-applicable");
    expect(judge(rule, taskPlan([goodContainer]), { stage: "dev" }).verdict).toBe("not-applicable");
  });
});
