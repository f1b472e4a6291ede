import { rule } from "../../../policy/rules/mcp-s3-003";
import { judge, lines, plan, ref } from "../fixtures";

const sse = (bucket: string, algorithm: string, key?: string) => ({
  bucket: ref(bucket),
  rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm, ...(key ? { kms_master_key_id: key } : {}) } }],
});

describe("MCP-S3-003 bucket encryption", () => {
  it("fails no encryption, SSE-S3 on an audit bucket, and SSE-KMS without a customer key", () => {
    const r = judge(
      rule,
      plan({
        aws_lb: { alb: { internal: true, access_logs: { bucket: ref("aws_s3_bucket.lblogs"), enabled: true } } },
        aws_s3_bucket: { none: {}, s3: {}, awskey: {}, lblogs: {} },
        aws_s3_bucket_server_side_encryption_configuration: {
          s3: sse("aws_s3_bucket.s3", "AES256"),
          awskey: sse("aws_s3_bucket.awskey", "aws:kms"),
          lblogs: sse("aws_s3_bucket.lblogs", "aws:kms", ref("aws_kms_key.k", "arn")),
        },
        aws_kms_key: { k: {} },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_s3_bucket.none: has no default encryption configuration",
      "aws_s3_bucket.s3: uses AES256; audit data needs SSE-KMS with a customer key (aws_s3_bucket_server_side_encryption_configuration.s3)",
      "aws_s3_bucket.awskey: sets no kms_master_key_id, so it is not encrypted with a customer-managed key (aws_s3_bucket_server_side_encryption_configuration.awskey)",
    ]);
    // SSE-KMS on the load balancer's log bucket is secure; that ELB cannot deliver to it is MCP-DEPLOY-005's finding.
  });

  it("passes SSE-KMS with the plan's key, and SSE-S3 on the bucket an aws_lb writes access logs to", () => {
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: {} },
        aws_lb: { alb: { internal: true, access_logs: [{ bucket: ref("aws_s3_bucket.lblogs"), enabled: true }] } },
        aws_s3_bucket: { audit: {}, lblogs: {} },
        aws_s3_bucket_server_side_encryption_configuration: { audit: sse("aws_s3_bucket.audit", "aws:kms", ref("aws_kms_key.k", "arn")), lblogs: sse("aws_s3_bucket.lblogs", "AES256") },
      }),
    );
    expect(lines(r)).toEqual([]);
    expect(r.verdict).toBe("pass");
  });
});
