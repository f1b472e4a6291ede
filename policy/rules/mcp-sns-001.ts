import { defineRule } from "../rule";
import { customerKeyProblem } from "../kms";

export const rule = defineRule(
  {
    id: "MCP-SNS-001",
    title: "SNS topics are encrypted with a customer-managed KMS key",
    severity: "medium",
    references: ["AWS-0095", "AWS-0136", "CKV_AWS_26"],
    remediation: "Set kms_master_key_id to the environment's EncryptionKey (alias/aws/sns cannot be used by CloudWatch alarms) and allow cloudwatch.amazonaws.com in the key policy.",
  },
  (plan, _ctx, report) => {
    const topics = plan.resources("aws_sns_topic");
    for (const t of topics) {
      const p = customerKeyProblem(plan, "kms_master_key_id", t.body.kms_master_key_id);
      if (p) report(t.address, p);
    }
    return topics.length > 0;
  },
);
