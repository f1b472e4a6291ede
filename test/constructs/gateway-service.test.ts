import { TerraformJson } from "../../policy/types";
import { rdsRootCertificate } from "../../lib/rds-ca";
import { addressAt, refAt, resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";

const container = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_ecs_task_definition", "gateway/task").container_definitions)[0];
const envOf = (c: any): Record<string, string> => Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));

describe("GatewayService", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  let staging: TerraformJson;
  let dev: TerraformJson;
  beforeAll(() => {
    prod = shippedPlan("prod");
    staging = shippedPlan("staging");
    dev = shippedPlan("dev");
  });

  it("runs 2 tasks in prod and staging, deploying new tasks before stopping old ones, behind the 4444 listener without public IP", () => {
    for (const plan of [prod, staging]) {
      const s = resourceAt(plan, "aws_ecs_service", "gateway/service");
      expect(s).toMatchObject({
        launch_type: "FARGATE",
        platform_version: "LATEST",
        desired_count: 2,
        // Zero-downtime rolling deployment: never below the desired count, up to twice as many while new tasks start.
        deployment_minimum_healthy_percent: 100,
        deployment_maximum_percent: 200,
        deployment_circuit_breaker: { enable: true, rollback: true },
        health_check_grace_period_seconds: 180,
        enable_execute_command: false,
        network_configuration: { assign_public_ip: false, security_groups: [refAt(plan, "aws_security_group", "agent-access/gateway/group", "id")] },
        load_balancer: [{ container_name: "mcp-gateway", container_port: 4444, target_group_arn: refAt(plan, "aws_lb_target_group", "load-balancer/target-gateway") }],
      });
      // Every private subnet (one per zone): ECS spreads a service's tasks across zones by default.
      expect(s.network_configuration.subnets).toEqual(resources(plan, "aws_subnet").map(([a]) => `\${${a}.id}`));
      expect(s.depends_on).toEqual(
        expect.arrayContaining([addressAt(plan, "aws_lb_listener", "load-balancer/gateway"), addressAt(plan, "aws_db_instance", "gateway-database/instance"), addressAt(plan, "aws_lambda_invocation", "gateway-cache/set-password")]),
      );
      // No suppression of the 2-task rule is left: MCP-PROD-004 passes on its own.
      expect(JSON.stringify(s["//"] ?? {})).not.toContain("MCP-PROD-004");
    }
    expect(resourceAt(prod, "aws_ecs_service", "gateway/service").name).toBe("mcp-prod-gateway");
  });

  it("runs one task on SQLite over EFS in dev, stopping the old task before the new one starts", () => {
    expect(resourceAt(dev, "aws_ecs_service", "gateway/service")).toMatchObject({ desired_count: 1, deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100, deployment_circuit_breaker: { enable: true, rollback: true } });
    expect(resources(dev, "aws_db_instance")).toEqual([]);
    expect(resources(dev, "aws_elasticache_replication_group")).toEqual([]);
    expect(resources(prod, "aws_efs_file_system")).toEqual([]);
  });

  it("hardens the container, runs it as uid 10001 and checks health with the image's python, not curl", () => {
    // IBM/mcp-context-forge v1.0.8 Containerfile:404 useradd --uid 10001 --gid 10001, :494 USER 10001:10001; :437 EXPOSE
    // 4444 and config.py:227 port 4444; main.py:12211 GET /health (SELECT 1 on the database: 200 only when it answers);
    // :401 links python3 into the image.
    const c = container(prod);
    expect(c).toMatchObject({
      user: "10001:10001",
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
      portMappings: [{ containerPort: 4444, protocol: "tcp" }],
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": refAt(prod, "aws_cloudwatch_log_group", "audit-logs/gateway", "name"), "awslogs-stream-prefix": "gateway" } },
    });
    expect(c.healthCheck.command.slice(0, 3)).toEqual(["CMD", "python3", "-c"]);
    expect(c.healthCheck.command[3]).toContain("http://127.0.0.1:4444/health");
    expect(resourceAt(prod, "aws_lb_target_group", "load-balancer/target-gateway").health_check).toMatchObject({ path: "/health" });
  });

  it("keeps dev's SQLite database on EFS, encrypted, over TLS, through an access point of uid 10001, with IAM", () => {
    const td = resourceAt(dev, "aws_ecs_task_definition", "gateway/task");
    expect(td.volume).toEqual([
      { name: "tmp" },
      {
        name: "database",
        efs_volume_configuration: {
          file_system_id: refAt(dev, "aws_efs_file_system", "gateway/storage", "id"),
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: refAt(dev, "aws_efs_access_point", "gateway/access-point", "id"), iam: "ENABLED" },
        },
      },
    ]);
    expect(envOf(container(dev))).toMatchObject({ DATABASE_URL: "sqlite:////data/mcp.db", CACHE_TYPE: "database" });
    expect(resourceAt(dev, "aws_efs_file_system", "gateway/storage")).toMatchObject({ encrypted: true });
    // A new directory: 0.7's /gateway belongs to uid 1001 with mode 0700, which uid 10001 cannot read.
    expect(resourceAt(dev, "aws_efs_access_point", "gateway/access-point")).toMatchObject({
      posix_user: { uid: 10001, gid: 10001 },
      root_directory: { path: "/context-forge", creation_info: { owner_uid: 10001, owner_gid: 10001, permissions: "0700" } },
    });
    expect(resources(dev, "aws_efs_mount_target")).toHaveLength(cfg.dev.network.availabilityZones.length);
    const policy = JSON.parse(resourceAt(dev, "aws_efs_file_system_policy", "gateway/storage-policy").policy);
    expect(policy.Statement.find((s: any) => s.Sid === "DenyWithoutTls")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const nfs = resources(dev, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.from_port === 2049);
    expect(nfs.map((r) => r.referenced_security_group_id)).toEqual([refAt(dev, "aws_security_group", "agent-access/gateway/group", "id")]);
    const task = JSON.parse(resourceAt(dev, "aws_iam_role_policy", "gateway/app-role/policy").policy);
    expect(task.Statement.map((s: any) => s.Sid)).toEqual(["MountGatewayDatabase"]);
  });

  it("gives the prod task role nothing, and the execution role its image, logs and secrets, the database and cache passwords included", () => {
    expect(resources(prod, "aws_iam_role_policy").filter(([, r]) => String(r["//"]?.metadata?.path ?? "").endsWith("gateway/app-role/policy"))).toEqual([]);
    const exec = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "gateway/execution-role/policy").policy);
    expect(exec.Statement.map((s: any) => s.Sid)).toEqual([
      "EcrAuthorizationToken",
      "EcrPullImages",
      "WriteGatewayLogs",
      "ReadGatewayJwtSecret",
      expect.stringMatching(/^UseKeyReadSecrets/),
      "ReadGatewayAdminPassword",
      "ReadGatewayEncryptionSecret",
      "ReadGatewayDatabaseSecret",
      "ReadGatewayCachePassword",
    ]);
    expect(exec.Statement.find((s: any) => s.Sid === "ReadGatewayDatabaseSecret")).toMatchObject({
      Action: "secretsmanager:GetSecretValue",
      Resource: `\${${addressAt(prod, "aws_db_instance", "gateway-database/instance")}.master_user_secret[0].secret_arn}`,
    });
    expect(exec.Statement.find((s: any) => s.Sid === "ReadGatewayCachePassword")).toMatchObject({ Action: "secretsmanager:GetSecretValue", Resource: refAt(prod, "aws_secretsmanager_secret", "gateway-cache/password") });
  });

  it("takes every credential from Secrets Manager: no password in the environment, DATABASE_URL or REDIS_URL in the plan", () => {
    const c = container(prod);
    const admin = refAt(prod, "aws_secretsmanager_secret", "secrets/gateway-admin-password");
    expect(c.secrets).toEqual([
      { name: "AUTH_ENCRYPTION_SECRET", valueFrom: refAt(prod, "aws_secretsmanager_secret", "secrets/gateway-encryption-secret") },
      { name: "BASIC_AUTH_PASSWORD", valueFrom: admin },
      { name: "JWT_SECRET_KEY", valueFrom: refAt(prod, "aws_secretsmanager_secret", "secrets/gateway-jwt-secret") },
      // The "password" key of the JSON RDS keeps in its managed secret ({"username", "password"}), AWSCURRENT.
      { name: "KIT_DATABASE_PASSWORD", valueFrom: `\${${addressAt(prod, "aws_db_instance", "gateway-database/instance")}.master_user_secret[0].secret_arn}:password::` },
      { name: "KIT_REDIS_PASSWORD", valueFrom: refAt(prod, "aws_secretsmanager_secret", "gateway-cache/password") },
      { name: "PLATFORM_ADMIN_PASSWORD", valueFrom: admin },
    ]);
    const env = envOf(c);
    for (const name of ["AUTH_ENCRYPTION_SECRET", "JWT_SECRET_KEY", "PLATFORM_ADMIN_PASSWORD", "BASIC_AUTH_PASSWORD", "DATABASE_URL", "REDIS_URL", "KIT_DATABASE_PASSWORD", "KIT_REDIS_PASSWORD"]) expect(env).not.toHaveProperty(name);
    // The parts runtime/gateway/compose-urls.sh puts together (test/runtime/compose-urls.test.ts runs it).
    expect(env).toMatchObject({
      KIT_DATABASE_HOST: `\${${addressAt(prod, "aws_db_instance", "gateway-database/instance")}.address}`,
      KIT_DATABASE_PORT: "5432",
      KIT_DATABASE_NAME: "contextforge",
      KIT_DATABASE_USER: "contextforge",
      // The root of the instance's CA in its region (lib/rds-ca.ts): compose-urls.sh writes it to DATABASE_URL's sslrootcert.
      KIT_DATABASE_CA_PEM: rdsRootCertificate("us-east-1", resourceAt(prod, "aws_db_instance", "gateway-database/instance").ca_cert_identifier),
      KIT_REDIS_HOST: `\${${addressAt(prod, "aws_elasticache_replication_group", "gateway-cache/cache")}.primary_endpoint_address}`,
      KIT_REDIS_PORT: "6379",
      KIT_REDIS_USER: `\${${addressAt(prod, "aws_elasticache_user", "gateway-cache/gateway-user")}.user_name}`,
    });
  });

  it("shares cache, sessions and leader election through Valkey over TLS when it runs several tasks", () => {
    // v1.0.8 config.py:2874 CACHE_TYPE; gateway_service.py:698-705 elects the gateway service's leader in Redis when
    // CACHE_TYPE=redis (otherwise a file lock per host); config.py:2794 PRIMARY_WORKER_ELECTION_BACKEND "redis": one
    // primary worker across instances (utils/primary_worker.py:73); config.py:2920 REDIS_SSL with a rediss:// URL
    // (utils/redis_client.py:315-319 warns that TLS settings are skipped otherwise).
    expect(envOf(container(prod))).toMatchObject({ CACHE_TYPE: "redis", REDIS_SSL: "true", PRIMARY_WORKER_ELECTION_BACKEND: "redis" });
    // Per worker: run-gunicorn.sh:229 would start 2 × CPUs + 1 workers, each with config.py:2830-2831's pool of 200 + 10.
    expect(envOf(container(prod))).toMatchObject({ GUNICORN_WORKERS: "2", DB_POOL_SIZE: "5", DB_MAX_OVERFLOW: "5" });
  });

  it("turns the admin UI and API off unless configured, requires auth and expiring tokens, and writes the log lines the alarms read", () => {
    expect(envOf(container(prod))).toMatchObject({
      MCPGATEWAY_UI_ENABLED: "false",
      MCPGATEWAY_ADMIN_API_ENABLED: "false",
      AUTH_REQUIRED: "true",
      REQUIRE_TOKEN_EXPIRATION: "true",
      SECURE_COOKIES: "true",
      SKIP_SSL_VERIFY: "false",
      ENVIRONMENT: "production",
      PLATFORM_ADMIN_EMAIL: "admin@mcp.example.com",
      // config.py:1188 HttpUrl since 1.0: a bare host name would stop the gateway at start.
      APP_DOMAIN: "https://mcp.example.com:4444",
      ALLOWED_ORIGINS: '["https://mcp.example.com:4444"]',
      PORT: "4444",
      // config.py:1977 LOG_FORMAT defaults to json; run-gunicorn.sh:380 DISABLE_ACCESS_LOG defaults to true.
      LOG_FORMAT: "text",
      DISABLE_ACCESS_LOG: "false",
    });
    // Removed in 1.0 (config.py at v0.7.0 had federation_discovery; v1.0.8 has no federation_* field).
    expect(envOf(container(prod))).not.toHaveProperty("FEDERATION_DISCOVERY");
    const on = synthStack(variant("prod", (c) => (c.gateway.adminUi = true))).plan;
    expect(envOf(container(on))).toMatchObject({ MCPGATEWAY_UI_ENABLED: "true", MCPGATEWAY_ADMIN_API_ENABLED: "true" });
  });

  it("registers its tasks in Cloud Map as gateway.<namespace>, reachable on 4444 only from groups it is opened to", () => {
    const d = resourceAt(prod, "aws_service_discovery_service", "gateway/discovery");
    expect(d).toMatchObject({ name: "gateway", dns_config: { namespace_id: refAt(prod, "aws_service_discovery_private_dns_namespace", "cluster/namespace", "id"), routing_policy: "MULTIVALUE", dns_records: [{ type: "A", ttl: 10 }] } });
    expect(resourceAt(prod, "aws_ecs_service", "gateway/service").service_registries).toEqual({ registry_arn: refAt(prod, "aws_service_discovery_service", "gateway/discovery") });
    const { stack, plan } = synthStack(cfg.staging, (st) => st.gateway.allowFrom(st.authCanary.function.securityGroup, "test caller to the gateway API"));
    expect(stack.gateway.internalUrl).toBe("http://gateway.mcp-staging.internal:4444");
    const gw = refAt(plan, "aws_security_group", "agent-access/gateway/group", "id");
    const caller = refAt(plan, "aws_security_group", "auth-canary/function/security-group/group", "id");
    expect(
      resources(plan, "aws_vpc_security_group_ingress_rule")
        .map(([, r]) => r)
        .filter((r) => r.security_group_id === gw && r.referenced_security_group_id === caller),
    ).toEqual([expect.objectContaining({ from_port: 4444, to_port: 4444, description: "test caller to the gateway API" })]);
    expect(
      resources(plan, "aws_vpc_security_group_egress_rule")
        .map(([, r]) => r)
        .filter((r) => r.security_group_id === caller && r.referenced_security_group_id === gw),
    ).toHaveLength(1);
  });

  it("tells Context Forge it runs in development in dev only (GatewayService.environment, mapped from the stage by the stack)", () => {
    // ENVIRONMENT: config.py:1185 (development, staging, production); "development" relaxes checks (main.py:2132, config.py:1346).
    expect(envOf(container(dev)).ENVIRONMENT).toBe("development");
    for (const plan of [staging, prod]) expect(envOf(container(plan)).ENVIRONMENT).toBe("production");
  });

  it("runs the configured number of tasks", () => {
    const three = synthStack(variant("prod", (c) => (c.gateway.desiredCount = 3))).plan;
    expect(resourceAt(three, "aws_ecs_service", "gateway/service").desired_count).toBe(3);
  });
});
