import { rule } from "../../../policy/rules/mcp-sec-004";
import { judge, lines, plan, ref } from "../fixtures";

const lambdaRole = { assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) };
const ecsRole = { assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) };
const keyPolicy = (...signers: unknown[]) =>
  JSON.stringify({
    Statement: [
      { Sid: "Admin", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["kms:DescribeKey", "kms:ScheduleKeyDeletion"], Resource: "*" },
      ...signers.map((p, i) => ({ Sid: `Sign${i}`, Effect: "Allow", Principal: p, Action: i === 1 ? "kms:*" : "kms:Sign", Resource: "*" })),
    ],
  });
const tokenKey = (policy: string, body: Record<string, unknown> = {}) => ({ key_usage: "SIGN_VERIFY", customer_master_key_spec: "ECC_NIST_P256", tags: { "mcp-token-signing-key": "prod" }, policy, ...body });

describe("MCP-SEC-004 token signing keys", () => {
  it("passes an asymmetric key only the kit's Lambda role may sign with", () => {
    const p = plan({ aws_iam_role: { fn: lambdaRole }, aws_kms_key: { k: tokenKey(keyPolicy({ AWS: ref("aws_iam_role.fn", "arn") })) } });
    expect(judge(rule, p).verdict).toBe("pass");
  });

  it("fails a symmetric key, and signers that are the account, anyone, or a role Lambda does not assume", () => {
    const p = plan({
      aws_iam_role: { fn: lambdaRole, task: ecsRole },
      aws_kms_key: {
        sym: tokenKey(keyPolicy({ AWS: ref("aws_iam_role.fn", "arn") }), { key_usage: "ENCRYPT_DECRYPT", customer_master_key_spec: "SYMMETRIC_DEFAULT" }),
        open: tokenKey(keyPolicy({ AWS: "arn:aws:iam::123456789012:root" }, "*", { AWS: ref("aws_iam_role.task", "arn") })),
      },
    });
    expect(lines(judge(rule, p))).toEqual([
      'aws_kms_key.sym: has key_usage ENCRYPT_DECRYPT; a token signing key must be "SIGN_VERIFY"',
      'aws_kms_key.sym: has key spec SYMMETRIC_DEFAULT; a token signing key must be asymmetric (e.g. "ECC_NIST_P256")',
      'aws_kms_key.open: policy statement "Sign0" lets arn:aws:iam::123456789012:root sign; only the kit\'s Lambda function roles may',
      'aws_kms_key.open: policy statement "Sign1" lets * sign; only the kit\'s Lambda function roles may',
      'aws_kms_key.open: policy statement "Sign2" lets ${aws_iam_role.task.arn} sign; only the kit\'s Lambda function roles may',
    ]);
  });

  it("leaves keys that sign no tokens alone", () => {
    expect(judge(rule, plan({ aws_kms_key: { env: { enable_key_rotation: true } } })).verdict).toBe("not-applicable");
  });
});
