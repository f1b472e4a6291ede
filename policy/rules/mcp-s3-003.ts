import { defineRule } from "../rule";
import { defaultEncryption, isLoadBalancerLogBucket } from "../buckets";
import { customerKeyProblem } from "../kms";
import { show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-S3-003",
    title: "S3 buckets use SSE-KMS with a customer key (SSE-S3 only for load balancer log buckets, which require it)",
    severity: "high",
    references: ["AWS-0088", "AWS-0132", "CKV_AWS_145", "CKV_AWS_19"],
    remediation: 'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and kms_master_key_id = the environment key; a load balancer log bucket uses "AES256".',
  },
  (plan, _ctx, report) => {
    const buckets = plan.resources("aws_s3_bucket");
    for (const b of buckets) {
      const enc = defaultEncryption(plan, b);
      const lbLogs = isLoadBalancerLogBucket(plan, b);
      if (enc.length === 0) {
        report(b.address, `has no default encryption configuration${lbLogs ? '; a load balancer log bucket uses sse_algorithm "AES256"' : ""}`);
        continue;
      }
      for (const e of enc) {
        const alg = String(e.algorithm);
        // That ELB delivers nothing to an SSE-KMS bucket is a deployability trap, judged by MCP-DEPLOY-005.
        if (lbLogs && alg === "AES256") continue;
        if (alg === "aws:kms" || alg === "aws:kms:dsse") {
          const p = customerKeyProblem(plan, "kms_master_key_id", e.key);
          if (p) report(b.address, `${p} (${e.source})`);
        } else report(b.address, `uses ${show(e.algorithm)}; audit data needs SSE-KMS with a customer key (${e.source})`);
      }
    }
    return buckets.length > 0;
  },
);
