import { defineRule } from "../rule";
import { customerKeyProblem } from "../kms";

export const rule = defineRule(
  {
    id: "MCP-SEC-001",
    title: "Secrets are encrypted with a customer-managed KMS key",
    severity: "high",
    references: ["CKV_AWS_149", "AWS-0098"],
    remediation: "Set kms_key_id to the environment's EncryptionKey (the Secrets construct does), not the aws/secretsmanager key.",
  },
  (plan, _ctx, report) => {
    const secrets = plan.resources("aws_secretsmanager_secret");
    for (const s of secrets) {
      const p = customerKeyProblem(plan, "kms_key_id", s.body.kms_key_id);
      if (p) report(s.address, p);
    }
    return secrets.length > 0;
  },
);
