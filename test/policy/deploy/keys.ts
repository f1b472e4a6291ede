/** Key policy statements for the deployability fixtures, as EncryptionKey renders them. */
export const ROOT_ADMIN = { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey"], Resource: "*" };
export const LOGS = {
  Sid: "Logs",
  Effect: "Allow",
  Principal: { Service: "logs.us-east-1.amazonaws.com" },
  Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
  Resource: "*",
  Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } },
};
export const ALARMS = { Sid: "Alarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" };

/** An aws_kms_key body with these statements as its policy. */
export function key(...statements: object[]): Record<string, unknown> {
  return { enable_key_rotation: true, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
}

export const PROVIDER = { provider: { aws: [{ region: "us-east-1" }] } };
