import { rule } from "../../../policy/rules/mcp-sns-001";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-SNS-001 topics under a customer key", () => {
  it("fails unencrypted topics and the AWS managed key", () => {
    const r = judge(rule, plan({ aws_sns_topic: { a: {}, b: { kms_master_key_id: "alias/aws/sns" } } }));
    expect(lines(r)).toEqual([
      "aws_sns_topic.a: sets no kms_master_key_id, so it is not encrypted with a customer-managed key",
      "aws_sns_topic.b: kms_master_key_id is alias/aws/sns, an AWS managed key; use a customer-managed key (its policy decides who may use it)",
    ]);
  });

  it("passes a topic under the plan's key and a looked-up customer key", () => {
    const p = plan(
      { aws_kms_key: { k: {} }, aws_sns_topic: { a: { kms_master_key_id: ref("aws_kms_key.k", "arn") }, b: { kms_master_key_id: ref("data.aws_kms_key.shared", "arn") } } },
      { data: { aws_kms_key: { shared: { key_id: "alias/shared-alerts" } } } },
    );
    expect(judge(rule, p).verdict).toBe("pass");
  });
});
