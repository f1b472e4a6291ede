import { defineRule } from "../rule";
import { bucketParts } from "../buckets";
import { block, bool, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-S3-001",
    title: "S3 buckets have versioning enabled",
    severity: "medium",
    references: ["CKV_AWS_21", "AWS-0090"],
    remediation: 'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration.status = "Enabled".',
  },
  (plan, _ctx, report) => {
    const buckets = plan.resources("aws_s3_bucket");
    for (const b of buckets) {
      const parts = bucketParts(plan, "aws_s3_bucket_versioning", b);
      const statuses = parts.map((p) => block(p.body.versioning_configuration)?.status);
      const legacy = bool(block(b.body.versioning)?.enabled) === true;
      if (legacy || statuses.includes("Enabled")) continue;
      report(b.address, parts.length ? `has versioning status ${statuses.map((s) => show(s)).join(", ")}; it must be "Enabled"` : "has no aws_s3_bucket_versioning referencing it, so versioning is off");
    }
    return buckets.length > 0;
  },
);
