import { McpConfig } from "../../config/schema";
import { AgentTokenReader } from "../../constructs/agent-token-readers";
import { EncryptionKey } from "../../constructs/encryption-key";
import { ServiceRole } from "../../constructs/service-role";
import { TerraformJson } from "../../policy/types";
import { PlanIndex } from "../../review/plan-index";
import { OTHERS, SecretAccessIndex } from "../../review/secret-access";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { bareEnv, bareStack } from "./bare-stack";

const keyStatements = (plan: TerraformJson): any[] => JSON.parse(resources(plan, "aws_kms_key")[0][1].policy).Statement;
const sid = (statements: any[], id: string) => {
  const s = statements.find((x) => x.Sid === id);
  if (!s) throw new Error(`no statement ${id}`);
  return s;
};
const roleArnRef = (plan: TerraformJson, pathSuffix: string) =>
  `\${aws_iam_role.${
    resources(plan, "aws_iam_role")
      .find(([, r]) => String(r["//"].metadata.path).endsWith(pathSuffix))![0]
      .split(".")[1]
  }.arn}`;
const secretArnRef = (plan: TerraformJson, key: string) =>
  `\${aws_secretsmanager_secret.${
    resources(plan, "aws_secretsmanager_secret")
      .find(([, r]) => String(r["//"].metadata.path).endsWith(`secrets/${key}`))![0]
      .split(".")[1]
  }.arn}`;

const synthWith = (config: McpConfig, extend: (stack: McpStack) => void): TerraformJson => synthStack(config, extend).plan;

