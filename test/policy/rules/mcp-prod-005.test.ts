import { rule } from "../../../policy/rules/mcp-prod-005";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-PROD-005 alert e-mail in prod", () => {
  it("fails an alert topic without an e-mail subscription", () => {
    const p = plan({
      aws_sns_topic: { alerts: {}, other: {} },
      aws_cloudwatch_metric_alarm: { a: { alarm_actions: [ref("aws_sns_topic.alerts", "arn")] } },
      aws_sns_topic_subscription: { q: { topic_arn: ref("aws_sns_topic.alerts", "arn"), protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:123456789012:q" } },
    });
    expect(lines(judge(rule, p, { stage: "prod" }))).toEqual(["aws_sns_topic.alerts: has no e-mail subscription, so security alerts reach no one"]);
  });

  it("passes an e-mail subscription and does not apply outside prod", () => {
    const p = plan({ aws_sns_topic: { alerts: {} }, aws_sns_topic_subscription: { m: { topic_arn: ref("aws_sns_topic.alerts", "arn"), protocol: "email", endpoint: "secops@example.com" } } });
    expect(judge(rule, p, { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_sns_topic: { alerts: {} } }), { stage: "dev" }).verdict).toBe("not-applicable");
  });
});
