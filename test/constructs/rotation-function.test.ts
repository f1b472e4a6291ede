import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { RotationFunction } from "../../constructs/rotation-function";
import { SecretStore } from "../../constructs/secret-store";
import { TerraformJson } from "../../policy/types";
import { resourceAt, resources } from "../plans";
import { synthBare } from "./bare-stack";
import { policyStatements, secretsFixture, storeProps } from "./secret-fixture";

const ref = (type: string, name: string, attr = "arn") => new RegExp(`^\\$\\{${type}\\.${name}_\\w+\\.${attr}\\}$`);
const SECRET_ARN = (key: string) => ref("aws_secretsmanager_secret", `secrets_${key}`);
const FUNCTION_NAME = ref("aws_lambda_function", "secrets_rotation_function", "function_name");
const GATEWAY = "arn:aws:ecs:us-east-1:123456789012:service/mcp-t/mcp-t-gateway";

/** A store (jwt mode: agent tokens wait for their signer) and its rotation function, as Secrets composes them. */
function build(mintsWithKms = false) {
  const f = secretsFixture();
  const store = new SecretStore(f.stack, "secrets", storeProps(f, mintsWithKms ? { authMode: "oauth" } : {}));
  const fn = new RotationFunction(store, "rotation", { env: f.env, network: f.network, logs: f.logs, alerts: f.alerts, rotationDays: 30, mintsWithKms });
  return { f, store, fn, synth: () => synthBare(f.stack) };
}

