import { rule } from "../../../policy/rules/mcp-ecs-007";
import { judge, lines, plan } from "../fixtures";

describe("MCP-ECS-007 container insights", () => {
  it("fails clusters without insights or with them disabled", () => {
    const r = judge(rule, plan({ aws_ecs_cluster: { a: { name: "a" }, b: { setting: [{ name: "containerInsights", value: "disabled" }] } } }));
    expect(lines(r)).toEqual(["aws_ecs_cluster.a: has no containerInsights setting (off by default)", "aws_ecs_cluster.b: has containerInsights = disabled"]);
  });

  it("passes enabled and enhanced", () => {
    const r = judge(rule, plan({ aws_ecs_cluster: { a: { setting: { name: "containerInsights", value: "enabled" } }, b: { setting: [{ name: "containerInsights", value: "enhanced" }] } } }));
    expect(r.verdict).toBe("pass");
  });
});
