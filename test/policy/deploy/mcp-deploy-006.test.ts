import { rule } from "../../../policy/deploy/mcp-deploy-006";
import { judge, lines, plan } from "../fixtures";

describe("MCP-DEPLOY-006 retention values CloudWatch Logs accepts", () => {
  it("fails values CloudWatch rejects, naming the nearest accepted ones", () => {
    const r = judge(rule, plan({ aws_cloudwatch_log_group: { a: { retention_in_days: 100 }, b: { retention_in_days: 730 }, c: { retention_in_days: 5000 } } }));
    expect(lines(r)).toEqual([
      "aws_cloudwatch_log_group.a: has retention_in_days 100, which CloudWatch Logs rejects; nearest accepted: 90 or 120",
      "aws_cloudwatch_log_group.b: has retention_in_days 730, which CloudWatch Logs rejects; nearest accepted: 545 or 731",
      "aws_cloudwatch_log_group.c: has retention_in_days 5000, which CloudWatch Logs rejects; nearest accepted: 3653",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html");
  });

  it("passes accepted values, 0 and unset (never expire)", () => {
    expect(judge(rule, plan({ aws_cloudwatch_log_group: { a: { retention_in_days: 90 }, b: { retention_in_days: "731" }, c: { retention_in_days: 0 }, d: {} } })).verdict).toBe("pass");
  });
});
