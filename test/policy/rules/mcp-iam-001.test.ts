import { rule } from "../../../policy/rules/mcp-iam-001";
import { judge, lines, plan, ref } from "../fixtures";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("MCP-IAM-001 no wildcard actions", () => {
  it("fails *, service:* and service:Get* actions, NotAction, and policies it cannot read, in every kind of policy", () => {
    const r = judge(
      rule,
      plan({
        aws_iam_role: { r: { assume_role_policy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:*" }), inline_policy: [{ name: "i", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }] } },
        aws_iam_role_policy: {
          p: { role: ref("aws_iam_role.r"), policy: doc({ Sid: "Read", Effect: "Allow", Action: ["s3:Get*", "s3:PutObject"], Resource: "arn:aws:s3:::b/*" }, { Effect: "Allow", NotAction: "iam:*", Resource: "*" }) },
          j: { role: ref("aws_iam_role.r"), policy: "${jsonencode({Statement = []})}" },
        },
        aws_kms_key: { k: { policy: doc({ Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }) } },
        aws_iam_policy: { t: { policy: doc({ Sid: "Tok", Effect: "Allow", Action: "${var.action}", Resource: "*" }) } },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_iam_role_policy.p: policy statement "Read" allows wildcard action "s3:Get*"',
      'aws_iam_role_policy.p: policy statement 1 allows NotAction ["iam:*"], i.e. every other action',
      "aws_iam_role_policy.j: policy is ${jsonencode({Statement = []})}, which is only known at apply time and cannot be verified",
      'aws_iam_policy.t: policy statement "Tok" action is ${var.action}, which is only known at apply time and cannot be verified',
      'aws_kms_key.k: policy statement "Root" allows wildcard action "kms:*"',
      'aws_iam_role.r: inline_policy[0].policy statement 0 allows wildcard action "*"',
    ]);
  });

  it("passes exact actions, ignores Deny statements and trust policies", () => {
    const r = judge(
      rule,
      plan({
        aws_iam_role: { r: { assume_role_policy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:*" }) } },
        aws_iam_role_policy: { p: { policy: doc({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "${aws_secretsmanager_secret.s.arn}" }, { Effect: "Deny", Action: "s3:*", Resource: "*", Principal: "*" }) } },
      }),
    );
    expect(r.verdict).toBe("pass");
  });

  it("is not applicable without any permission policy", () => {
    expect(judge(rule, plan({ aws_iam_role: { r: { assume_role_policy: "{}" } } })).verdict).toBe("not-applicable");
  });
});

describe("MCP-IAM-001 attached policies", () => {
  it("fails AWS managed policies and policies from outside the plan, passes a policy of the plan (judged where declared)", () => {
    const r = judge(
      rule,
      plan({
        aws_iam_policy: { own: { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) } },
        aws_iam_role: { r: { managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } },
        aws_iam_role_policy_attachment: {
          own: { role: "r", policy_arn: ref("aws_iam_policy.own", "arn") },
          other: { role: "r", policy_arn: "${var.policy_arn}" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_iam_role_policy_attachment.other: attached policy_arn is ${var.policy_arn}, which is only known at apply time and cannot be verified",
      "aws_iam_role.r: attaches the AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess, whose actions are not in the plan and cannot be verified",
    ]);
  });
});
