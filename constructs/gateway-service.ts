import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { AwsEnv, ecsServiceArn, prefix } from "../lib/aws-env";
import { containerDefinition, firstValues, ReadableSecret, SecretRef } from "../lib/container";
import { policyDocument } from "../lib/iam";
import { suppress } from "../lib/resource-meta";
import { ContainerImage, ContainerImages } from "./container-images";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceCluster } from "./service-cluster";
import { ServiceRole } from "./service-role";

const DATA_DIR = "/data";

export interface GatewayServiceProps {
  readonly env: AwsEnv;
  readonly cluster: ServiceCluster;
  readonly network: Network;
  /** The gateway's own task group (AgentAccess.gatewayGroup). */
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: LoadBalancer;
  readonly images: ContainerImages;
  readonly image: ContainerImage;
  /** KMS-encrypted log group of the gateway (AuditLogs.gateway). */
  readonly logGroup: CloudwatchLogGroup;
  /** JWT_SECRET_KEY: signs the gateway's own tokens. */
  readonly jwtSecret: ReadableSecret;
  /** PLATFORM_ADMIN_PASSWORD; also BASIC_AUTH_PASSWORD, whose upstream default ("changeme") must never be live. */
  readonly adminPassword: ReadableSecret;
  /**
   * AUTH_ENCRYPTION_SECRET: encrypts the credentials the gateway stores (the tiers' bearer tokens). Required, so the
   * upstream default ("my-test-salt", mcpgateway/config.py) is never live. It must not rotate like the others: stored
   * credentials would become unreadable (Secrets.gatewayEncryptionSecret is generated once).
   */
  readonly encryptionSecret: ReadableSecret;
  /** PLATFORM_ADMIN_EMAIL. */
  readonly adminEmail: string;
  /** The name clients use (the certificate's): APP_DOMAIN, and with the port the one allowed origin. */
  readonly publicHost: string;
  /** Admin UI and admin API (MCPGATEWAY_UI_ENABLED / MCPGATEWAY_ADMIN_API_ENABLED). @default false */
  readonly adminUi?: boolean;
  /** @default 4444 */
  readonly port?: number;
  /** @default 512 */
  readonly cpu?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** LOG_LEVEL. @default "INFO" */
  readonly logLevel?: string;
  /**
   * uid the image runs as: 1001 up to Context Forge 0.7 (`USER 1001` in its Containerfile), 10001 in 1.x.
   * The database directory on EFS is owned by it. @default 1001
   */
  readonly uid?: number;
}

/**
 * The MCP gateway (IBM MCP Context Forge) in a Fargate service of its own, behind the 4444 listener. Its database is
 * SQLite on an encrypted EFS file system, mounted over TLS with IAM authorization through an access point, so
 * virtual servers, registered tiers and issued tokens survive task restarts. One task at a time: SQLite has a
 * single writer, so deployments stop the old task before starting the new one.
 */
