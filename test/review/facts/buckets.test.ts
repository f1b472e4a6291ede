/** review/facts/buckets.ts: a bucket's protections, read from its separate configuration resources. */
import { bucketFacts } from "../../../review/facts/buckets";
import { PlanIndex } from "../../../review/plan-index";

const B = "${aws_s3_bucket.audit.id}";
describe("bucketFacts", () => {
  it("reads versioning, SSE-KMS key, shortest expiry, public access blocks, object lock, TLS-only policy and access logging", () => {
    const [audit, logs] = bucketFacts(
      new PlanIndex({
        resource: {
          aws_kms_key: { env: {} },
          aws_kms_alias: { env: { name: "alias/mcp-dev", target_key_id: "${aws_kms_key.env.key_id}" } },
          aws_s3_bucket: { audit: { bucket: "a-audit", object_lock_enabled: true }, logs: { bucket: "b-logs" } },
          aws_s3_bucket_versioning: { audit: { bucket: B, versioning_configuration: { status: "Enabled" } } },
          aws_s3_bucket_server_side_encryption_configuration: { audit: { bucket: B, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.env.arn}" } }] } },
          aws_s3_bucket_lifecycle_configuration: {
            audit: {
              bucket: B,
              rule: [
                { status: "Enabled", expiration: { days: 400 } },
                { status: "Enabled", expiration: { days: 365 } },
                { status: "Disabled", expiration: { days: 1 } },
              ],
            },
          },
          aws_s3_bucket_public_access_block: { audit: { bucket: B, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: false } },
          aws_s3_bucket_object_lock_configuration: { audit: { bucket: B, rule: { default_retention: { mode: "GOVERNANCE", days: 90 } } } },
          aws_s3_bucket_policy: { audit: { bucket: B, policy: JSON.stringify({ Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) } },
          aws_s3_bucket_logging: { audit: { bucket: B, target_bucket: "${aws_s3_bucket.logs.id}", target_prefix: "s3-access/" } },
        },
      }),
    );
    expect(audit).toEqual({
      address: "aws_s3_bucket.audit",
      name: "a-audit",
      versioning: "Enabled",
      encryption: "SSE-KMS with alias/mcp-dev",
      customerKey: true,
      expirationDays: 365,
      noncurrentDays: undefined,
      publicAccessBlocked: 3,
      objectLock: "GOVERNANCE 90 days",
      tlsOnly: true,
      accessLogging: "to b-logs under s3-access/",
    });
    expect(logs).toEqual(expect.objectContaining({ versioning: "not configured", encryption: "S3 default (SSE-S3)", customerKey: false, publicAccessBlocked: 0, tlsOnly: false, accessLogging: "receives logs" }));
  });
});
