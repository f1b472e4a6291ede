import { rule } from "../../../policy/rules/mcp-log-002";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-LOG-002 log groups encrypted", () => {
  it("fails unencrypted groups and keys that cannot be verified", () => {
    const r = judge(rule, plan({ aws_cloudwatch_log_group: { a: { retention_in_days: 90 }, b: { kms_key_id: "${module.kms.arn}" } } }));
    expect(lines(r)).toEqual([
      "aws_cloudwatch_log_group.a: sets no kms_key_id, so it is not encrypted with a customer-managed key",
      "aws_cloudwatch_log_group.b: kms_key_id is ${module.kms.arn}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes a group under the plan's key, following the reference", () => {
    expect(judge(rule, plan({ aws_kms_key: { k: {} }, aws_cloudwatch_log_group: { a: { kms_key_id: ref("aws_kms_key.k", "arn") } } })).verdict).toBe("pass");
  });

  it("fails a reference to a key that is not in the plan", () => {
    const r = judge(rule, plan({ aws_cloudwatch_log_group: { a: { kms_key_id: ref("aws_kms_key.gone", "arn") } } }));
    expect(lines(r)).toEqual(["aws_cloudwatch_log_group.a: kms_key_id is ${aws_kms_key.gone.arn}, which is only known at apply time and cannot be verified"]);
  });
});
