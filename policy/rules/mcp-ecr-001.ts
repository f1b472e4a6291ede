import { defineRule } from "../rule";
import { customerKeyProblem } from "../kms";
import { block, blocks, bool, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-ECR-001",
    title: "ECR repositories scan images on push and are encrypted with a customer-managed KMS key",
    severity: "medium",
    references: ["CKV_AWS_163", "CKV_AWS_136", "AWS-0030", "AWS-0033"],
    remediation:
      "Create the repositories with ImageRepositories (stack mcp-<env>-images): image_scanning_configuration.scan_on_push true and encryption_configuration KMS with the stack's EncryptionKey, whose policy lets ECR create its grants (kms:ViaService ecr).",
  },
  (plan, _ctx, report) => {
    const repositories = plan.resources("aws_ecr_repository");
    for (const r of repositories) {
      if (bool(block(r.body.image_scanning_configuration)?.scan_on_push) !== true) report(r.address, "does not scan images on push, so a known vulnerability in a pushed image goes unreported");
      const enc = blocks(r.body.encryption_configuration)[0];
      if (!enc || enc.encryption_type !== "KMS") report(r.address, `is encrypted with ${show(enc?.encryption_type ?? "AES256")}, not a KMS key the environment controls`);
      else {
        const p = customerKeyProblem(plan, "kms_key", enc.kms_key);
        if (p) report(r.address, p);
      }
    }
    return repositories.length > 0;
  },
);
