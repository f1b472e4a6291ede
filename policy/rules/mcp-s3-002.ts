import { defineRule } from "../rule";
import { bucketParts } from "../buckets";
import { bool } from "../plan";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

export const rule = defineRule(
  {
    id: "MCP-S3-002",
    title: "S3 buckets block all four kinds of public access",
    severity: "high",
    references: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AWS-0086", "AWS-0087", "AWS-0091", "AWS-0093", "AWS-0094"],
    remediation: "Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
  },
  (plan, _ctx, report) => {
    const buckets = plan.resources("aws_s3_bucket");
    for (const b of buckets) {
      const blocksFor = bucketParts(plan, "aws_s3_bucket_public_access_block", b);
      if (blocksFor.length === 0) {
        report(b.address, "has no aws_s3_bucket_public_access_block referencing it");
        continue;
      }
      const missing = FLAGS.filter((f) => !blocksFor.some((p) => bool(p.body[f]) === true));
      if (missing.length) report(b.address, `does not set ${missing.join(", ")} to true in its public access block`);
    }
    return buckets.length > 0;
  },
);
