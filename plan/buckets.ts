/** S3 buckets and the separate resources that configure them (aws provider ≥ 4 splits a bucket in many). */
import { block, blocks, PlanResource, PlanView } from "./terraform";

/** Resources of `type` whose `bucket` references the bucket (by id or name). */
export function bucketParts(plan: PlanView, type: string, bucket: PlanResource): PlanResource[] {
  return plan.referrers([type], "bucket", bucket, ["id", "bucket"]);
}

/**
 * Whether the bucket receives load balancer access or connection logs. ELB log delivery writes only to buckets
 * encrypted with SSE-S3 (AES256); with SSE-KMS it silently delivers nothing.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export function isLoadBalancerLogBucket(plan: PlanView, bucket: PlanResource): boolean {
  return plan.resources("aws_lb", "aws_alb").some((lb) =>
    [lb.body.access_logs, lb.body.connection_logs].some((b) => {
      const cfg = block(b);
      return !!cfg && cfg.enabled !== false && plan.refersTo(cfg.bucket, bucket, ["id", "bucket"]);
    }),
  );
}

/** The default encryption of a bucket: from its own legacy block or a separate configuration resource. */
export function defaultEncryption(plan: PlanView, bucket: PlanResource): { source: string; algorithm: unknown; key: unknown }[] {
  const out: { source: string; algorithm: unknown; key: unknown }[] = [];
  const read = (source: string, cfg: Record<string, any> | undefined) => {
    for (const r of blocks(cfg?.rule)) {
      const d = block(r.apply_server_side_encryption_by_default);
      if (d) out.push({ source, algorithm: d.sse_algorithm, key: d.kms_master_key_id });
    }
  };
  read(bucket.address, block(bucket.body.server_side_encryption_configuration));
  for (const c of bucketParts(plan, "aws_s3_bucket_server_side_encryption_configuration", bucket)) read(c.address, c.body);
  return out;
}
