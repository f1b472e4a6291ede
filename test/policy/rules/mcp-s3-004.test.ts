import { rule } from "../../../policy/rules/mcp-s3-004";
import { judge, lines, plan, ref } from "../fixtures";

const denyTls = (actions: string | string[]) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: actions,
  Resource: ["${aws_s3_bucket.a.arn}", "${aws_s3_bucket.a.arn}/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("MCP-S3-004 TLS-only bucket policy", () => {
  it("fails a bucket without policy, a policy without the TLS deny, a deny of listed actions only, and an unreadable policy", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { none: {}, notls: {}, few: {}, unk: {} },
        aws_s3_bucket_policy: {
          notls: { bucket: ref("aws_s3_bucket.notls"), policy: policy({ Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "x" }) },
          // Every object action, but bucket settings (PutBucketPolicy, PutBucketAcl, …) stay open over HTTP.
          few: { bucket: ref("aws_s3_bucket.few"), policy: policy(denyTls(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucket"])) },
          unk: { bucket: ref("aws_s3_bucket.unk"), policy: "${data.aws_iam_policy_document.missing.json}" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_s3_bucket.none: has no aws_s3_bucket_policy, so requests over plain HTTP are allowed",
      "aws_s3_bucket.notls: has a bucket policy without a Deny of s3:* on aws:SecureTransport = false",
      "aws_s3_bucket.few: has a bucket policy without a Deny of s3:* on aws:SecureTransport = false",
      "aws_s3_bucket.unk: aws_s3_bucket_policy.unk policy is ${data.aws_iam_policy_document.missing.json}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes a Deny of s3:* or *, and one built by an aws_iam_policy_document data source", () => {
    const r = judge(
      rule,
      plan(
        {
          aws_s3_bucket: { a: {}, b: {}, c: {} },
          aws_s3_bucket_policy: {
            a: { bucket: ref("aws_s3_bucket.a"), policy: policy(denyTls("s3:*")) },
            b: { bucket: ref("aws_s3_bucket.b"), policy: policy(denyTls("*")) },
            c: { bucket: ref("aws_s3_bucket.c"), policy: "${data.aws_iam_policy_document.tls.json}" },
          },
        },
        {
          data: {
            aws_iam_policy_document: {
              tls: {
                statement: [{ effect: "Deny", actions: ["s3:*"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }],
              },
            },
          },
        },
      ),
    );
    expect(lines(r)).toEqual([]);
  });
});