describe("who may use the key and the secrets (config access)", () => {
  let prod: TerraformJson;
  let dev: TerraformJson;
  const OPERATOR = "arn:aws:iam::123456789012:role/mcp-prod-operators";
  beforeAll(() => {
    prod = synthStack(shippedConfigs().prod).plan;
    dev = synthStack(shippedConfigs().dev).plan;
  });

  it("lets operators put the people-rotated secrets only through Secrets Manager, in this account, for those secrets", () => {
    const s = sid(keyStatements(prod), "OperatorsPutSecretValues");
    expect(s.Principal).toEqual({ AWS: OPERATOR });
    // Secrets Manager needs GenerateDataKey and Decrypt from whoever puts a value (security-encryption.html).
    expect(s.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(s.Condition).toEqual({
      StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012" },
      StringLike: {
        "kms:EncryptionContext:SecretARN": [
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/model-api-key-??????",
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/ibmi-service-credentials-??????",
          // Generated once, then replaced deliberately by an operator (docs/secrets.md): the admin password after changing
          // it in the gateway, the encryption secret when re-registering the stored credentials.
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/gateway-admin-password-??????",
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/gateway-encryption-secret-??????",
        ],
      },
    });
  });

  it("lets operators decrypt agent tokens and the gateway admin password only, and auditors the archive only through S3", () => {
    const ops = sid(keyStatements(prod), "OperatorsReadValues");
    expect(ops.Action).toBe("kms:Decrypt");
    expect(ops.Condition.StringLike).toEqual({
      "kms:EncryptionContext:SecretARN": ["arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/agent-token/*", "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/gateway-admin-password-??????"],
    });
    const aud = sid(keyStatements(prod), "AuditorsReadArchive");
    expect(aud.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:role/security-audit" });
    expect(aud.Action).toBe("kms:Decrypt");
    expect(aud.Condition.StringEquals).toEqual({ "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012" });
    const bucket = resources(prod, "aws_s3_bucket").find(([, b]) => String(b["//"].metadata.path).endsWith("audit-logs/audit-bucket/bucket"))![0];
    expect(aud.Condition.StringLike["kms:EncryptionContext:aws:s3:arn"]).toEqual([`\${${bucket}.arn}`, `\${${bucket}.arn}/*`]);
  });

  it("grants no auditor statement when none is configured (dev)", () => {
    expect(keyStatements(dev).map((s) => s.Sid)).not.toContain("AuditorsReadArchive");
  });

  it("gives every token-reader role one shared key statement, narrowed to its own token in the role's policy", () => {
    const s = sid(keyStatements(prod), "AgentTokenReadersThroughSecretsManager");
    expect(s.Principal.AWS).toEqual([roleArnRef(prod, "agent-token-readers/monitoring/role"), roleArnRef(prod, "agent-token-readers/ops/role")]);
    expect(s.Condition.StringLike).toEqual({ "kms:EncryptionContext:SecretARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/agent-token/*" });
    const own = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "agent-token-readers/ops/policy").policy).Statement;
    expect(own).toEqual([
      { Sid: "ReadOpsToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArnRef(prod, "agent-token-ops") },
      {
        Sid: "UseKeyAgentTokenReadersThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.encryption-key_\w+\.arn\}$/),
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012", "kms:EncryptionContext:SecretARN": secretArnRef(prod, "agent-token-ops") } },
      },
    ]);
  });
});

describe("secret resource policies", () => {
  let prod: TerraformJson;
  beforeAll(() => {
    prod = synthStack(shippedConfigs().prod).plan;
  });
  const policy = (plan: TerraformJson, key: string) => {
    const arn = secretArnRef(plan, key);
    const [, p] = resources(plan, "aws_secretsmanager_secret_policy").find(([, x]) => x.secret_arn === arn)!;
    expect(p.block_public_policy).toBe(true);
    return JSON.parse(p.policy).Statement as any[];
  };
  const exempt = (statements: any[], id: string) => sid(statements, id).Condition?.ArnNotEquals["aws:PrincipalArn"];

  it("gives every secret of the kit one, and no other resource", () => {
    const secrets = resources(prod, "aws_secretsmanager_secret").filter(([, s]) => /\/(secrets|tier-signing-secrets)\//.test(s["//"].metadata.path));
    const covered = resources(prod, "aws_secretsmanager_secret_policy")
      .map(([, p]) => p.secret_arn)
      .sort();
    expect(covered).toEqual(secrets.map(([a]) => `\${${a}.arn}`).sort());
  });

  it("lets a group's token be read by its own reader role, the rotation function, the operators and the auth canary, and nobody else", () => {
    const st = policy(prod, "agent-token-ops");
    expect(sid(st, "DenyOtherGroupsTokenReaders")).toEqual({
      Sid: "DenyOtherGroupsTokenReaders",
      Effect: "Deny",
      Principal: "*",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretArnRef(prod, "agent-token-ops"),
      Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/mcp-prod-token-*" }, ArnNotEquals: { "aws:PrincipalArn": roleArnRef(prod, "agent-token-readers/ops/role") } },
    });
    // The auth canary presents one tier's token to the other tier and expects 401 (constructs/auth-canary.ts).
    // The rotation function's grant names every agent token by pattern (Secrets.agentTokenArns): it is exempted all the same.
    expect([...exempt(st, "DenyReadingToAllOthers")].sort()).toEqual(
      [roleArnRef(prod, "secrets/rotation/role/role"), roleArnRef(prod, "auth-canary/function/role/role"), roleArnRef(prod, "agent-token-readers/ops/role"), "arn:aws:iam::123456789012:role/mcp-prod-operators"].sort(),
    );
    expect(exempt(st, "DenyReadingToAllOthers")).not.toContain(roleArnRef(prod, "agent-token-readers/monitoring/role"));
    expect(sid(st, "DenyReadingToAllOthers")).toMatchObject({ Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue" });
    expect(exempt(st, "DenyWritingToAllOthers")).toEqual([roleArnRef(prod, "secrets/rotation/role/role")]);
  });

  it("lets operators alone put the people-rotated secrets", () => {
    const st = policy(prod, "model-api-key");
    expect(sid(st, "OperatorsPutValue")).toEqual({
      Sid: "OperatorsPutValue",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/mcp-prod-operators" },
      Action: ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: secretArnRef(prod, "model-api-key"),
    });
    expect(exempt(st, "DenyWritingToAllOthers")).toEqual(["arn:aws:iam::123456789012:role/mcp-prod-operators"]);
    // Operators put nothing the kit rotates; the never-rotated gateway encryption secret they may replace, not read.
    expect(exempt(policy(prod, "gateway-jwt-secret"), "DenyWritingToAllOthers")).not.toContain("arn:aws:iam::123456789012:role/mcp-prod-operators");
    const enc = policy(prod, "gateway-encryption-secret");
    expect(sid(enc, "OperatorsReplaceValue").Action).toEqual(["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"]);
    expect(exempt(enc, "DenyWritingToAllOthers")).toContain("arn:aws:iam::123456789012:role/mcp-prod-operators");
    expect(exempt(enc, "DenyReadingToAllOthers")).not.toContain("arn:aws:iam::123456789012:role/mcp-prod-operators");
  });

  it("never locks the rotation function out of what it rotates, nor an execution role out of what it injects", () => {
    const rotation = roleArnRef(prod, "secrets/rotation/role/role");
    for (const key of ["gateway-jwt-secret", "agent-token-monitoring"]) {
      expect(exempt(policy(prod, key), "DenyWritingToAllOthers")).toContain(rotation);
      expect(exempt(policy(prod, key), "DenyReadingToAllOthers")).toContain(rotation);
    }
    // Generated once: the function puts its first value and never reads it.
    expect(exempt(policy(prod, "gateway-admin-password"), "DenyWritingToAllOthers")).toContain(rotation);
    expect(exempt(policy(prod, "gateway-admin-password"), "DenyReadingToAllOthers")).not.toContain(rotation);
    expect(exempt(policy(prod, "gateway-jwt-secret"), "DenyReadingToAllOthers")).toContain(roleArnRef(prod, "gateway/execution-role/role"));
  });

  it("derives its exceptions from the grants: a role granted later through grantRead keeps working", () => {
    const plan = synthWith(shippedConfigs().prod, (stack) => {
      const role = new ServiceRole(stack, "extra-reader", { env: stack.env, name: "mcp-prod-extra-reader", assumedBy: "ecs-tasks.amazonaws.com", description: "test reader" });
      stack.secrets.modelApiKey.grantRead(role);
    });
    expect(exempt(policy(plan, "model-api-key"), "DenyReadingToAllOthers")).toContain(roleArnRef(plan, "extra-reader/role"));
    expect(exempt(policy(plan, "ibmi-service-credentials"), "DenyReadingToAllOthers")).not.toContain(roleArnRef(plan, "extra-reader/role"));
  });
});

describe("token delivery roles", () => {
  let prod: TerraformJson;
  let dev: TerraformJson;
  beforeAll(() => {
    prod = synthStack(shippedConfigs().prod).plan;
    dev = synthStack(shippedConfigs().dev).plan;
  });
  const trust = (plan: TerraformJson, agent: string) => {
    const role = resourceAt(plan, "aws_iam_role", `agent-token-readers/${agent}/role`);
    return { role, statements: JSON.parse(role.assume_role_policy).Statement as any[] };
  };

  it("lets the configured AWS principals assume a group's role, nothing else", () => {
    const { role, statements } = trust(prod, "monitoring");
    expect(role.name).toBe("mcp-prod-token-monitoring");
    expect(role.max_session_duration).toBe(3600);
    expect(statements).toEqual([{ Sid: "AgentHostsOnAws", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/mcp-prod-monitoring-agent-hosts" }, Action: "sts:AssumeRole" }]);
  });

  it("turns an account id into that account's root principal", () => {
    const { plan } = synthStack(variant("prod", (c) => (c.agents[0].tokenReader.assumedBy = ["210987654321"])));
    expect(trust(plan, "monitoring").statements[0].Principal).toEqual({ AWS: "arn:aws:iam::210987654321:root" });
  });

  it("trusts Roles Anywhere only for certificates of its trust anchor with the group's common names", () => {
    const anchor = resources(prod, "aws_rolesanywhere_trust_anchor");
    expect(anchor).toHaveLength(1);
    const [anchorAddress, a] = anchor[0];
    expect(a.source).toEqual({ source_type: "AWS_ACM_PCA", source_data: { acm_pca_arn: "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/66666666-7777-4888-9999-000000000000" } });
    expect(a.enabled).toBe(true);
    expect(trust(prod, "ops").statements).toEqual([
      {
        Sid: "AgentHostsWithCertificates",
        Effect: "Allow",
        Principal: { Service: "rolesanywhere.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        Condition: {
          StringEquals: { "aws:PrincipalTag/x509Subject/CN": ["ops-agent-01.prod.example.com", "ops-agent-02.prod.example.com"] },
          ArnEquals: { "aws:SourceArn": `\${${anchorAddress}.arn}` },
        },
      },
    ]);
    const [, profile] = resources(prod, "aws_rolesanywhere_profile")[0];
    // Only roles that certificates may assume are in the profile.
    expect(profile.role_arns).toEqual([roleArnRef(prod, "agent-token-readers/ops/role")]);
    expect(profile.duration_seconds).toBe(3600);
  });

  it("takes the organisation's CA certificate as a bundle when config gives its PEM (dev)", () => {
    const [, a] = resources(dev, "aws_rolesanywhere_trust_anchor")[0];
    expect(a.source.source_type).toBe("CERTIFICATE_BUNDLE");
    expect(a.source.source_data.x509_certificate_data).toBe(shippedConfigs().dev.access.rolesAnywhere!.caCertificatePem);
  });

  it("makes no role, anchor or profile without token readers", () => {
    const { plan } = synthStack(
      variant("prod", (c) => {
        for (const a of c.agents) delete a.tokenReader;
        delete c.access.rolesAnywhere;
      }),
    );
    expect(resources(plan, "aws_rolesanywhere_trust_anchor")).toEqual([]);
    expect(resources(plan, "aws_rolesanywhere_profile")).toEqual([]);
    expect(resources(plan, "aws_iam_role").filter(([, r]) => String(r["//"].metadata.path).includes("agent-token-readers"))).toEqual([]);
    expect(keyStatements(plan).map((s) => s.Sid)).not.toContain("AgentTokenReadersThroughSecretsManager");
  });

  it("puts the role ARNs, trust anchor and profile in the stack outputs", () => {
    const outputs = prod.output as Record<string, any>;
    expect(outputs.agent_token_reader_monitoring_role_arn.value).toBe(roleArnRef(prod, "agent-token-readers/monitoring/role"));
    expect(outputs.agent_token_reader_ops_role_arn.value).toBe(roleArnRef(prod, "agent-token-readers/ops/role"));
    expect(outputs.roles_anywhere_trust_anchor_arn.value).toMatch(/^\$\{aws_rolesanywhere_trust_anchor\.\S+\.arn\}$/);
    expect(outputs.roles_anywhere_profile_arn.value).toMatch(/^\$\{aws_rolesanywhere_profile\.\S+\.arn\}$/);
  });
});

describe("the plan's policies, evaluated together (review/secret-access.ts)", () => {
  let prod: TerraformJson;
  let access: SecretAccessIndex;
  let idx: PlanIndex;
  beforeAll(() => {
    prod = synthStack(shippedConfigs().prod).plan;
    idx = new PlanIndex(prod);
    access = new SecretAccessIndex(idx);
  });
  const secret = (key: string) => idx.get(secretArnRef(prod, key).slice(2, -5))!;

  it("allows an operator's put on the model API key by both the key policy and the secret policy", () => {
    const a = access.of(secret("model-api-key"));
    expect(a.write).toEqual(["arn:aws:iam::123456789012:role/mcp-prod-operators"]);
    expect(a.read).toEqual(["arn:aws:iam::123456789012:role/mcp-prod-operators"]);
    expect(a.blocked).toEqual([]);
  });

  it("does not let one group's reader read another group's token, and says why when an IAM policy tries", () => {
    // The auth canary reads it to present it to the other tier (constructs/auth-canary.ts).
    expect(access.of(secret("agent-token-monitoring")).read).toEqual(["arn:aws:iam::123456789012:role/mcp-prod-operators", "mcp-prod-auth-canary", "mcp-prod-rotate-secret", "mcp-prod-token-monitoring"]);
    expect(access.of(secret("agent-token-ops")).read).not.toContain("mcp-prod-token-monitoring");
    // A plan where the monitoring role's IAM policy also names the ops token: the resource policy still refuses it.
    const plan = synthWith(shippedConfigs().prod, (stack) => {
      stack.tokenReaders.byAgent.monitoring.addToPolicy({ sid: "AlsoOps", actions: ["secretsmanager:GetSecretValue"], resources: [stack.secrets.agentTokens.ops.arn] });
    });
    const i = new PlanIndex(plan);
    const ops = i.get(secretArnRef(plan, "agent-token-ops").slice(2, -5))!;
    const a = new SecretAccessIndex(i).of(ops);
    // The derived exception follows the grant, but the token's own Deny for other groups' reader roles still holds.
    expect(a.read).not.toContain("mcp-prod-token-monitoring");
    expect(a.read).toContain("mcp-prod-token-ops");
    expect(a.blocked).toContain("mcp-prod-token-monitoring: secretsmanager:GetSecretValue denied by the secret's resource policy (DenyOtherGroupsTokenReaders)");
  });

  it("reports a principal an IAM policy allows but the key refuses", () => {
    const plan = synthWith(shippedConfigs().prod, (stack) => {
      const role = new ServiceRole(stack, "no-key", { env: stack.env, name: "mcp-prod-no-key", assumedBy: "ecs-tasks.amazonaws.com", description: "test" });
      role.addToPolicy({ sid: "ReadIbmi", actions: ["secretsmanager:GetSecretValue"], resources: [stack.secrets.ibmiCredentials.arn] });
    });
    const i = new PlanIndex(plan);
    const a = new SecretAccessIndex(i).of(i.get(secretArnRef(plan, "ibmi-service-credentials").slice(2, -5))!);
    expect(a.read).not.toContain("mcp-prod-no-key");
    expect(a.blocked).toContainEqual(
      expect.stringMatching(/^mcp-prod-no-key: secretsmanager:GetSecretValue allowed, but neither the key policy of aws_kms_key\.\S+ nor, where that defers to IAM, its own policy lets it kms:Decrypt through Secrets Manager for this secret$/),
    );
  });

  it("leaves no kit secret open to principals the plan does not name", () => {
    for (const key of ["model-api-key", "ibmi-service-credentials", "agent-token-ops", "gateway-jwt-secret"]) {
      expect(access.of(secret(key)).read).not.toContain(OTHERS);
      expect(access.of(secret(key)).write).not.toContain(OTHERS);
    }
  });
});

describe("grant API errors", () => {
  it("refuses a key grant to nobody, or with a wildcard action", () => {
    const key = new EncryptionKey(bareStack(), "key", { env: bareEnv() });
    expect(() => key.grantPrincipalsVia("Nobody", [], "secretsmanager", ["kms:Decrypt"])).toThrow("t/key: Nobody names no principal");
    expect(() => key.grantPrincipalsVia("Star", ["arn:aws:iam::123456789012:role/x"], "s3", ["kms:*"])).toThrow("t/key: Star must list single kms: actions (got kms:*)");
  });

  it("refuses a shared statement whose later grants ask for other actions", () => {
    const stack = bareStack();
    const key = new EncryptionKey(stack, "key", { env: bareEnv() });
    const reader = (id: string) => new AgentTokenReader(stack, id, { name: `r-${id}`, agent: id, trust: "{}", sessionSeconds: 3600, tokenName: `mcp/t/agent-token/${id}` });
    key.grantShared(reader("a"), "Readers", "secretsmanager", ["kms:Decrypt"], {}, {});
    expect(() => key.grantShared(reader("b"), "Readers", "secretsmanager", ["kms:Decrypt", "kms:Encrypt"], {}, {})).toThrow("t/key: shared statement Readers already grants other actions");
  });
});