describe("RotationFunction", () => {
  let plan: TerraformJson;
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build();
    plan = built.synth();
  });

  it("is the rotate-secret function in the private subnets, with time to wait for a signing secret's first value", () => {
    const fn = resourceAt(plan, "aws_lambda_function", "secrets/rotation/function");
    // 90 s: SIGNER_WAIT_SECONDS (60, functions/rotate-secret/contract.ts) for an agent token's signer, and 30 to spare.
    expect(fn).toMatchObject({ function_name: "mcp-t-rotate-secret", handler: "index.handler", timeout: 90 });
    expect(fn.filename).toMatch(/\/rotate-secret-[0-9a-f]{16}\.zip$/);
    expect(fn.vpc_config.subnet_ids).toHaveLength(2);
    expect(built.fn.arnFromName).toBe("arn:aws:lambda:us-east-1:123456789012:function:mcp-t-rotate-secret");
    // Without oauth it reaches AWS through the interface endpoints only, never S3.
    expect(resources(plan, "aws_vpc_security_group_egress_rule").filter(([, r]) => String(r["//"].metadata.path).includes("/rotation/") && r.prefix_list_id)).toEqual([]);
  });

  it("may act on exactly the secrets it generates: rotated ones by ARN, agent tokens by one name prefix, generate-once ones only to seed them", () => {
    const st = policyStatements(plan, "secrets/rotation/role/policy");
    expect(st.map((s) => s.Sid)).toEqual(["WriteOwnLogs", "ManageVpcNetworkInterfaces", "RotateGeneratedSecrets", "GenerateRandomValues", "GenerateOnceSecrets", "UseKeyRotationFunctionThroughSecretsManager"]);
    expect(st[2]).toEqual({
      Sid: "RotateGeneratedSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      Resource: [expect.stringMatching(SECRET_ARN("gateway-jwt-secret")), "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/t/agent-token/*"],
    });
    expect(st[3]).toMatchObject({ Action: "secretsmanager:GetRandomPassword", Resource: "*" });
    expect(st[4]).toMatchObject({ Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], Resource: [expect.stringMatching(SECRET_ARN("gateway-admin-password")), expect.stringMatching(SECRET_ARN("gateway-encryption-secret"))] });
    expect(st[5].Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
    const key = JSON.parse(resourceAt(plan, "aws_kms_key", "key/key").policy).Statement.find((s: any) => s.Sid === "RotationFunctionThroughSecretsManager");
    expect(key).toMatchObject({ Principal: { AWS: expect.stringMatching(ref("aws_iam_role", "secrets_rotation_role")) }, Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } });
  });

  it("rotates each generated secret every rotationDays, first on apply, once Secrets Manager may invoke it for that secret", () => {
    // jwt mode: agent tokens get theirs when a tier signs them (Secrets.signAgentToken); person-owned secrets none.
    const rotations = resources(plan, "aws_secretsmanager_secret_rotation");
    expect(rotations.map(([, r]) => r.secret_id)).toEqual([expect.stringMatching(SECRET_ARN("gateway-jwt-secret"))]);
    const [[, r]] = rotations;
    const [permission, perm] = resources(plan, "aws_lambda_permission").find(([, p]) => p.principal === "secretsmanager.amazonaws.com")!;
    expect(r).toMatchObject({ rotation_rules: { automatically_after_days: 30 }, rotate_immediately: true, rotation_lambda_arn: expect.stringMatching(ref("aws_lambda_function", "secrets_rotation_function")) });
    expect(r.depends_on).toEqual(expect.arrayContaining([permission, expect.stringMatching(/^aws_vpc_endpoint\./)]));
    expect(perm).toMatchObject({ statement_id: "SecretsManagerRotatesGatewayJwtSecret", action: "lambda:InvokeFunction", function_name: expect.stringMatching(FUNCTION_NAME), source_arn: r.secret_id });
  });

  it("makes readers of a rotated secret wait for its first value to be current, not for its rotation to start", () => {
    const [addr, wait] = resources(plan, "aws_lambda_invocation").find(([, i]) => "WaitForCurrent" in JSON.parse(i.input))!;
    expect(JSON.parse(wait.input)).toEqual({ WaitForCurrent: expect.stringMatching(SECRET_ARN("gateway-jwt-secret")) });
    expect(wait.lifecycle_scope).toBe("CREATE_ONLY");
    expect(wait.depends_on[0]).toMatch(/^aws_secretsmanager_secret_rotation\.secrets_rotation-gateway-jwt-secret_/);
    expect(addr).toMatch(/^aws_lambda_invocation\.secrets_first-value-gateway-jwt-secret_/);
    // One wait per secret, however many readers ask.
    expect(built.store.gatewayJwtSecret.firstValue).toEqual([built.fn.currentValueOf(built.store.gatewayJwtSecret)]);
  });

  it("generates each never-rotated secret once on apply, with the reason for not rotating it recorded as a suppression", () => {
    const once = resources(plan, "aws_lambda_invocation").filter(([, i]) => "GenerateOnce" in JSON.parse(i.input));
    expect(once.map(([, i]) => JSON.parse(i.input).GenerateOnce)).toEqual([expect.stringMatching(SECRET_ARN("gateway-admin-password")), expect.stringMatching(SECRET_ARN("gateway-encryption-secret"))]);
    for (const [, i] of once) expect(i).toMatchObject({ lifecycle_scope: "CREATE_ONLY", function_name: expect.stringMatching(FUNCTION_NAME) });
    expect(resourceAt(plan, "aws_secretsmanager_secret", "secrets/gateway-encryption-secret")["//"].suppressions).toEqual({ "MCP-SEC-002": expect.stringContaining("a scheduled rotation would make them unreadable") });
    expect(built.fn.currentValueOf(built.store.gatewayAdminPassword)).toBe(built.store.gatewayAdminPassword.firstValue[0]);
  });

  it("cannot wait for a value a person puts, nor for an agent token no tier has signed yet", () => {
    expect(() => built.fn.currentValueOf(built.store.modelApiKey)).toThrow("t/secrets: mcp/t/model-api-key gets its value from a person; nothing in the plan can wait for it");
    expect(() => built.fn.currentValueOf(built.store.agentTokens.ops)).toThrow("t/secrets: mcp/t/agent-token/ops has no rotation yet (an agent token gets it from its tier's signing secret)");
  });

  it("re-runs unfinished follow-ups hourly, and alarms on its errors, failed follow-ups and cleared stale versions apart", () => {
    expect(resourceAt(plan, "aws_cloudwatch_event_rule", "secrets/follow-up-schedule")).toMatchObject({ name: "mcp-t-rotation-follow-ups", schedule_expression: "rate(1 hour)" });
    expect(JSON.parse(resourceAt(plan, "aws_cloudwatch_event_target", "secrets/follow-up-target").input)).toEqual({ FollowUps: [] });
    expect(resourceAt(plan, "aws_lambda_permission", "secrets/follow-up-invoke")).toMatchObject({ principal: "events.amazonaws.com", source_arn: expect.stringMatching(ref("aws_cloudwatch_event_rule", "secrets_follow-up-schedule")) });
    const logGroup = resourceAt(plan, "aws_lambda_function", "secrets/rotation/function").logging_config.log_group;
    // The markers functions/rotate-secret logs (contract.ts FOLLOW_UP_FAILED_MARKER, STALE_PENDING_MARKER).
    expect(resourceAt(plan, "aws_cloudwatch_log_metric_filter", "alerts/filter-secret-follow-ups-failed")).toMatchObject({ log_group_name: logGroup, pattern: '"MCP_ROTATION_FOLLOW_UP_FAILED"' });
    expect(resourceAt(plan, "aws_cloudwatch_log_metric_filter", "alerts/filter-secret-stale-pending-cleared")).toMatchObject({ log_group_name: logGroup, pattern: '"MCP_ROTATION_STALE_PENDING_CLEARED"' });
    expect(resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-follow-ups-failed")).toMatchObject({ metric_name: "RotationFollowUpsFailed", period: 7200 });
    expect(resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-stale-pending-cleared")).toMatchObject({ metric_name: "StalePendingCleared", period: 3600 });
    expect(resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-rotation-errors")).toMatchObject({ namespace: "AWS/Lambda", metric_name: "Errors", dimensions: { FunctionName: expect.stringMatching(FUNCTION_NAME) } });
  });

  describe("what others add", () => {
    let added: TerraformJson;
    let b: ReturnType<typeof build>;
    beforeAll(() => {
      b = build();
      b.fn.rotate(b.store.agentTokens.ops, "rate(6 hours)", [], false);
      b.fn.restartOnRotation("gateway", GATEWAY, [b.store.gatewayJwtSecret]);
      b.fn.restartOnServiceRotation("gateway-database", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0000", { gateway: GATEWAY });
      b.fn.followUpOnSchedule({ arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:other" });
      b.fn.remint("ops", b.store.agentTokens.ops, "key-arn", []);
      added = b.synth();
    });

    it("rotate: a schedule expression, and the rotation itself as the first value when nothing waits for the value", () => {
      const r = resourceAt(added, "aws_secretsmanager_secret_rotation", "secrets/rotation-agent-token-ops");
      expect(r.rotation_rules).toEqual({ schedule_expression: "rate(6 hours)" });
      expect(b.store.agentTokens.ops.firstValue).toEqual([expect.any(SecretsmanagerSecretRotation)]);
      expect(resources(added, "aws_lambda_invocation").filter(([, i]) => JSON.parse(i.input).WaitForCurrent === r.secret_id)).toHaveLength(1); // the remint's wait below
    });

    it("restartOnRotation: names the service in the secret's tags, may update exactly it, and re-checks the secret hourly", () => {
      expect(resourceAt(added, "aws_secretsmanager_secret", "secrets/gateway-jwt-secret").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "64", "mcp-restart-service": GATEWAY });
      const st = policyStatements(added, "secrets/rotation/role/policy");
      expect(st.find((s) => s.Sid === "RestartGatewayOnSecretRotation")).toEqual({ Sid: "RestartGatewayOnSecretRotation", Effect: "Allow", Action: "ecs:UpdateService", Resource: GATEWAY });
      expect(JSON.parse(resourceAt(added, "aws_cloudwatch_event_target", "secrets/follow-up-target").input).FollowUps).toEqual([expect.stringMatching(SECRET_ARN("gateway-jwt-secret")), "arn:aws:secretsmanager:us-east-1:123456789012:secret:other"]);
    });

    it("restartOnServiceRotation: EventBridge on that secret's RotationSucceeded invokes it with the services fixed", () => {
      const rule = resourceAt(added, "aws_cloudwatch_event_rule", "secrets/gateway-database-rotated");
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationSucceeded"], additionalEventData: { SecretId: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0000"] } },
      });
      expect(resourceAt(added, "aws_cloudwatch_event_target", "secrets/gateway-database-rotated-target").input_transformer).toEqual({
        input_paths: { secret: "$.detail.additionalEventData.SecretId" },
        input_template: `{"RestartServices":{"secret":<secret>,"services":["${GATEWAY}"]}}`,
      });
      expect(resourceAt(added, "aws_lambda_permission", "secrets/gateway-database-rotated-invoke")).toMatchObject({ statement_id: "EventBridgeRestartOnGatewayDatabaseRotation", principal: "events.amazonaws.com" });
      expect(policyStatements(added, "secrets/rotation/role/policy").find((s) => s.Sid === "RestartGatewayDatabaseOnServiceRotation").Resource).toBe(GATEWAY);
    });

    it("remint: re-mints the token whenever the key changes, after its first value", () => {
      const inv = resourceAt(added, "aws_lambda_invocation", "secrets/remint-ops");
      expect(JSON.parse(inv.input)).toEqual({ Remint: expect.stringMatching(SECRET_ARN("agent-token-ops")) });
      expect(inv.triggers).toEqual({ signingKey: "key-arn" });
      expect(inv.depends_on[0]).toMatch(/^aws_lambda_invocation\.secrets_first-value-agent-token-ops_/);
    });
  });

  it("restartOnRotation refuses what would restart nothing or twice", () => {
    const { store, fn } = build();
    expect(() => fn.restartOnRotation("x", GATEWAY, [])).toThrow("t/secrets: x restarts on the rotation of no secret");
    expect(() => fn.restartOnRotation("x", {}, [store.gatewayJwtSecret])).toThrow("t/secrets: x names no service to restart");
    expect(() => fn.restartOnRotation("x", GATEWAY, [store.modelApiKey])).toThrow("t/secrets: mcp/t/model-api-key is not rotated by the kit's function on a schedule, so nothing would restart x");
    expect(() => fn.restartOnRotation("x", GATEWAY, [store.agentTokens.ops])).toThrow("t/secrets: mcp/t/agent-token/ops is not rotated by the kit's function on a schedule, so nothing would restart x");
    const other = build().store.gatewayJwtSecret;
    expect(() => fn.restartOnRotation("x", GATEWAY, [other])).toThrow("t/secrets: mcp/t/gateway-jwt-secret is not a secret of this construct");
    fn.restartOnRotation("x", GATEWAY, [store.gatewayJwtSecret]);
    expect(() => fn.restartOnRotation("y", GATEWAY, [store.gatewayJwtSecret])).toThrow(`t/secrets: mcp/t/gateway-jwt-secret already restarts ${GATEWAY}`);
    // Secrets Manager's 50 tags a secret, 10 kept for provider default tags: 2 of the secret's own, 38 services at most.
    const many = Object.fromEntries(Array.from({ length: 39 }, (_, i) => [`t${i}`, `${GATEWAY}-${i}`]));
    const fresh = build();
    expect(() => fresh.fn.restartOnRotation("tiers", many, [fresh.store.gatewayJwtSecret])).toThrow("t/secrets: mcp/t/gateway-jwt-secret cannot name 39 services to restart in its tags (at most 38)");
    expect(() => fn.restartOnServiceRotation("db", "arn", {})).toThrow("t/secrets: db names no service to restart");
  });

  it("mintsWithKms (oauth): may start a re-mint of any agent token and invoke itself for it, and reaches S3 for the JWKS", () => {
    const oauth = build(true).synth();
    const st = policyStatements(oauth, "secrets/rotation/role/policy");
    expect(st.slice(-2)).toEqual([
      { Sid: "RemintOauthAgentTokens", Effect: "Allow", Action: "secretsmanager:RotateSecret", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/t/agent-token/*" },
      { Sid: "InvokeOwnRotationToRemint", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:mcp-t-rotate-secret" },
    ]);
    const s3 = resources(oauth, "aws_vpc_security_group_egress_rule").filter(([, r]) => String(r["//"].metadata.path).includes("/rotation/") && r.prefix_list_id);
    expect(s3.map(([, r]) => [r.from_port, r.ip_protocol])).toEqual([[443, "tcp"]]);
  });
});
