import { ServiceRole } from "../../constructs/service-role";
import { SecretStore } from "../../constructs/secret-store";
import { TerraformJson } from "../../policy/types";
import { resourceAt, resources } from "../plans";
import { synthBare } from "./bare-stack";
import { policyStatements, secretsFixture, storeProps } from "./secret-fixture";

const KEY_ARN = /^\$\{aws_kms_key\.key_\w+\.arn\}$/;
const secretAt = (plan: TerraformJson, key: string) => resourceAt(plan, "aws_secretsmanager_secret", `secrets/${key}`);

describe("SecretStore", () => {
  let plan: TerraformJson;
  let store: SecretStore;
  beforeAll(() => {
    const f = secretsFixture();
    store = new SecretStore(f.stack, "secrets", storeProps(f));
    plan = synthBare(f.stack);
  });

  it("declares the environment's secrets under mcp/<env>/, one token per agent group, in a fixed order", () => {
    expect(store.all.map((s) => s.name)).toEqual([
      "mcp/t/model-api-key",
      "mcp/t/agent-token/ops",
      "mcp/t/agent-token/monitoring",
      "mcp/t/gateway-jwt-secret",
      "mcp/t/gateway-admin-password",
      "mcp/t/gateway-encryption-secret",
      "mcp/t/ibmi-service-credentials",
    ]);
    expect(resources(plan, "aws_secretsmanager_secret").map(([, s]) => s.name)).toEqual(expect.arrayContaining(store.all.map((s) => s.name)));
    expect(resources(plan, "aws_secretsmanager_secret")).toHaveLength(store.all.length);
    expect(Object.keys(store.agentTokens)).toEqual(["ops", "monitoring"]);
    expect(store.ibmiAuthKeyPair).toBeUndefined();
  });

  it("encrypts each with the key and keeps a deleted one restorable 30 days; holds no value and makes nothing that could make one", () => {
    for (const s of store.all) expect(secretAt(plan, s.key.replace("/", "-"))).toMatchObject({ kms_key_id: expect.stringMatching(KEY_ARN), recovery_window_in_days: 30 });
    expect(resources(plan, "aws_secretsmanager_secret_version")).toEqual([]);
    expect(resources(plan, "aws_secretsmanager_secret_rotation")).toEqual([]);
    expect(resources(plan, "aws_lambda_function")).toEqual([]);
  });

  it("tags each with what the rotation function generates (functions/rotate-secret/contract.ts), or as a person's", () => {
    expect(secretAt(plan, "model-api-key").tags).toEqual({ "mcp-secret-rotated-by": "person" });
    expect(secretAt(plan, "ibmi-service-credentials").tags).toEqual({ "mcp-secret-rotated-by": "person" });
    expect(secretAt(plan, "agent-token-ops").tags).toEqual({ "mcp-secret-kind": "agent-jwt", "mcp-token-client-id": "ops" });
    expect(secretAt(plan, "gateway-jwt-secret").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "64" });
    expect(secretAt(plan, "gateway-admin-password").tags).toEqual({ "mcp-secret-kind": "password", "mcp-secret-length": "32", "mcp-secret-rotation": "never" });
    expect(secretAt(plan, "gateway-encryption-secret").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "64", "mcp-secret-rotation": "never" });
  });

  it("says in each description how its value comes and goes", () => {
    expect(secretAt(plan, "gateway-jwt-secret").description).toBe("JWT_SECRET_KEY of the MCP gateway. Generated and rotated in AWS every 30 days.");
    expect(secretAt(plan, "model-api-key").description).toMatch(/\. Put by a person; alarm when older than 30 days\.$/);
    // jwt mode: re-minted every min(7, rotationDays) days, valid AGENT_TOKEN_GRACE_DAYS (2) longer.
    expect(secretAt(plan, "agent-token-ops").description).toMatch(/\. Minted in AWS every 7 days and whenever its tier's signing secret rotates; expires 9 days after minting\.$/);
    expect(secretAt(plan, "gateway-encryption-secret").description).toMatch(/\. Generated once in AWS on apply, never rotated automatically \(stored credentials would become unreadable; docs\/secrets\.md\)\.$/);
  });

  it("records each secret's purpose as a structured fact, for the report's checklist", () => {
    expect(secretAt(plan, "ibmi-service-credentials")["//"].facts).toEqual({ secretPurpose: "ibmi-credentials" });
    expect(secretAt(plan, "model-api-key")["//"].facts).toEqual({ secretPurpose: "model-api-key" });
    expect(secretAt(plan, "agent-token-monitoring")["//"].facts).toEqual({ secretPurpose: "agent-token" });
    expect(secretAt(plan, "gateway-jwt-secret")["//"].facts).toBeUndefined();
  });

  it("outputs each secret's ARN and name under fixed output names, never a value", () => {
    const outputs = plan.output as Record<string, { value: string; description: string }>;
    expect(Object.keys(outputs).sort()).toEqual(store.all.flatMap((s) => [`secret_${s.key.replace(/[^a-z0-9]+/g, "_")}_arn`, `secret_${s.key.replace(/[^a-z0-9]+/g, "_")}_name`]).sort());
    expect(outputs.secret_agent_token_ops_arn.value).toMatch(/^\$\{aws_secretsmanager_secret\.secrets_agent-token-ops_\w+\.arn\}$/);
    expect(outputs.secret_model_api_key_name).toEqual({ value: "mcp/t/model-api-key", description: "Name of the secret (Put by a person; alarm when older than 30 days)" });
  });

  it("names every agent token by one ARN prefix, for grants on all of them", () => {
    expect(store.agentTokenArns).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/t/agent-token/*");
    expect(store.isAgentToken(store.agentTokens.ops)).toBe(true);
    expect(store.isAgentToken(store.gatewayJwtSecret)).toBe(false);
  });

  it("cannot say when a value exists: a store alone makes none", () => {
    expect(() => store.gatewayJwtSecret.currentValue()).toThrow("t/secrets: nothing in this plan gives mcp/t/gateway-jwt-secret a value to wait for");
  });

  describe("per auth mode", () => {
    const build = (authMode: "ibmi" | "oauth" | "none") => {
      const f = secretsFixture();
      const s = new SecretStore(f.stack, "secrets", storeProps(f, { authMode, agentTokenHours: { rotation: 6, lifetime: 12 } }));
      return { store: s, plan: synthBare(f.stack) };
    };

    it("ibmi: adds the RSA key pair, generated by the function; agent tokens are 48-character random strings", () => {
      const { store: s, plan: p } = build("ibmi");
      expect(s.all.map((x) => x.key).slice(0, 2)).toEqual(["model-api-key", "ibmi-auth-key-pair"]);
      expect(secretAt(p, "ibmi-auth-key-pair").tags).toEqual({ "mcp-secret-kind": "rsa-key-pair" });
      expect(secretAt(p, "agent-token-ops").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "48" });
    });

    it("oauth: agent tokens are ES256 JWTs re-minted every agentTokenHours.rotation hours; no key pair", () => {
      const { store: s, plan: p } = build("oauth");
      expect(s.ibmiAuthKeyPair).toBeUndefined();
      expect(secretAt(p, "agent-token-ops").tags).toEqual({ "mcp-secret-kind": "agent-jwt", "mcp-token-client-id": "ops" });
      expect(secretAt(p, "agent-token-ops").description).toMatch(/\. Minted in AWS every 6 hours through kms:Sign with its group's key; expires 12 hours after minting\.$/);
    });

    it("none: random tokens, no key pair", () => {
      const { store: s, plan: p } = build("none");
      expect(s.ibmiAuthKeyPair).toBeUndefined();
      expect(secretAt(p, "agent-token-monitoring").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "48" });
    });
  });

  it("keeps a deleted secret restorable recoveryWindowDays when set", () => {
    const f = secretsFixture();
    new SecretStore(f.stack, "secrets", storeProps(f, { recoveryWindowDays: 7 }));
    for (const [, s] of resources(synthBare(f.stack), "aws_secretsmanager_secret")) expect(s.recovery_window_in_days).toBe(7);
  });

  describe("grantDecryptThroughSecretsManager and grantRead", () => {
    let granted: TerraformJson;
    beforeAll(() => {
      const f = secretsFixture();
      const s = new SecretStore(f.stack, "secrets", storeProps(f));
      const role = new ServiceRole(f.stack, "reader", { env: f.env, name: "mcp-t-reader", assumedBy: "ecs-tasks.amazonaws.com", description: "test reader" });
      s.agentTokens.ops.grantRead(role);
      s.modelApiKey.grantRead(role);
      granted = synthBare(f.stack);
    });

    it("adds GetSecretValue on exactly each secret read", () => {
      const st = policyStatements(granted, "reader/policy");
      expect(st.filter((x) => x.Sid.startsWith("Read"))).toEqual([
        { Sid: "ReadAgentTokenOps", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_agent-token-ops_\w+\.arn\}$/) },
        { Sid: "ReadModelApiKey", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_model-api-key_\w+\.arn\}$/) },
      ]);
    });

    it("grants decrypt once per role, only through Secrets Manager, in the role and the key policy", () => {
      const use = policyStatements(granted, "reader/policy").filter((x) => x.Sid.startsWith("UseKey"));
      expect(use).toEqual([
        { Sid: "UseKeyReadSecretsReader", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: expect.stringMatching(KEY_ARN), Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } },
      ]);
      const key = JSON.parse(resourceAt(granted, "aws_kms_key", "key/key").policy);
      expect(key.Statement.filter((x: any) => x.Sid === "ReadSecretsReader")).toHaveLength(1);
    });
  });

  describe("refuses props outside what AWS and the kit allow, naming the prop and value", () => {
    const attempt = (overrides: Parameters<typeof storeProps>[1]) => () => {
      const f = secretsFixture();
      new SecretStore(f.stack, "secrets", storeProps(f, overrides));
    };
    it.each([
      [{ rotationDays: 91 }, "t/secrets: rotationDays 91 must be 1 to 90"],
      [{ rotationDays: 0 }, "t/secrets: rotationDays 0 must be 1 to 90"],
      [{ recoveryWindowDays: 6 }, "t/secrets: recoveryWindowDays 6 must be 7 to 30 (Secrets Manager limits)"],
      [{ recoveryWindowDays: 31 }, "t/secrets: recoveryWindowDays 31 must be 7 to 30 (Secrets Manager limits)"],
      [{ agents: [{ name: "ops" }, { name: "ops" }] }, "t/secrets: agent names repeat"],
      [{ rotationDays: 5, agentTokenRotationDays: 6 }, "t/secrets: agentTokenRotationDays 6 must be 1 to rotationDays (5)"],
      [{ agentTokenHours: { rotation: 3, lifetime: 12 } }, "t/secrets: agentTokenHours rotation 3 must be 4 to 23 and lifetime 12 at least twice that"],
      [{ agentTokenHours: { rotation: 6, lifetime: 11 } }, "t/secrets: agentTokenHours rotation 6 must be 4 to 23 and lifetime 11 at least twice that"],
    ])("%j", (overrides, message) => {
      expect(attempt(overrides)).toThrow(message);
    });
  });
});
