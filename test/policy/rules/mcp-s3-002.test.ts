import { rule } from "../../../policy/rules/mcp-s3-002";
import { judge, lines, plan, ref } from "../fixtures";

const all = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };

describe("MCP-S3-002 public access block ×4", () => {
  it("fails buckets without a block or with any of the four off", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { a: {}, b: {} },
        aws_s3_bucket_public_access_block: { b: { bucket: ref("aws_s3_bucket.b"), ...all, ignore_public_acls: false, restrict_public_buckets: undefined } },
      }),
    );
    expect(lines(r)).toEqual(["aws_s3_bucket.a: has no aws_s3_bucket_public_access_block referencing it", "aws_s3_bucket.b: does not set ignore_public_acls, restrict_public_buckets to true in its public access block"]);
  });

  it("passes all four set", () => {
    expect(judge(rule, plan({ aws_s3_bucket: { a: {} }, aws_s3_bucket_public_access_block: { a: { bucket: ref("aws_s3_bucket.a"), ...all } } })).verdict).toBe("pass");
  });
});
