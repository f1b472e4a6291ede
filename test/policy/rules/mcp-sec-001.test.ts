import { rule } from "../../../policy/rules/mcp-sec-001";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-SEC-001 secrets under a customer key", () => {
  it("fails no key, the AWS managed key, a non-key reference and an expression", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { b: {} },
        aws_secretsmanager_secret: {
          none: { name: "a" },
          managed: { kms_key_id: "alias/aws/secretsmanager" },
          wrong: { kms_key_id: ref("aws_s3_bucket.b", "arn") },
          expr: { kms_key_id: "${var.key}" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_secretsmanager_secret.none: sets no kms_key_id, so it is not encrypted with a customer-managed key",
      "aws_secretsmanager_secret.managed: kms_key_id is alias/aws/secretsmanager, an AWS managed key; use a customer-managed key (its policy decides who may use it)",
      "aws_secretsmanager_secret.wrong: kms_key_id references aws_s3_bucket.b, which is not a KMS key",
      "aws_secretsmanager_secret.expr: kms_key_id is ${var.key}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes a reference to the plan's key or alias, and a literal key ARN", () => {
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: {} },
        aws_kms_alias: { a: { name: "alias/mcp-prod", target_key_id: ref("aws_kms_key.k", "key_id") } },
        aws_secretsmanager_secret: {
          a: { kms_key_id: ref("aws_kms_key.k", "arn") },
          b: { kms_key_id: ref("aws_kms_alias.a", "arn") },
          c: { kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