export class GatewayService extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  /** The service's ARN built from its and the cluster's names, for grants that must not reference it (ecsServiceArn). */
  readonly serviceArn: string;
  readonly executionRole: ServiceRole;
  readonly taskRole: ServiceRole;
  readonly fileSystem: EfsFileSystem;
  readonly accessPoint: EfsAccessPoint;
  readonly storageGroup: SecurityGroup;
  readonly container: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);
    const { env } = props;
    const name = `${prefix(env)}-gateway`;
    this.serviceArn = ecsServiceArn(env, name);
    const port = props.port ?? 4444;
    const uid = props.uid ?? 1001;
    const adminUi = props.adminUi ?? false;

    // The AWS managed EFS key: the environment key's policy gives the account no kms:CreateGrant, which EFS needs
    // from whoever creates the file system with a customer key.
    this.fileSystem = new EfsFileSystem(this, "storage", {
      creationToken: name,
      encrypted: true,
      performanceMode: "generalPurpose",
      throughputMode: "elastic",
      tags: { Name: name },
    });
    new EfsBackupPolicy(this, "backup", { fileSystemId: this.fileSystem.id, backupPolicy: { status: "ENABLED" } });
    this.storageGroup = new SecurityGroup(this, "storage-group", { vpcId: props.network.vpc.id, name: `${name}-storage`, description: "Gateway database file system: NFS from the gateway tasks only" });
    this.storageGroup.allowFrom({ group: props.securityGroup }, 2049, "NFS from the gateway tasks");
    props.securityGroup.allowTo({ group: this.storageGroup }, 2049, "Gateway to its database file system (NFS over TLS)");
    // Named by the subnet's construct id (its zone), so adding a zone never renumbers the others.
    const mountTargets = props.network.subnets.map(
      (s) => new EfsMountTarget(this, `mount-${s.node.id}`, { fileSystemId: this.fileSystem.id, subnetId: s.id, securityGroups: [this.storageGroup.id] }),
    );
    this.accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: this.fileSystem.id,
      posixUser: { uid, gid: uid },
      rootDirectory: { path: "/gateway", creationInfo: { ownerUid: uid, ownerGid: uid, permissions: "0700" } },
      tags: { Name: name },
    });

    // Not "task-role": secret scanners read "…sk-role_policy…" in its Terraform address as an API key.
    this.taskRole = new ServiceRole(this, "app-role", { env, name: `${name}-task`, assumedBy: "ecs-tasks.amazonaws.com", description: "The MCP gateway's tasks: mount and write their database file system, nothing else" });
    this.taskRole.addToPolicy({
      sid: "MountGatewayDatabase",
      actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      resources: [this.fileSystem.arn],
      condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
    });
    new EfsFileSystemPolicy(this, "storage-policy", {
      fileSystemId: this.fileSystem.id,
      policy: policyDocument([
        { sid: "GatewayTasksThroughAccessPoint", principal: { AWS: this.taskRole.arn }, actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], resources: [this.fileSystem.arn], condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } } },
        { sid: "DenyWithoutTls", effect: "Deny", principal: "*", actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"], resources: [this.fileSystem.arn], condition: { Bool: { "aws:SecureTransport": "false" } } },
      ]),
    });

    this.executionRole = new ServiceRole(this, "execution-role", { env, name: `${name}-execution`, assumedBy: "ecs-tasks.amazonaws.com", description: "Starts the MCP gateway tasks: pulls its image, writes its logs, reads its secrets" });
    props.images.grantPull(this.executionRole, [props.image]);
    this.executionRole.addToPolicy({ sid: "WriteGatewayLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${props.logGroup.arn}:log-stream:*`] });

    const secrets: Record<string, SecretRef> = {
      JWT_SECRET_KEY: { secret: props.jwtSecret },
      PLATFORM_ADMIN_PASSWORD: { secret: props.adminPassword },
      BASIC_AUTH_PASSWORD: { secret: props.adminPassword },
      AUTH_ENCRYPTION_SECRET: { secret: props.encryptionSecret },
    };
    const readable = [props.jwtSecret, props.adminPassword, props.encryptionSecret];
    for (const s of new Set(readable)) s.grantRead(this.executionRole);

    // Context Forge 0.7 settings (mcpgateway/config.py, .env.example of the v0.7.0 tag).
    const environment: Record<string, string> = {
      HOST: "0.0.0.0",
      PORT: String(port),
      ENVIRONMENT: env.stage === "dev" ? "development" : "production",
      // A host name: the gateway prefixes https:// itself (mcpgateway/config.py).
      APP_DOMAIN: props.publicHost,
      ALLOWED_ORIGINS: JSON.stringify([`https://${props.publicHost}:${port}`]),
      DATABASE_URL: `sqlite:///${DATA_DIR}/mcp.db`,
      // Cache entries in the database, not in one worker's memory.
      CACHE_TYPE: "database",
      AUTH_REQUIRED: "true",
      EMAIL_AUTH_ENABLED: "true",
      PLATFORM_ADMIN_EMAIL: props.adminEmail,
      BASIC_AUTH_USER: "admin",
      DOCS_ALLOW_BASIC_AUTH: "false",
      REQUIRE_TOKEN_EXPIRATION: "true",
      JWT_AUDIENCE_VERIFICATION: "true",
      SECURE_COOKIES: "true",
      SKIP_SSL_VERIFY: "false",
      MCPGATEWAY_UI_ENABLED: String(adminUi),
      MCPGATEWAY_ADMIN_API_ENABLED: String(adminUi),
      MCPGATEWAY_BULK_IMPORT_ENABLED: "false",
      // Peers are registered by operators, never discovered on the network.
      FEDERATION_DISCOVERY: "false",
      DEV_MODE: "false",
      LOG_LEVEL: props.logLevel ?? "INFO",
      LOG_TO_FILE: "false",
      HOME: "/tmp",
    };

    this.container = containerDefinition({
      name: "mcp-gateway",
      image: props.image.uri,
      user: String(uid),
      port,
      environment,
      secrets,
      scratch: [
        { volume: "tmp", path: "/tmp" },
        { volume: "database", path: DATA_DIR },
      ],
      // The image has python3 (it is a Python app) but no guarantee of curl; the standard library is enough.
      healthCheck: ["python3", "-c", `import sys,urllib.request;sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:${port}/health',timeout=4).status==200 else 1)`],
      startPeriodSeconds: 120,
      logGroupName: props.logGroup.name,
      region: env.region,
      streamPrefix: "gateway",
    });

    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu ?? 512),
      memory: String(props.memoryMiB ?? 1024),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      volume: [
        { name: "tmp" },
        {
          name: "database",
          efsVolumeConfiguration: {
            fileSystemId: this.fileSystem.id,
            transitEncryption: "ENABLED",
            authorizationConfig: { accessPointId: this.accessPoint.id, iam: "ENABLED" },
          },
        },
      ],
      containerDefinitions: JSON.stringify([this.container]),
    });

    this.targetGroup = props.loadBalancer.addTarget("gateway", { name, port, healthCheckPath: "/health", label: "MCP gateway" });
    const listener = props.loadBalancer.serveGateway(this.targetGroup);

    this.service = new EcsService(this, "service", {
      name,
      cluster: props.cluster.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: 1,
      // One SQLite writer: stop the old task before the new one starts (a short gap in gateway service).
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 180,
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      networkConfiguration: { subnets: props.network.subnetIds, securityGroups: [props.securityGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: this.targetGroup.arn, containerName: "mcp-gateway", containerPort: port }],
      // Its tasks' secrets have their first values before the first task starts (ReadableSecret.firstValue).
      // Tasks pull images, read secrets and write logs through the VPC endpoints: wait for them (MCP-DEPLOY-018).
      dependsOn: [listener, ...mountTargets, ...firstValues(readable), ...props.network.readyFor(props.securityGroup)],
    });
    suppress(this.service, "MCP-PROD-004", "the gateway keeps its state in one SQLite file on EFS, which allows one writer; the MCP services behind it run 2 or more tasks");
  }
}
