import { defineRule } from "../rule";
import { bucketParts, isLoadBalancerLogBucket } from "../buckets";
import { PlanResource, PlanView } from "../plan";

/**
 * Who read, copied or deleted an object is audit evidence of its own: every bucket sends server access logs to a log
 * bucket. A bucket that receives logs (S3 server access logs, load balancer logs) is exempt: logging into itself
 * would loop, and AWS advises a separate target.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
 */
export const rule = defineRule(
  {
    id: "MCP-S3-005",
    title: "S3 buckets log access to a separate log bucket (log buckets themselves excepted)",
    severity: "medium",
    references: ["CKV_AWS_18", "AWS-0089", "cdk-nag S1"],
    remediation:
      "Add an aws_s3_bucket_logging for the bucket with target_bucket a log bucket (SSE-S3, no default Object Lock retention) whose policy lets logging.s3.amazonaws.com s3:PutObject under the target prefix, conditioned on aws:SourceArn and aws:SourceAccount (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).",
  },
  (plan, _ctx, report) => {
    const buckets = plan.resources("aws_s3_bucket");
    for (const b of buckets) {
      if (isLogTarget(plan, b)) continue;
      const logging = bucketParts(plan, "aws_s3_bucket_logging", b);
      if (logging.length === 0) report(b.address, "has no aws_s3_bucket_logging, so reads and deletes of its objects leave no record");
      else if (logging.some((l) => plan.refersTo(l.body.target_bucket, b))) report(b.address, "logs its access into itself; each log object would be logged again");
    }
    return buckets.length > 0;
  },
);

/** The bucket receives S3 server access logs or load balancer logs. */
function isLogTarget(plan: PlanView, bucket: PlanResource): boolean {
  return isLoadBalancerLogBucket(plan, bucket) || plan.referrers(["aws_s3_bucket_logging"], "target_bucket", bucket, ["id", "bucket"]).some((l) => !plan.refersTo(l.body.bucket, bucket));
}
