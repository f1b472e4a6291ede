import { rule } from "../../../policy/rules/mcp-iam-002";
import { judge, lines, plan } from "../fixtures";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("MCP-IAM-002 no * resource except where AWS requires it", () => {
  it("fails scopable actions on *, NotResource, and * in resource policies", () => {
    const r = judge(
      rule,
      plan({
        aws_iam_role_policy: {
          p: { policy: doc({ Sid: "Mixed", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "secretsmanager:GetSecretValue"], Resource: "*" }, { Sid: "Not", Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }) },
        },
        aws_sns_topic_policy: { t: { policy: doc({ Sid: "Pub", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: "*" }) } },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_iam_role_policy.p: policy statement "Mixed" grants secretsmanager:GetSecretValue on Resource "*"',
      'aws_iam_role_policy.p: policy statement "Not" allows NotResource ["arn:aws:s3:::secret/*"], i.e. every other resource',
      'aws_sns_topic_policy.t: policy statement "Pub" grants sns:Publish on Resource "*"',
    ]);
  });

  it("passes the actions AWS cannot scope, key policies (* is the key) and named resources", () => {
    const r = judge(
      rule,
      plan({
        aws_iam_role_policy: {
          p: {
            policy: doc(
              { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
              { Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource: "*" },
              { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "${aws_cloudwatch_log_group.g.arn}:*" },
            ),
          },
        },
        aws_kms_key: { k: { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:DescribeKey", Resource: "*" }) } },
      }),
    );
    expect(lines(r)).toEqual([]);
  });
});
