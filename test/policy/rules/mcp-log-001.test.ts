import { rule } from "../../../policy/rules/mcp-log-001";
import { judge, lines, plan } from "../fixtures";

describe("MCP-LOG-001 log retention", () => {
  it("fails short, unset, non-numeric and unknown retention", () => {
    const r = judge(rule, plan({ aws_cloudwatch_log_group: { short: { retention_in_days: 30 }, unset: {}, text: { retention_in_days: "ninety" }, expr: { retention_in_days: "${var.days}" } } }));
    expect(lines(r)).toEqual([
      "aws_cloudwatch_log_group.short: keeps events 30 days; the audit trail needs 90 or more",
      "aws_cloudwatch_log_group.unset: sets no retention_in_days; set it explicitly (90 or more, or 0 for never expire)",
      "aws_cloudwatch_log_group.text: has retention_in_days ninety, not a number",
      "aws_cloudwatch_log_group.expr: retention_in_days is ${var.days}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes 90 days or more, and 0 (never expire)", () => {
    expect(judge(rule, plan({ aws_cloudwatch_log_group: { a: { retention_in_days: 90 }, b: { retention_in_days: 3653 }, c: { retention_in_days: 0 } } })).verdict).toBe("pass");
  });
});
