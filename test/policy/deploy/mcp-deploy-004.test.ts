import { rule } from "../../../policy/deploy/mcp-deploy-004";
import { judge, lines, plan, ref } from "../fixtures";
import { key, ROOT_ADMIN } from "./keys";

const KEY = ref("aws_kms_key.k", "arn");
const role = (name: string) => ({ name, assume_role_policy: "{}" });
const policy = (roleName: string, statements: object[]) => ({ name: "p", role: ref(`aws_iam_role.${roleName}`), policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
const readSecret = { Sid: "Read", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: ref("aws_secretsmanager_secret.s", "arn") };

describe("MCP-DEPLOY-004 roles that use encrypted resources are allowed by the key policy", () => {
  it("fails a role reading a CMK secret, writing an SSE-KMS bucket, or granted KMS in IAM only, when the key policy names neither it nor the account", () => {
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: key({ ...ROOT_ADMIN, Action: ["kms:PutKeyPolicy"] }) },
        aws_secretsmanager_secret: { s: { name: "mcp/prod/x", kms_key_id: KEY } },
        aws_s3_bucket: { b: { bucket: "mcp-prod-audit" } },
        aws_s3_bucket_server_side_encryption_configuration: { b: { bucket: ref("aws_s3_bucket.b"), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY } }] } },
        aws_iam_role: { exec: role("exec"), writer: role("writer") },
        aws_iam_role_policy: {
          exec: policy("exec", [readSecret, { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY }]),
          writer: policy("writer", [{ Sid: "Put", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${ref("aws_s3_bucket.b", "arn")}/*` }]),
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_iam_role.exec: needs kms:Decrypt on aws_kms_key.k (secretsmanager:GetSecretValue on aws_secretsmanager_secret.s, which is encrypted with the key), but the key policy allows it neither to the role nor to the account for IAM to grant",
      "aws_iam_role.writer: needs kms:GenerateDataKey on aws_kms_key.k (s3:PutObject on aws_s3_bucket.b, which is encrypted with the key), but the key policy allows it neither to the role nor to the account for IAM to grant",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam");
  });

  it("fails a role that relies on the account delegating without an IAM grant of its own", () => {
    const delegating = { Sid: "Iam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" };
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: key(delegating) },
        aws_secretsmanager_secret: { s: { name: "x", kms_key_id: KEY } },
        aws_iam_role: { exec: role("exec") },
        aws_iam_role_policy: { exec: policy("exec", [readSecret]) },
      }),
    );
    expect(r.violations.map((v) => v.address)).toEqual(["aws_iam_role.exec"]);
  });

  it("passes a role the key policy names (by reference or name), and a role the account delegates to with its own grant", () => {
    const direct = {
      Sid: "Exec",
      Effect: "Allow",
      Principal: { AWS: ref("aws_iam_role.exec", "arn") },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    };
    const byName = { Sid: "Writer", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/writer" }, Action: ["kms:GenerateDataKey*"], Resource: "*" };
    const delegating = { Sid: "Iam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" };
    const r = judge(
      rule,
      plan({
        aws_kms_key: { k: key(direct, byName, delegating) },
        aws_secretsmanager_secret: { s: { name: "x", kms_key_id: KEY } },
        aws_sns_topic: { t: { name: "t", kms_master_key_id: KEY } },
        aws_iam_role: { exec: role("exec"), writer: role("writer"), pub: role("pub") },
        aws_iam_role_policy: {
          exec: policy("exec", [readSecret]),
          writer: policy("writer", [
            { Sid: "Put", Effect: "Allow", Action: ["sns:Publish"], Resource: ref("aws_sns_topic.t", "arn") },
            { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY },
          ]),
          pub: policy("pub", [
            { Sid: "Put", Effect: "Allow", Action: ["sns:Publish"], Resource: ref("aws_sns_topic.t", "arn") },
            { Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY },
          ]),
        },
      }),
    );
    expect(lines(r)).toEqual([]);
    expect(r.verdict).toBe("pass");
  });
});
