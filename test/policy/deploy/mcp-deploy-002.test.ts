import { rule } from "../../../policy/deploy/mcp-deploy-002";
import { judge, lines, plan, ref } from "../fixtures";
import { key, LOGS, PROVIDER, ROOT_ADMIN } from "./keys";

const group = (k: string) => ({ name: "/mcp/prod/mcp-server", retention_in_days: 90, kms_key_id: ref(`aws_kms_key.${k}`, "arn") });

describe("MCP-DEPLOY-002 CloudWatch Logs may use the key of an encrypted log group", () => {
  it("fails without the logs principal, with too few actions, or without the encryption-context condition", () => {
    const { Condition: _c, ...unscoped } = LOGS;
    const r = judge(
      rule,
      plan(
        {
          aws_kms_key: { none: key(ROOT_ADMIN), few: key(ROOT_ADMIN, { ...LOGS, Action: ["kms:Decrypt"] }), open: key(ROOT_ADMIN, unscoped) },
          aws_cloudwatch_log_group: { a: group("none"), b: group("few"), c: group("open") },
        },
        PROVIDER,
      ),
    );
    expect(lines(r)).toEqual([
      "aws_cloudwatch_log_group.a: is encrypted with aws_kms_key.none, whose key policy does not allow logs.us-east-1.amazonaws.com kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:DescribeKey; creating the log group fails",
      "aws_cloudwatch_log_group.b: is encrypted with aws_kms_key.few, whose key policy does not allow logs.us-east-1.amazonaws.com kms:Encrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:DescribeKey; creating the log group fails",
      "aws_cloudwatch_log_group.c: is encrypted with aws_kms_key.open, whose statement for logs.us-east-1.amazonaws.com has no kms:EncryptionContext:aws:logs:arn condition, so any account's log groups could use the key",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html");
  });

  it("passes the documented statement (also through an alias), and unencrypted groups", () => {
    const r = judge(
      rule,
      plan(
        {
          aws_kms_key: { k: key(ROOT_ADMIN, LOGS) },
          aws_kms_alias: { a: { name: "alias/mcp-prod", target_key_id: ref("aws_kms_key.k", "key_id") } },
          aws_cloudwatch_log_group: { direct: group("k"), alias: { name: "/x", kms_key_id: ref("aws_kms_alias.a", "arn") }, plain: { name: "/y" } },
        },
        PROVIDER,
      ),
    );
    expect(r.verdict).toBe("pass");
  });
});
