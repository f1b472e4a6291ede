import { rule } from "../../../policy/rules/mcp-s3-001";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-S3-001 bucket versioning", () => {
  it("fails buckets without versioning or with it suspended", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { a: {}, b: {} },
        aws_s3_bucket_versioning: { b: { bucket: ref("aws_s3_bucket.b"), versioning_configuration: { status: "Suspended" } } },
      }),
    );
    expect(lines(r)).toEqual(["aws_s3_bucket.a: has no aws_s3_bucket_versioning referencing it, so versioning is off", 'aws_s3_bucket.b: has versioning status Suspended; it must be "Enabled"']);
  });

  it("passes a versioning resource that references the bucket by id or name, and the legacy block", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { a: {}, b: {}, legacy: { versioning: [{ enabled: true }] } },
        aws_s3_bucket_versioning: {
          a: { bucket: ref("aws_s3_bucket.a"), versioning_configuration: { status: "Enabled" } },
          b: { bucket: ref("aws_s3_bucket.b", "bucket"), versioning_configuration: [{ status: "Enabled" }] },
        },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
