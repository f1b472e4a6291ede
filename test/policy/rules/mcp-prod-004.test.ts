import { rule } from "../../../policy/rules/mcp-prod-004";
import { judge, lines, plan } from "../fixtures";

describe("MCP-PROD-004 two or more tasks in prod", () => {
  const p = plan({ aws_ecs_service: { one: { desired_count: 1 }, unset: {}, expr: { desired_count: "${var.n}" }, two: { desired_count: 2 }, daemon: { scheduling_strategy: "DAEMON" } } });

  it("fails services under 2 tasks in prod", () => {
    expect(lines(judge(rule, p, { stage: "prod" }))).toEqual([
      "aws_ecs_service.one: runs desired_count 1 in prod; at least 2 are needed to survive a zone or task failure",
      "aws_ecs_service.unset: runs desired_count 0 in prod; at least 2 are needed to survive a zone or task failure",
      "aws_ecs_service.expr: desired_count is ${var.n}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes 2 or more and does not apply outside prod", () => {
    expect(judge(rule, plan({ aws_ecs_service: { two: { desired_count: 2 } } }), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, p, { stage: "staging" }).verdict).toBe("not-applicable");
  });
});
