import { rule } from "../../../policy/rules/mcp-ecs-001";
import { goodContainer, judge, lines, plan, taskPlan } from "../fixtures";

describe("MCP-ECS-001 read-only root filesystem", () => {
  it("fails containers with a writable root filesystem", () => {
    const r = judge(rule, taskPlan([goodContainer, { ...goodContainer, name: "sidecar", readonlyRootFilesystem: undefined }, { ...goodContainer, name: "w", readonlyRootFilesystem: false }]));
    expect(lines(r)).toEqual(['aws_ecs_task_definition.mcp: container "sidecar" has readonlyRootFilesystem unset; it must be true', 'aws_ecs_task_definition.mcp: container "w" has readonlyRootFilesystem false; it must be true']);
  });

  it("fails container definitions it cannot read", () => {
    const r = judge(rule, plan({ aws_ecs_task_definition: { a: { container_definitions: "${jsonencode(local.containers)}" }, b: { container_definitions: "[{" } } }));
    expect(lines(r)[0]).toBe("aws_ecs_task_definition.a: container_definitions is ${jsonencode(local.containers)}, which is only known at apply time and cannot be verified");
    expect(lines(r)[1]).toMatch(/^aws_ecs_task_definition\.b: container_definitions is not valid JSON \(/);
  });

  it("passes read-only containers and is not applicable without task definitions", () => {
    expect(judge(rule, taskPlan([goodContainer])).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_ecs_cluster: { c: {} } })).verdict).toBe("not-applicable");
  });
});
