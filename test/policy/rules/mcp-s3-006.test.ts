import { rule } from "../../../policy/rules/mcp-s3-006";
import { judge, lines, plan, ref } from "../fixtures";

const bpa = { bucket: ref("aws_s3_bucket.jwks"), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
const read = (extra: Record<string, unknown> = {}) => ({
  Sid: "Read",
  Effect: "Allow",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: "${aws_s3_bucket.jwks.arn}/.well-known/jwks.json",
  Condition: { StringEquals: { "aws:SourceVpce": ref("aws_vpc_endpoint.s3") } },
  ...extra,
});
const withPolicy = (statement: object, blocks: object = bpa) =>
  plan({
    aws_vpc_endpoint: { s3: { vpc_endpoint_type: "Gateway" } },
    aws_s3_bucket: { jwks: { bucket: "mcp-prod-jwks-123456789012-us-east-1" } },
    aws_s3_bucket_public_access_block: { jwks: blocks },
    aws_s3_bucket_policy: { jwks: { bucket: ref("aws_s3_bucket.jwks"), policy: JSON.stringify({ Statement: [statement] }) } },
  });

describe("MCP-S3-006 buckets anyone may read", () => {
  it("passes a GetObject of one object through the plan's own S3 endpoint, Block Public Access on", () => {
    expect(judge(rule, withPolicy(read())).verdict).toBe("pass");
  });

  it("fails a read without aws:SourceVpce, of every object, with other actions, through a foreign endpoint, or with public access unblocked", () => {
    expect(lines(judge(rule, withPolicy(read({ Condition: {} }))))).toEqual(['aws_s3_bucket.jwks: aws_s3_bucket_policy.jwks statement "Read" lets anyone read without an aws:SourceVpce condition']);
    expect(lines(judge(rule, withPolicy(read({ Action: ["s3:GetObject", "s3:PutObject"], Resource: "${aws_s3_bucket.jwks.arn}/*" }))))).toEqual([
      'aws_s3_bucket.jwks: aws_s3_bucket_policy.jwks statement "Read" lets anyone ["s3:PutObject"]; only s3:GetObject',
      'aws_s3_bucket.jwks: aws_s3_bucket_policy.jwks statement "Read" covers every object (["${aws_s3_bucket.jwks.arn}/*"]); name the objects',
    ]);
    expect(lines(judge(rule, withPolicy(read({ Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } } }))))).toEqual([
      'aws_s3_bucket.jwks: aws_s3_bucket_policy.jwks statement "Read" names aws:SourceVpce vpce-0123456789abcdef0, not an S3 endpoint of this plan',
    ]);
    expect(lines(judge(rule, withPolicy(read(), { ...bpa, restrict_public_buckets: false })))).toEqual(["aws_s3_bucket.jwks: is readable by anyone but does not turn on all four public access block settings"]);
  });

  it("does not apply to buckets no one outside the account may read", () => {
    expect(judge(rule, withPolicy({ Sid: "Tls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })).verdict).toBe("not-applicable");
  });
});
