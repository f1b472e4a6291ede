import { defineRule } from "../rule";
import { customerKeyProblem } from "../kms";

export const rule = defineRule(
  {
    id: "MCP-LOG-002",
    title: "Log groups are encrypted with a customer-managed KMS key",
    severity: "medium",
    references: ["CKV_AWS_158", "AWS-0017"],
    remediation: "Set kms_key_id to the environment's EncryptionKey ARN (its policy lets logs.<region>.amazonaws.com use it).",
  },
  (plan, _ctx, report) => {
    const groups = plan.resources("aws_cloudwatch_log_group");
    for (const g of groups) {
      const p = customerKeyProblem(plan, "kms_key_id", g.body.kms_key_id);
      if (p) report(g.address, p);
    }
    return groups.length > 0;
  },
);
