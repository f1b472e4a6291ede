import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { formatProblem, validateConfig } from "../../config/load";
import { SecurityAlerts } from "../../constructs/alerts";
import { AuditLogs } from "../../constructs/audit-logs";
import { EncryptionKey } from "../../constructs/encryption-key";
import { Secrets } from "../../constructs/secrets";
import { McpStack } from "../../stacks/mcp-stack";
import { TerraformJson } from "../../policy/types";
import { CONFIG_DIR, resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";

const KEY_ARN = /^\$\{aws_kms_key\.encryption-key_\w+\.arn\}$/;
const ref = (type: string, pathPart: string, attr = "arn") => new RegExp(`^\\$\\{${type}\\.${pathPart}_[\\w-]+\\.${attr}\\}$`);

/** The secrets this construct makes (other constructs add their own). */
const kitSecrets = (plan: TerraformJson) => resources(plan, "aws_secretsmanager_secret").filter(([, s]) => String(s["//"]?.metadata?.path).includes("/secrets/"));

function statements(plan: TerraformJson, pathSuffix: string): any[] {
  return JSON.parse(resourceAt(plan, "aws_iam_role_policy", pathSuffix).policy).Statement;
}

/** Secrets as McpStack composes it (SecretStore, RotationFunction, SecretAgeCheck: their own tests), on the shipped configs. */
describe("Secrets", () => {
  let prod: TerraformJson;
  let dev: TerraformJson;
  let prodStack: McpStack;
  const cfg = shippedConfigs();
  beforeAll(() => {
    // jwt mode (as during a migration): its tier signing secrets are what several tests here look at; oauth-tokens.test.ts has oauth.
    ({ plan: prod, stack: prodStack } = synthStack(variant("prod", (c) => (c.mcpServer.authMode = "jwt"))));
    dev = shippedPlan("dev");
  });

  it("keeps every secret under mcp/<env>/, one token per agent group, none with a value", () => {
    const names = kitSecrets(prod)
      .map(([, s]) => s.name)
      .sort();
    expect(names).toEqual(
      ["mcp/prod/gateway-admin-password", "mcp/prod/gateway-encryption-secret", "mcp/prod/gateway-jwt-secret", "mcp/prod/ibmi-service-credentials", "mcp/prod/model-api-key", ...cfg.prod.agents.map((a) => `mcp/prod/agent-token/${a.name}`)].sort(),
    );
    expect(resources(prod, "aws_secretsmanager_secret_version")).toEqual([]);
    expect(Object.keys(prodStack.secrets.agentTokens)).toEqual(cfg.prod.agents.map((a) => a.name));
  });

  it("encrypts every secret with the environment key and keeps deleted ones restorable (30 days prod, 7 dev)", () => {
    for (const [, s] of kitSecrets(prod)) {
      expect(s.kms_key_id).toMatch(KEY_ARN);
      expect(s.recovery_window_in_days).toBe(30);
    }
    for (const [, s] of kitSecrets(dev)) expect(s.recovery_window_in_days).toBe(7);
  });

  it("rotates every generated secret through the kit's function within rotationDays, first on apply", () => {
    // The gateway encryption secret and admin password are generated once and never rotated (their own tests below).
    const generated = kitSecrets(prod).filter(([, s]) => s.tags["mcp-secret-kind"] && s.tags["mcp-secret-rotation"] !== "never");
    const rotations = resources(prod, "aws_secretsmanager_secret_rotation")
      .filter(([, r]) => String(r["//"]?.metadata?.path).includes("/secrets/"))
      .map(([, r]) => r);
    expect(rotations).toHaveLength(generated.length);
    expect(generated.length).toBe(1 + cfg.prod.agents.length);
    for (const r of rotations) {
      // Agent JWTs are re-minted weekly (and whenever their tier's key rotates): test/constructs/agent-tokens.test.ts.
      expect(r.rotation_rules.automatically_after_days).toBe(String(r.secret_id).includes("agent-token") ? 7 : cfg.prod.secrets.rotationDays);
      expect(r.rotation_rules.automatically_after_days).toBeLessThanOrEqual(90);
      expect(r.rotate_immediately).toBe(true);
      expect(r.rotation_lambda_arn).toMatch(ref("aws_lambda_function", "secrets_rotation"));
      expect(r.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_lambda_permission\./), expect.stringMatching(/^aws_lambda_function\./)]));
    }
    const rotated = rotations.map((r) => r.secret_id).sort();
    expect(rotated).toEqual(generated.map(([addr]) => `\${${addr}.arn}`).sort());
  });

  it("tells the function what to generate: a 64-character secret, agent JWTs (jwt mode), a 32-character password", () => {
    const tags = Object.fromEntries(kitSecrets(prod).map(([, s]) => [s.name, s.tags]));
    const gateway = "arn:aws:ecs:us-east-1:123456789012:service/mcp-prod/mcp-prod-gateway";
    expect(tags["mcp/prod/gateway-jwt-secret"]).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "64", "mcp-restart-service": gateway });
    expect(tags["mcp/prod/agent-token/ops"]).toMatchObject({ "mcp-secret-kind": "agent-jwt", "mcp-token-client-id": "ops" });
    // Generated once: Context Forge v0.7.0 reads PLATFORM_ADMIN_PASSWORD only to create a missing admin
    // (mcpgateway/bootstrap_db.py:72-75), so a rotation would change nothing the gateway checks, and restart it for nothing.
    expect(tags["mcp/prod/gateway-admin-password"]).toEqual({ "mcp-secret-kind": "password", "mcp-secret-length": "32", "mcp-secret-rotation": "never" });
    expect(tags["mcp/prod/gateway-encryption-secret"]).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "64", "mcp-secret-rotation": "never" });
    expect(tags["mcp/prod/model-api-key"]).toEqual({ "mcp-secret-rotated-by": "person" });
    expect(tags["mcp/prod/ibmi-service-credentials"]).toEqual({ "mcp-secret-rotated-by": "person" });
  });

  describe("the gateway encryption secret (AUTH_ENCRYPTION_SECRET)", () => {
    const addr = () => kitSecrets(prod).find(([, s]) => s.name === "mcp/prod/gateway-encryption-secret")![0];
    const addrOf = (key: string) => kitSecrets(prod).find(([, s]) => s.name === `mcp/prod/${key}`)![0];

    it("has no rotation schedule and no Secrets Manager invoke permission: nothing rotates it", () => {
      const arn = `\${${addr()}.arn}`;
      expect(resources(prod, "aws_secretsmanager_secret_rotation").filter(([, r]) => r.secret_id === arn)).toEqual([]);
      expect(resources(prod, "aws_lambda_permission").filter(([, p]) => p.source_arn === arn)).toEqual([]);
    });

    it("is generated inside AWS on apply: one create-only invocation of the rotation function naming it, no value in the plan", () => {
      // Besides the waits for first values, and the admin password's own GenerateOnce (its test below).
      const invocations = resources(prod, "aws_lambda_invocation")
        .map(([, i]) => i)
        .filter((i) => JSON.parse(i.input).GenerateOnce === `\${${addr()}.arn}`);
      expect(invocations).toHaveLength(1);
      const [inv] = invocations;
      expect(inv.function_name).toMatch(ref("aws_lambda_function", "secrets_rotation_function", "function_name"));
      expect(JSON.parse(inv.input)).toEqual({ GenerateOnce: `\${${addr()}.arn}` });
      expect(inv.lifecycle_scope).toBe("CREATE_ONLY");
      // The function, then the VPC endpoints it reaches AWS through (MCP-DEPLOY-018).
      expect(inv.depends_on[0]).toMatch(/^aws_lambda_function\.secrets_rotation_function_/);
      expect(inv.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_vpc_endpoint\.network_endpoint-secretsmanager_/)]));
      expect(resources(prod, "aws_secretsmanager_secret_version")).toEqual([]);
    });

    it("lets the function only see whether it has a value and put the first one", () => {
      const once = statements(prod, "secrets/rotation/role/policy").filter((s) => [s.Resource].flat().includes(`\${${addr()}.arn}`));
      // The same two actions for the other generated-once secret, the gateway admin password, and nothing else.
      expect(once).toEqual([{ Sid: "GenerateOnceSecrets", Effect: "Allow", Action: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], Resource: [`\${${addrOf("gateway-admin-password")}.arn}`, `\${${addr()}.arn}`] }]);
    });

    it("carries the MCP-SEC-002 suppression with its reason, and says so in its description", () => {
      const s = resourceAt(prod, "aws_secretsmanager_secret", "secrets/gateway-encryption-secret");
      expect(s["//"].suppressions).toEqual({ "MCP-SEC-002": expect.stringContaining("a scheduled rotation would make them unreadable") });
      expect(s.description).toContain("Generated once in AWS on apply, never rotated automatically");
      expect(s.kms_key_id).toMatch(KEY_ARN);
    });
  });

  describe("the gateway admin password (PLATFORM_ADMIN_PASSWORD)", () => {
    const arn = () => `\${${kitSecrets(prod).find(([, s]) => s.name === "mcp/prod/gateway-admin-password")![0]}.arn}`;

    it("is generated once on apply and never rotated, with the reason recorded: the gateway reads it only to create its first admin", () => {
      // Context Forge v0.7.0 mcpgateway/bootstrap_db.py:72-75: an existing admin is kept ("already exists - skipping
      // creation"), so a rotated value would never become the login.
      expect(resources(prod, "aws_secretsmanager_secret_rotation").filter(([, r]) => r.secret_id === arn())).toEqual([]);
      const gen = resources(prod, "aws_lambda_invocation")
        .map(([, i]) => i)
        .filter((i) => JSON.parse(i.input).GenerateOnce === arn());
      expect(gen.map((i) => i.lifecycle_scope)).toEqual(["CREATE_ONLY"]);
      const s = resourceAt(prod, "aws_secretsmanager_secret", "secrets/gateway-admin-password");
      expect(s["//"].suppressions).toEqual({ "MCP-SEC-002": expect.stringContaining("reads it only to create its first administrator") });
      expect(s.tags["mcp-restart-service"]).toBeUndefined();
    });
  });

  describe("first values of rotated secrets a task reads at start", () => {
    it("makes the gateway wait for its JWT secret to be current, not merely for its rotation to start", () => {
      // RotateSecret is asynchronous: a task that finds no AWSCURRENT fails, and three failures stop the first deployment.
      const jwt = `\${${kitSecrets(prod).find(([, s]) => s.name === "mcp/prod/gateway-jwt-secret")![0]}.arn}`;
      const [addr, wait] = resources(prod, "aws_lambda_invocation").find(([, i]) => JSON.parse(i.input).WaitForCurrent === jwt)!;
      expect(wait.lifecycle_scope).toBe("CREATE_ONLY");
      expect(wait.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_secretsmanager_secret_rotation\.secrets_rotation-gateway-jwt-secret_/)]));
      expect(resourceAt(prod, "aws_ecs_service", "gateway/service").depends_on).toContain(addr);
    });
  });

  describe("restarting the gateway after its secrets rotate", () => {
    const GATEWAY = "arn:aws:ecs:us-east-1:123456789012:service/mcp-prod/mcp-prod-gateway";

    it("lets the rotation role update exactly the gateway service, the one the stack runs", () => {
      const st = statements(prod, "secrets/rotation/role/policy").filter((s) => [s.Action].flat().includes("ecs:UpdateService"));
      expect(st.find((s) => s.Sid === "RestartGatewayOnSecretRotation")).toEqual({ Sid: "RestartGatewayOnSecretRotation", Effect: "Allow", Action: "ecs:UpdateService", Resource: GATEWAY });
      // Two grants on it: its own secrets' rotations, and RDS's rotation of its database password (restartOnServiceRotation).
      expect(st.filter((s) => [s.Resource].flat().some((r: string) => r.endsWith("-gateway"))).map((s) => [s.Sid, s.Resource])).toEqual([
        ["RestartGatewayOnSecretRotation", GATEWAY],
        ["RestartGatewayDatabaseOnServiceRotation", GATEWAY],
      ]);
      expect(resourceAt(prod, "aws_ecs_service", "gateway/service").name).toBe("mcp-prod-gateway");
      expect(resourceAt(prod, "aws_ecs_cluster", "cluster/cluster").name).toBe("mcp-prod");
      expect(prodStack.gateway.serviceArn).toBe(GATEWAY);
    });

    it("refuses a secret the function does not rotate on a schedule, and a second service for one secret", () => {
      const stack = new McpStack(Testing.app(), cfg.dev);
      const arn = stack.gateway.serviceArn;
      expect(() => stack.secrets.restartOnRotation("other", arn, [stack.secrets.gatewayEncryptionSecret])).toThrow(
        "mcp-dev/secrets: mcp/dev/gateway-encryption-secret is not rotated by the kit's function on a schedule, so nothing would restart other",
      );
      expect(() => stack.secrets.restartOnRotation("other", arn, [stack.secrets.modelApiKey])).toThrow("mcp-dev/secrets: mcp/dev/model-api-key is not rotated by the kit's function on a schedule, so nothing would restart other");
      expect(() => stack.secrets.restartOnRotation("other", arn, [stack.secrets.gatewayJwtSecret])).toThrow(`mcp-dev/secrets: mcp/dev/gateway-jwt-secret already restarts ${arn}`);
    });
  });

  it("lets Secrets Manager invoke the rotation function once per secret, scoped by source ARN", () => {
    const perms = resources(prod, "aws_lambda_permission")
      .map(([, p]) => p)
      .filter((p) => p.principal === "secretsmanager.amazonaws.com" && String(p["//"]?.metadata?.path).includes("/secrets/"));
    expect(perms).toHaveLength(1 + cfg.prod.agents.length);
    for (const p of perms) {
      expect(p.action).toBe("lambda:InvokeFunction");
      expect(p.source_arn).toMatch(ref("aws_secretsmanager_secret", "secrets_[\\w-]+"));
      expect(p.statement_id).toMatch(/^SecretsManagerRotates[A-Za-z0-9]+$/);
    }
  });

  it("runs the rotation function in the private subnets, unreserved, logging to an encrypted group, with time to wait for a signing secret", () => {
    const fn = resourceAt(prod, "aws_lambda_function", "secrets/rotation/function");
    // 90 s: an agent token's first rotation may wait 60 s for its signing secret's first value (functions/rotate-secret).
    expect(fn).toMatchObject({ function_name: "mcp-prod-rotate-secret", runtime: "nodejs24.x", handler: "index.handler", timeout: 90 });
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(fn.vpc_config.subnet_ids).toHaveLength(3);
    expect(fn.vpc_config.security_group_ids).toEqual([expect.stringMatching(ref("aws_security_group", "secrets_rotation_security-group", "id"))]);
    expect(fn.logging_config).toEqual({ log_format: "Text", log_group: expect.stringMatching(ref("aws_cloudwatch_log_group", "audit-logs_lambda-rotate-secret", "name")) });
    expect(fn.filename).toMatch(/^assets\/secrets_rotation_code_\w+\/\w+\/rotate-secret-[0-9a-f]{16}\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(fn.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_iam_role_policy\.secrets_rotation_role_policy_/)]));
    const group = resourceAt(prod, "aws_cloudwatch_log_group", "audit-logs/lambda-rotate-secret");
    expect(group).toMatchObject({ name: "/mcp/prod/lambda-rotate-secret", retention_in_days: 365 });
    expect(group.kms_key_id).toMatch(KEY_ARN);
  });

  it("reserves concurrency only when the config opts in (functions.reservedConcurrency), for both functions", () => {
    const { plan } = synthStack(variant("dev", (c) => (c.functions.reservedConcurrency = 2)));
    expect(resourceAt(plan, "aws_lambda_function", "secrets/rotation/function").reserved_concurrent_executions).toBe(2);
    expect(resourceAt(plan, "aws_lambda_function", "secrets/age-check/function").reserved_concurrent_executions).toBe(2);
    expect(resources(dev, "aws_lambda_function").filter(([, f]) => "reserved_concurrent_executions" in f)).toEqual([]);
  });

  it("starts every run of its functions during apply only after the VPC endpoints, their rules and routes exist", () => {
    const endpoints = resources(prod, "aws_vpc_endpoint").map(([a]) => a);
    const associations = resources(prod, "aws_route_table_association").map(([a]) => a);
    expect(endpoints).toHaveLength(10); // the six defaults, ecs, monitoring (the auth canary), elasticache (the gateway cache-password function), the S3 gateway
    expect(associations).toHaveLength(3);
    const runs = [...resources(prod, "aws_secretsmanager_secret_rotation"), ...resources(prod, "aws_lambda_invocation"), ...resources(prod, "aws_cloudwatch_event_target").filter(([, t]) => String(t.arn).includes("aws_lambda_function"))];
    expect(runs.length).toBeGreaterThan(5);
    for (const [what, r] of runs) expect([what, r.depends_on]).toEqual([what, expect.arrayContaining([...endpoints, ...associations])]);
  });

  it("lets the function's security group reach only the VPC endpoints on 443", () => {
    expect(resources(prod, "aws_vpc_security_group_ingress_rule").filter(([, r]) => String(r["//"]?.metadata?.path).includes("/secrets/"))).toEqual([]);
    const egress = resources(prod, "aws_vpc_security_group_egress_rule").filter(([, r]) => String(r["//"]?.metadata?.path).includes("/secrets/rotation/"));
    expect(egress.map(([, r]) => [r.from_port, r.to_port, r.ip_protocol, r.referenced_security_group_id])).toEqual([[443, 443, "tcp", expect.stringMatching(ref("aws_security_group", "network_endpoints", "id"))]]);
  });

  it("gives the rotation role exactly the Secrets Manager actions on exactly the generated secrets", () => {
    const st = statements(prod, "secrets/rotation/role/policy");
    // RotateTierSigningSecrets: the per-tier MCP signing secrets (constructs/tier-signing-secrets.ts) use this function too.
    // RemintAgentTokens, InvokeOwnRotation, RestartTiersOnKeyRotation: a signing-key rotation re-mints its tier's tokens and
    // restarts the tier (test/constructs/agent-tokens.test.ts).
    expect(st.map((s) => s.Sid)).toEqual([
      "WriteOwnLogs",
      "ManageVpcNetworkInterfaces",
      "RotateGeneratedSecrets",
      "GenerateRandomValues",
      "GenerateOnceSecrets",
      "UseKeyRotationFunctionThroughSecretsManager",
      "RotateTierSigningSecrets",
      "RemintAgentTokens",
      "InvokeOwnRotation",
      "RestartTiersOnKeyRotation",
      "RestartGatewayOnSecretRotation",
      // The gateway again, on RDS's own rotation of its database password (Secrets.restartOnServiceRotation).
      "RestartGatewayDatabaseOnServiceRotation",
    ]);
    const rotate = st.find((s) => s.Sid === "RotateGeneratedSecrets");
    expect(rotate.Action).toEqual(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]);
    // Each generated secret by its ARN, but the agent tokens by one name prefix: one ARN each would pass IAM's
    // 10,240-character inline policy limit from about 40 agent groups (MCP-DEPLOY-019).
    const generated = kitSecrets(prod).filter(([, s]) => s.tags["mcp-secret-kind"] && s.tags["mcp-secret-rotation"] !== "never");
    const tokens = generated.filter(([, s]) => s.name.startsWith("mcp/prod/agent-token/"));
    expect(tokens.length).toBeGreaterThan(1);
    const others = generated.filter((g) => !tokens.includes(g)).map(([addr]) => `\${${addr}.arn}`);
    expect([...rotate.Resource].sort()).toEqual([...others, "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/agent-token/*"].sort());
    expect(st.find((s) => s.Sid === "GenerateRandomValues")).toMatchObject({ Action: "secretsmanager:GetRandomPassword", Resource: "*" });
    expect(st.find((s) => s.Sid === "UseKeyRotationFunctionThroughSecretsManager").Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
  });

  it("names the rotation role in the key policy, only through Secrets Manager", () => {
    const key = JSON.parse(resourceAt(prod, "aws_kms_key", "encryption-key/key").policy);
    const s = key.Statement.find((x: any) => x.Sid === "RotationFunctionThroughSecretsManager");
    expect(s).toMatchObject({
      Principal: { AWS: expect.stringMatching(ref("aws_iam_role", "secrets_rotation_role")) },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
  });

  it("checks daily that the secrets only people rotate are set and younger than rotationDays", () => {
    const fn = resourceAt(prod, "aws_lambda_function", "secrets/age-check/function");
    // Every secret a person owns, the gateway admin password included: the kit seeds it, an operator changes it after.
    const personOwned = prodStack.secrets.all.filter((s) => s.rotation.by === "person" || (s.rotation.by === "aws-once" && s.rotation.thenPerson)).map((s) => s.name);
    expect(personOwned).toEqual(["mcp/prod/model-api-key", "mcp/prod/gateway-admin-password", "mcp/prod/ibmi-service-credentials"]);
    expect(JSON.parse(fn.environment.variables.SECRET_IDS)).toEqual(personOwned);
    expect(statements(prod, "secrets/age-check/role/policy").find((s) => s.Sid === "ReadVersionMetadata").Resource).toHaveLength(3);
    expect(fn.environment.variables.MAX_AGE_DAYS).toBe("30");
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(statements(prod, "secrets/age-check/role/policy").find((s) => s.Sid === "ReadVersionMetadata")).toMatchObject({ Action: "secretsmanager:ListSecretVersionIds" });
    expect(resourceAt(prod, "aws_cloudwatch_event_rule", "secrets/age-check-schedule").schedule_expression).toBe("rate(1 day)");
    const invoke = resourceAt(prod, "aws_lambda_permission", "secrets/age-check-invoke");
    expect(invoke).toMatchObject({ principal: "events.amazonaws.com", source_arn: expect.stringMatching(ref("aws_cloudwatch_event_rule", "secrets_age-check-schedule")) });
    expect(resourceAt(prod, "aws_cloudwatch_log_metric_filter", "alerts/filter-stale-secrets").pattern).toBe('"MCP_SECRET_STALE"');
    expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-stale-secrets")).toMatchObject({ metric_name: "StaleSecrets", period: 86400, threshold: 1, treat_missing_data: "notBreaching" });
    expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-rotation-errors")).toMatchObject({ namespace: "AWS/Lambda", metric_name: "Errors" });
  });

  it("re-checks hourly the follow-ups of every secret that has some (each tier signing secret, the gateway's JWT secret)", () => {
    const target = resourceAt(prod, "aws_cloudwatch_event_target", "secrets/follow-up-target");
    const signers = resources(prod, "aws_secretsmanager_secret")
      .filter(([, r]) => String(r.name).includes("/tier-signing-secret/"))
      .map(([id]) => `\${${id}.arn}`);
    expect(signers.length).toBeGreaterThan(0);
    const listed: string[] = JSON.parse(target.input).FollowUps;
    expect(listed.filter((a) => !signers.includes(a))).toEqual([expect.stringMatching(ref("aws_secretsmanager_secret", "secrets_gateway-jwt-secret"))]);
    expect(signers.filter((a) => !listed.includes(a))).toEqual([]);
    expect(target.arn).toMatch(ref("aws_lambda_function", "secrets_rotation_function"));
    expect(resourceAt(prod, "aws_cloudwatch_event_rule", "secrets/follow-up-schedule").schedule_expression).toBe("rate(1 hour)");
    expect(resourceAt(prod, "aws_lambda_permission", "secrets/follow-up-invoke")).toMatchObject({ principal: "events.amazonaws.com", source_arn: expect.stringMatching(ref("aws_cloudwatch_event_rule", "secrets_follow-up-schedule")) });
    // The alarm spans two hourly checks, so a follow-up that keeps failing keeps it raised.
    expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-follow-ups-failed").period).toBe(7200);
  });

  it("counts the rotation function's follow-up failures and cleared stale versions apart, each with its own alarm saying what failed", () => {
    const rotationLogs = resourceAt(prod, "aws_lambda_function", "secrets/rotation/function").logging_config.log_group;
    for (const [id, metric, marker] of [
      ["secret-follow-ups-failed", "RotationFollowUpsFailed", "MCP_ROTATION_FOLLOW_UP_FAILED"],
      ["secret-stale-pending-cleared", "StalePendingCleared", "MCP_ROTATION_STALE_PENDING_CLEARED"],
    ]) {
      const filter = resourceAt(prod, "aws_cloudwatch_log_metric_filter", `alerts/filter-${id}`);
      expect(filter).toMatchObject({ pattern: `"${marker}"`, log_group_name: rotationLogs, metric_transformation: { name: metric } });
      expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", `alerts/alarm-${id}`)).toMatchObject({ metric_name: metric, threshold: 1 });
    }
    expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-follow-ups-failed").alarm_description).toContain(`aws lambda invoke --function-name mcp-prod-rotate-secret --payload '{"FollowUp":"<secret ARN>"}'`);
    expect(resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-rotation-errors").alarm_description).not.toContain("keeps its old value");
  });

  it("outputs every secret's ARN and name, never a value", () => {
    const outputs = prod.output as Record<string, { value: string }>;
    const secrets = kitSecrets(prod);
    expect(Object.keys(outputs).filter((k) => k.startsWith("secret_"))).toHaveLength(secrets.length * 2);
    expect(outputs.secret_agent_token_ops_arn.value).toMatch(ref("aws_secretsmanager_secret", "secrets_agent-token-ops"));
    expect(outputs.secret_model_api_key_name.value).toBe("mcp/prod/model-api-key");
  });

  it("makes an RSA key pair in ibmi auth mode (agent tokens stay random strings there), neither in oauth mode", () => {
    const ibmi = synthStack(variant("prod", (c) => (c.mcpServer.authMode = "ibmi")));
    const names = kitSecrets(ibmi.plan).map(([, s]) => s.name);
    expect(names).toContain("mcp/prod/ibmi-auth-key-pair");
    // Every tier loads the pair once per process (IBM/ibmi-mcp-server v0.5.1 packages/server/src/ibmi-mcp-server/auth/
    // crypto.ts:32-63, loadKeyPair caches it; :167 refuses an envelope of another keyId): each rotation restarts them all.
    const tierIds = ibmi.stack.mcp.tiers.map((t) => t.id);
    expect(tierIds.length).toBeGreaterThan(1);
    const restart = Object.fromEntries(tierIds.map((id) => [`mcp-restart-service:${id}`, `arn:aws:ecs:us-east-1:123456789012:service/mcp-prod/mcp-prod-${id}`]));
    expect(resourceAt(ibmi.plan, "aws_secretsmanager_secret", "secrets/ibmi-auth-key-pair").tags).toEqual({ "mcp-secret-kind": "rsa-key-pair", ...restart });
    expect(statements(ibmi.plan, "secrets/rotation/role/policy").find((s) => s.Sid === "RestartTiersOnSecretRotation")).toMatchObject({ Action: "ecs:UpdateService", Resource: Object.values(restart) });
    expect(resourceAt(ibmi.plan, "aws_secretsmanager_secret", "secrets/agent-token-ops").tags).toEqual({ "mcp-secret-kind": "token", "mcp-secret-length": "48" });
    // Built beside a dev stack's own Secrets: the service wiring takes no oauth mode yet.
    const stack = new McpStack(Testing.app(), cfg.dev);
    const env = { ...stack.env, environment: "oauth" };
    const key = new EncryptionKey(stack, "oauth-key", { env });
    const logs = new AuditLogs(stack, "oauth-logs", { env, key, retentionDays: 90 });
    const alerts = new SecurityAlerts(stack, "oauth-alerts", { env, key, authFailuresPerHour: 10, mcpServerLogs: logs.mcpServer, gatewayLogs: logs.gateway });
    const oauth = new Secrets(stack, "oauth-secrets", { env, key, network: stack.network, logs, alerts, rotationDays: 30, authMode: "oauth", agents: [{ name: "ops" }] });
    expect(oauth.all.map((x) => x.name)).toEqual([
      "mcp/oauth/model-api-key",
      "mcp/oauth/agent-token/ops",
      "mcp/oauth/gateway-jwt-secret",
      "mcp/oauth/gateway-admin-password",
      "mcp/oauth/gateway-encryption-secret",
      "mcp/oauth/ibmi-service-credentials",
    ]);
  });

  it("refuses a rotation period over 90 days, in config and in the construct", () => {
    const raw = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, "dev.json"), "utf8"));
    raw.secrets.rotationDays = 91;
    expect(validateConfig(raw, "config/dev.json").problems.map(formatProblem)).toEqual(["config/dev.json: secrets.rotationDays: rotates every 91 days; the kit's limit is 90 (got 91). Fix: set 90 or fewer (30 is the default)."]);
    const stack = new McpStack(Testing.app(), cfg.dev);
    expect(() => new Secrets(stack, "more-secrets", { env: stack.env, key: stack.key, network: stack.network, logs: stack.logs, alerts: stack.alerts, rotationDays: 91, authMode: "jwt", agents: [] })).toThrow(
      "mcp-dev/more-secrets: rotationDays 91 must be 1 to 90",
    );
  });
});
