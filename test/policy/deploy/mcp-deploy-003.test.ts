import { rule } from "../../../policy/deploy/mcp-deploy-003";
import { judge, lines, plan, ref } from "../fixtures";
import { ALARMS, key, ROOT_ADMIN } from "./keys";

const alarm = (topic: string) => ({ alarm_name: "x", alarm_actions: [ref(`aws_sns_topic.${topic}`, "arn")] });

describe("MCP-DEPLOY-003 alarms and event rules can publish to encrypted topics", () => {
  it("fails a key that does not allow cloudwatch or events, and the AWS managed SNS key", () => {
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: key(ROOT_ADMIN, { ...ALARMS, Action: ["kms:Decrypt"] }) },
        aws_sns_topic: { alerts: { name: "a", kms_master_key_id: ref("aws_kms_key.k", "arn") }, managed: { name: "m", kms_master_key_id: "alias/aws/sns" } },
        aws_cloudwatch_metric_alarm: { a: alarm("alerts"), b: alarm("managed") },
        aws_cloudwatch_event_target: { t: { rule: "r", arn: ref("aws_sns_topic.alerts", "arn") } },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_sns_topic.alerts: is encrypted with aws_kms_key.k, whose key policy does not allow cloudwatch.amazonaws.com kms:GenerateDataKey; what it publishes is silently lost",
      "aws_sns_topic.alerts: is encrypted with aws_kms_key.k, whose key policy does not allow events.amazonaws.com kms:Decrypt, kms:GenerateDataKey; what it publishes is silently lost",
      "aws_sns_topic.managed: is encrypted with the AWS managed key alias/aws/sns, whose policy cannot allow cloudwatch.amazonaws.com; its alarms would never be delivered",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services");
  });

  it("passes a key that allows cloudwatch.amazonaws.com, and unencrypted topics", () => {
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: key(ROOT_ADMIN, ALARMS) },
        aws_sns_topic: { alerts: { name: "a", kms_master_key_id: ref("aws_kms_key.k", "arn") }, plain: { name: "p" } },
        aws_cloudwatch_metric_alarm: { a: alarm("alerts"), b: alarm("plain") },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
