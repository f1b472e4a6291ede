import { TerraformJson } from "../../policy/types";
import { resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";

const addressOf = (plan: TerraformJson, type: string, pathSuffix: string) => resources(plan, type).find(([, r]) => String(r["//"]?.metadata?.path ?? "").endsWith(pathSuffix))![0];
const ref = (plan: TerraformJson, type: string, pathSuffix: string, attr = "arn") => `\${${addressOf(plan, type, pathSuffix)}.${attr}}`;
const container = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_ecs_task_definition", "gateway/task").container_definitions)[0];
const envOf = (c: any): Record<string, string> => Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));

describe("GatewayService", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  beforeAll(() => (prod = synthStack(cfg.prod).plan));

  it("runs one task at a time behind the 4444 listener, in its own security group, without public IP", () => {
    const s = resourceAt(prod, "aws_ecs_service", "gateway/service");
    expect(s).toMatchObject({
      name: "mcp-prod-gateway",
      launch_type: "FARGATE",
      platform_version: "LATEST",
      desired_count: 1,
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
      deployment_circuit_breaker: { enable: true, rollback: true },
      enable_execute_command: false,
      network_configuration: { assign_public_ip: false, security_groups: [ref(prod, "aws_security_group", "agent-access/gateway/group", "id")] },
      load_balancer: [{ container_name: "mcp-gateway", container_port: 4444, target_group_arn: ref(prod, "aws_lb_target_group", "load-balancer/target-gateway") }],
    });
    expect(s.depends_on).toEqual(expect.arrayContaining([addressOf(prod, "aws_lb_listener", "load-balancer/gateway")]));
  });

  it("hardens the container and checks health with the image's python, not curl", () => {
    const c = container(prod);
    expect(c).toMatchObject({
      user: "1001",
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
      portMappings: [{ containerPort: 4444, protocol: "tcp" }],
      mountPoints: [
        { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "database", containerPath: "/data", readOnly: false },
      ],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": ref(prod, "aws_cloudwatch_log_group", "audit-logs/gateway", "name"), "awslogs-stream-prefix": "gateway" } },
    });
    expect(c.healthCheck.command.slice(0, 3)).toEqual(["CMD", "python3", "-c"]);
    expect(c.healthCheck.command[3]).toContain("http://127.0.0.1:4444/health");
  });

  it("keeps its SQLite database on EFS, encrypted, over TLS, through an access point, with IAM", () => {
    const td = resourceAt(prod, "aws_ecs_task_definition", "gateway/task");
    expect(td.volume).toEqual([
      { name: "tmp" },
      {
        name: "database",
        efs_volume_configuration: {
          file_system_id: ref(prod, "aws_efs_file_system", "gateway/storage", "id"),
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: ref(prod, "aws_efs_access_point", "gateway/access-point", "id"), iam: "ENABLED" },
        },
      },
    ]);
    expect(envOf(container(prod)).DATABASE_URL).toBe("sqlite:////data/mcp.db");
    expect(resourceAt(prod, "aws_efs_file_system", "gateway/storage")).toMatchObject({ encrypted: true });
    expect(resourceAt(prod, "aws_efs_access_point", "gateway/access-point")).toMatchObject({ posix_user: { uid: 1001, gid: 1001 }, root_directory: { path: "/gateway", creation_info: { owner_uid: 1001, permissions: "0700" } } });
    expect(resources(prod, "aws_efs_mount_target")).toHaveLength(3);
    const policy = JSON.parse(resourceAt(prod, "aws_efs_file_system_policy", "gateway/storage-policy").policy);
    expect(policy.Statement.find((s: any) => s.Sid === "DenyWithoutTls")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const nfs = resources(prod, "aws_vpc_security_group_ingress_rule").map(([, r]) => r).filter((r) => r.from_port === 2049);
    expect(nfs.map((r) => r.referenced_security_group_id)).toEqual([ref(prod, "aws_security_group", "agent-access/gateway/group", "id")]);
  });

  it("has a task role for the file system only, and an execution role for its image, logs and secrets", () => {
    const task = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "gateway/app-role/policy").policy);
    expect(task.Statement).toEqual([
      {
        Sid: "MountGatewayDatabase",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: ref(prod, "aws_efs_file_system", "gateway/storage"),
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": ref(prod, "aws_efs_access_point", "gateway/access-point") } },
      },
    ]);
    const exec = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "gateway/execution-role/policy").policy);
    expect(exec.Statement.map((s: any) => s.Sid)).toEqual(["EcrAuthorizationToken", "EcrPullImages", "WriteGatewayLogs", "ReadGatewayJwtSecret", expect.stringMatching(/^UseKeyReadSecrets/), "ReadGatewayAdminPassword", "ReadGatewayEncryptionSecret"]);
    expect(exec.Statement.find((s: any) => s.Sid === "ReadGatewayEncryptionSecret")).toMatchObject({ Action: "secretsmanager:GetSecretValue", Resource: ref(prod, "aws_secretsmanager_secret", "secrets/gateway-encryption-secret") });
  });

  it("takes its JWT secret, admin password and encryption secret from Secrets Manager, and never leaves an upstream default (basic auth, encryption key) live", () => {
    const c = container(prod);
    const admin = ref(prod, "aws_secretsmanager_secret", "secrets/gateway-admin-password");
    expect(c.secrets).toEqual([
      { name: "AUTH_ENCRYPTION_SECRET", valueFrom: ref(prod, "aws_secretsmanager_secret", "secrets/gateway-encryption-secret") },
      { name: "BASIC_AUTH_PASSWORD", valueFrom: admin },
      { name: "JWT_SECRET_KEY", valueFrom: ref(prod, "aws_secretsmanager_secret", "secrets/gateway-jwt-secret") },
      { name: "PLATFORM_ADMIN_PASSWORD", valueFrom: admin },
    ]);
    for (const name of ["AUTH_ENCRYPTION_SECRET", "JWT_SECRET_KEY", "PLATFORM_ADMIN_PASSWORD", "BASIC_AUTH_PASSWORD"]) expect(envOf(c)).not.toHaveProperty(name);
  });

  it("turns the admin UI and API off unless configured, and requires auth and expiring tokens", () => {
    expect(envOf(container(prod))).toMatchObject({
      MCPGATEWAY_UI_ENABLED: "false",
      MCPGATEWAY_ADMIN_API_ENABLED: "false",
      AUTH_REQUIRED: "true",
      REQUIRE_TOKEN_EXPIRATION: "true",
      SECURE_COOKIES: "true",
      SKIP_SSL_VERIFY: "false",
      FEDERATION_DISCOVERY: "false",
      ENVIRONMENT: "production",
      PLATFORM_ADMIN_EMAIL: "admin@mcp.example.com",
      APP_DOMAIN: "mcp.example.com",
      ALLOWED_ORIGINS: '["https://mcp.example.com:4444"]',
      PORT: "4444",
    });
    const on = synthStack(variant("prod", (c) => (c.gateway.adminUi = true))).plan;
    expect(envOf(container(on))).toMatchObject({ MCPGATEWAY_UI_ENABLED: "true", MCPGATEWAY_ADMIN_API_ENABLED: "true" });
  });
});
