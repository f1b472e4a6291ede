import { McpService, McpServiceProps } from "../../constructs/mcp-service";
import { pascal } from "../../constructs/secrets";
import { ReadableSecret } from "../../lib/container";
import { planTiers } from "../../lib/tiers";
import { TerraformJson } from "../../policy/types";
import { addressAt, refAt, shippedConfigs, synthStack, variant } from "../helpers";
import { resourceAt, resources, shippedPlan } from "../plans";

const containerOf = (plan: TerraformJson, tierId: string) => JSON.parse(resourceAt(plan, "aws_ecs_task_definition", `mcp/${tierId}/task`).container_definitions)[0];
const envOf = (c: any): Record<string, string> => Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
const policyOf = (plan: TerraformJson, pathSuffix: string) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", pathSuffix).policy);

describe("McpService (one per tier)", () => {
  const cfg = shippedConfigs();
  const prodTiers = planTiers(cfg.prod.agents);
  const ro = prodTiers.find((t) => t.readOnly)!;
  const rw = prodTiers.find((t) => !t.readOnly)!;
  let prod: TerraformJson;
  let dev: TerraformJson;
  beforeAll(() => {
    // jwt mode, as during a migration; oauth tiers: test/constructs/oauth-tokens.test.ts.
    prod = synthStack(variant("prod", (c) => (c.mcpServer.authMode = "jwt"))).plan;
    dev = shippedPlan("dev");
  });

  it("runs one service per tier in the private subnets, without public IP, with rollback and the configured count", () => {
    for (const t of prodTiers) {
      const s = resourceAt(prod, "aws_ecs_service", `mcp/${t.id}/service`);
      expect(s).toMatchObject({
        name: `mcp-prod-${t.id}`,
        launch_type: "FARGATE",
        platform_version: "LATEST",
        desired_count: 2,
        deployment_circuit_breaker: { enable: true, rollback: true },
        health_check_grace_period_seconds: 60,
        enable_execute_command: false,
        propagate_tags: "SERVICE",
        network_configuration: { assign_public_ip: false, security_groups: [refAt(prod, "aws_security_group", "agent-access/tasks/group", "id")] },
        load_balancer: [{ container_name: "ibmi-mcp-server", container_port: 3010, target_group_arn: refAt(prod, "aws_lb_target_group", `load-balancer/target-${t.id}`) }],
        service_registries: { registry_arn: refAt(prod, "aws_service_discovery_service", `mcp/${t.id}/discovery`) },
      });
      expect(s.network_configuration.subnets).toHaveLength(3);
      // ECS refuses a target group that no listener uses yet: the service waits for its listener rules, and for the
      // first rotation of its tier's signing secret, which its tasks read at start (the IBM i credentials a person puts).
      const rules = resources(prod, "aws_lb_listener_rule")
        .filter(([, r]) => r.tags.tier === t.id)
        .map(([a]) => a);
      expect(rules.length).toBeGreaterThan(0);
      // The tier's signing secret has its first value once this invocation returns.
      const signer = addressAt(prod, "aws_lambda_invocation", `tier-signing-secrets/first-value-${t.id}`);
      // Then the VPC endpoints, their rules, the route associations and the tasks' egress (MCP-DEPLOY-018).
      const network = [...resources(prod, "aws_vpc_endpoint"), ...resources(prod, "aws_route_table_association")].map(([a]) => a);
      expect(s.depends_on.slice(0, rules.length + 1)).toEqual([...rules, signer]);
      expect(s.depends_on).toEqual(expect.arrayContaining(network));
    }
    expect(resourceAt(prod, "aws_ecs_cluster", "cluster/cluster").setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  it("hardens the container: non-root, read-only root with a /tmp volume, all capabilities dropped, node health check, awslogs", () => {
    const c = containerOf(prod, ro.id);
    expect(c).toMatchObject({
      name: "ibmi-mcp-server",
      user: "appuser",
      readonlyRootFilesystem: true,
      privileged: false,
      essential: true,
      linuxParameters: { initProcessEnabled: true, capabilities: { add: [], drop: ["ALL"] } },
      portMappings: [{ containerPort: 3010, hostPort: 3010, protocol: "tcp" }],
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": refAt(prod, "aws_cloudwatch_log_group", "audit-logs/mcp-server", "name"), "awslogs-region": "us-east-1", "awslogs-stream-prefix": ro.id } },
    });
    expect(c.healthCheck.command.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(c.healthCheck.command[3]).toContain("http://127.0.0.1:3010/healthz");
    const td = resourceAt(prod, "aws_ecs_task_definition", `mcp/${ro.id}/task`);
    expect(td).toMatchObject({ family: `mcp-prod-${ro.id}`, network_mode: "awsvpc", requires_compatibilities: ["FARGATE"], cpu: "1024", memory: "2048", volume: [{ name: "tmp" }] });
    expect(td.task_role_arn).toBeUndefined();
  });

  it("serves exactly the tier's toolsets; read-only tiers keep execute_sql read-only", () => {
    expect(envOf(containerOf(prod, ro.id))).toMatchObject({ SELECTED_TOOLSETS: "performance,sysadmin_browse,sysadmin_discovery,sysadmin_search", IBMI_EXECUTE_SQL_READONLY: "true", IBMI_ENABLE_EXECUTE_SQL: "false" });
    expect(envOf(containerOf(prod, rw.id))).toMatchObject({ SELECTED_TOOLSETS: "performance,security_audit,security_remediation" });
    const rwSql = synthStack(variant("prod", (c) => (c.mcpServer.executeSql = "read-write"))).plan;
    expect(envOf(containerOf(rwSql, rw.id))).toMatchObject({ IBMI_ENABLE_EXECUTE_SQL: "true", IBMI_EXECUTE_SQL_READONLY: "false" });
    expect(envOf(containerOf(rwSql, ro.id))).toMatchObject({ IBMI_ENABLE_EXECUTE_SQL: "true", IBMI_EXECUTE_SQL_READONLY: "true" });
  });

  it("sets the upstream settings by name, with no credential among them", () => {
    const env = envOf(containerOf(prod, ro.id));
    expect(env).toEqual({
      MCP_TRANSPORT_TYPE: "http",
      MCP_HTTP_HOST: "0.0.0.0",
      MCP_HTTP_PORT: "3010",
      MCP_HTTP_ENDPOINT_PATH: "/mcp",
      MCP_SESSION_MODE: "stateless",
      MCP_AUTH_MODE: "jwt",
      MCP_SERVER_NAME: `ibmi-mcp-${ro.id}`,
      MCP_LOG_LEVEL: "info",
      MCP_RATE_LIMIT_ENABLED: "true",
      MCP_RATE_LIMIT_MAX_REQUESTS: "100",
      MCP_RATE_LIMIT_WINDOW_MS: "900000",
      NODE_ENV: "production",
      LOGS_DIR: "/tmp/logs",
      DB2i_HOST: "10.52.0.10",
      DB2i_IGNORE_UNAUTHORIZED: "false",
      SELECTED_TOOLSETS: ro.toolsets.join(","),
      IBMI_ENABLE_EXECUTE_SQL: "false",
      IBMI_EXECUTE_SQL_READONLY: "true",
      IBMI_ENABLE_DEFAULT_TOOLS: "false",
      YAML_AUTO_RELOAD: "false",
      // The kit image copies tools/ here (images/mcp-server/Dockerfile, test/images/dockerfiles.test.ts).
      TOOLS_YAML_PATH: "/opt/ibmi-mcp/tools",
    });
  });

  it("injects credentials only through secrets, from the right ARNs", () => {
    const c = containerOf(prod, ro.id);
    const creds = refAt(prod, "aws_secretsmanager_secret", "secrets/ibmi-service-credentials");
    expect(c.secrets).toEqual([
      { name: "DB2i_PASS", valueFrom: `${creds}:password::` },
      { name: "DB2i_USER", valueFrom: `${creds}:user::` },
      { name: "MCP_AUTH_SECRET_KEY", valueFrom: refAt(prod, "aws_secretsmanager_secret", `tier-signing-secrets/${ro.id}`) },
    ]);
  });

  it("gives each tier an execution role that pulls its image, writes its logs and reads its secrets, and nothing with a wildcard action", () => {
    const doc = policyOf(prod, `mcp/${ro.id}/execution-role/policy`);
    const repo = "arn:aws:ecr:us-east-1:123456789012:repository/mcp-prod/ibmi-mcp-server";
    expect(doc.Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["EcrAuthorizationToken", "ecr:GetAuthorizationToken", "*"],
      ["EcrPullImages", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], repo],
      ["WriteMcpServerLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${refAt(prod, "aws_cloudwatch_log_group", "audit-logs/mcp-server")}:log-stream:*`],
      ["ReadIbmiServiceCredentials", "secretsmanager:GetSecretValue", refAt(prod, "aws_secretsmanager_secret", "secrets/ibmi-service-credentials")],
      [expect.stringMatching(/^UseKeyReadSecrets/), ["kms:Decrypt", "kms:DescribeKey"], refAt(prod, "aws_kms_key", "encryption-key/key")],
      [`ReadTierSigningSecret${pascal(ro.id)}`, "secretsmanager:GetSecretValue", refAt(prod, "aws_secretsmanager_secret", `tier-signing-secrets/${ro.id}`)],
    ]);
    for (const [address, p] of resources(prod, "aws_iam_role_policy").filter(([a]) => /mcp_|gateway_/.test(a))) {
      for (const s of JSON.parse(p.policy).Statement) {
        for (const action of [s.Action].flat()) expect([address, action]).toEqual([address, expect.not.stringContaining("*")]);
        if ([s.Resource].flat().includes("*")) expect([address, s.Sid]).toEqual([address, "EcrAuthorizationToken"]);
      }
    }
  });

  it("confines tokens to their tier: each tier verifies with its own signing secret and can read no other", () => {
    const secretOf = (t: string) => refAt(prod, "aws_secretsmanager_secret", `tier-signing-secrets/${t}`);
    expect(secretOf(ro.id)).not.toBe(secretOf(rw.id));
    for (const t of prodTiers) {
      expect(containerOf(prod, t.id).secrets.find((x: any) => x.name === "MCP_AUTH_SECRET_KEY").valueFrom).toBe(secretOf(t.id));
      const readable = policyOf(prod, `mcp/${t.id}/execution-role/policy`)
        .Statement.filter((x: any) => x.Action === "secretsmanager:GetSecretValue")
        .map((x: any) => x.Resource);
      expect(readable.sort()).toEqual([secretOf(t.id), refAt(prod, "aws_secretsmanager_secret", "secrets/ibmi-service-credentials")].sort());
    }
    const s = resourceAt(prod, "aws_secretsmanager_secret", `tier-signing-secrets/${ro.id}`);
    expect(s).toMatchObject({ name: `mcp/prod/tier-signing-secret/${ro.id}`, kms_key_id: refAt(prod, "aws_kms_key", "encryption-key/key"), tags: { "mcp-secret-kind": "token", "mcp-secret-length": "64", tier: ro.id } });
    const rotation = resourceAt(prod, "aws_secretsmanager_secret_rotation", `tier-signing-secrets/rotation-${ro.id}`);
    expect(rotation).toMatchObject({ secret_id: secretOf(ro.id), rotation_rules: { automatically_after_days: 30 }, rotate_immediately: true });
    const rotator = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "secrets/rotation/role/policy").policy).Statement.find((x: any) => x.Sid === "RotateTierSigningSecrets");
    expect([rotator.Resource].flat().sort()).toEqual(prodTiers.map((t) => secretOf(t.id)).sort());
  });

  it("registers each tier for the gateway as <tier>.mcp-<env>.internal", () => {
    const ns = resourceAt(prod, "aws_service_discovery_private_dns_namespace", "cluster/namespace");
    expect(ns).toMatchObject({ name: "mcp-prod.internal", vpc: refAt(prod, "aws_vpc", "network/vpc", "id") });
    const d = resourceAt(prod, "aws_service_discovery_service", `mcp/${ro.id}/discovery`);
    expect(d).toMatchObject({ name: ro.id, dns_config: { routing_policy: "MULTIVALUE", dns_records: [{ type: "A", ttl: 10 }] } });
    expect((prod.output as any)[`tier_${ro.id.replace("-", "_")}_internal_url`].value).toBe(`http://${ro.id}.mcp-prod.internal:3010/mcp`);
  });

  it("differs in dev: one task, Mapepire certificate not verified; the image is the environment's own kit image", () => {
    const devTier = planTiers(cfg.dev.agents)[0];
    expect(resourceAt(dev, "aws_ecs_service", `mcp/${devTier.id}/service`).desired_count).toBe(1);
    const c = containerOf(dev, devTier.id);
    expect(envOf(c)).toMatchObject({ DB2i_IGNORE_UNAUTHORIZED: "true", MCP_LOG_LEVEL: "debug" });
    expect(c.image).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/mcp-dev\/ibmi-mcp-server@\$\{data\.aws_ecr_image\.[\w-]+\.image_digest\}$/);
    expect(containerOf(prod, ro.id).image).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/mcp-prod\/ibmi-mcp-server@\$\{data\.aws_ecr_image\.[\w-]+\.image_digest\}$/);
  });

  it("verifies Mapepire's certificate unless verifyIbmiCertificate is false (the stack's choice in dev) and no CA is given", () => {
    // DB2i_IGNORE_UNAUTHORIZED: ibmi-mcp-server v0.5.1 packages/server/src/config/index.ts:668 defaults it to "true".
    const credentials: ReadableSecret = { arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/probe-AbCdEf", firstValue: [], grantRead: () => undefined };
    const { plan } = synthStack(cfg.dev, (st) => {
      const tier = st.mcp.tiers[0];
      const probe = (id: string, extra: Partial<McpServiceProps>) =>
        new McpService(st, id, {
          env: st.env,
          tier: { ...tier, id },
          cluster: st.cluster,
          network: st.network,
          securityGroup: st.access.taskGroup,
          loadBalancer: st.loadBalancer,
          routes: [],
          images: st.images,
          image: st.images.of("ibmi-mcp-server"),
          logGroup: st.logs.mcpServer,
          ibmi: { host: "10.21.0.10", credentials },
          auth: { mode: "none" },
          ...extra,
        });
      probe("ro-probe1", {});
      probe("ro-probe2", { verifyIbmiCertificate: false });
      probe("ro-probe3", { verifyIbmiCertificate: false, ibmiCaCertificate: "-----BEGIN CERTIFICATE-----\nnot a real certificate\n-----END CERTIFICATE-----" });
    });
    const ignore = (id: string) => envOf(JSON.parse(resourceAt(plan, "aws_ecs_task_definition", `mcp-dev/${id}/task`).container_definitions)[0]).DB2i_IGNORE_UNAUTHORIZED;
    expect([ignore("ro-probe1"), ignore("ro-probe2"), ignore("ro-probe3")]).toEqual(["false", "true", "false"]);
  });

  it("in ibmi auth mode writes the key pair to /tmp from secrets at start, never into environment", () => {
    const plan = synthStack(variant("prod", (c) => (c.mcpServer.authMode = "ibmi"))).plan;
    const c = containerOf(plan, ro.id);
    const pair = refAt(plan, "aws_secretsmanager_secret", "secrets/ibmi-auth-key-pair");
    expect(c.secrets.filter((s: any) => s.name.startsWith("IBMI_AUTH"))).toEqual([
      { name: "IBMI_AUTH_KEY_ID", valueFrom: `${pair}:keyId::` },
      { name: "IBMI_AUTH_PRIVATE_KEY_PEM", valueFrom: `${pair}:privateKey::` },
      { name: "IBMI_AUTH_PUBLIC_KEY_PEM", valueFrom: `${pair}:publicKey::` },
    ]);
    expect(envOf(c)).toMatchObject({ MCP_AUTH_MODE: "ibmi", IBMI_HTTP_AUTH_ENABLED: "true", IBMI_AUTH_PRIVATE_KEY_PATH: "/tmp/ibmi-auth/private.pem", IBMI_AUTH_PUBLIC_KEY_PATH: "/tmp/ibmi-auth/public.pem" });
    expect(c.entryPoint).toEqual(["sh", "-c"]);
    expect(c.command[0]).toMatch(/umask 077; .* unset IBMI_AUTH_PRIVATE_KEY_PEM IBMI_AUTH_PUBLIC_KEY_PEM; exec node packages\/server\/dist\/index\.js$/);
    // The pair's first rotation makes it; every tier's service waits until it is current, not merely started
    // (RotateSecret is asynchronous; MCP-DEPLOY-017), through the synchronous WaitForCurrent invocation.
    const wait = addressAt(plan, "aws_lambda_invocation", "secrets/first-value-ibmi-auth-key-pair");
    expect(JSON.parse(resourceAt(plan, "aws_lambda_invocation", "secrets/first-value-ibmi-auth-key-pair").input)).toEqual({ WaitForCurrent: `\${${pair.slice(2, -5)}.arn}` });
    for (const [, svc] of resources(plan, "aws_ecs_service").filter(([, r]) => r.tags?.tier)) expect(svc.depends_on).toContain(wait);
  });
});
