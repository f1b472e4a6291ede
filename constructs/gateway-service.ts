import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { Construct } from "constructs";
import { AwsEnv, ecsServiceArn, prefix } from "../lib/aws-env";
import { ReadableSecret, SecretRef } from "../lib/container";
import { policyDocument } from "../lib/iam";
import { GATEWAY_UID, gatewayEnvProblems } from "../lib/gateway-env";
import { ContainerImage, ContainerImages } from "./container-images";
import { FargateService, placementOf, TaskStorage } from "./fargate-service";
import { GatewayCache } from "./gateway-cache";
import { GatewayDatabase } from "./gateway-database";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceCluster } from "./service-cluster";
import { ServiceRole } from "./service-role";

const DATA_DIR = "/data";
/** Gunicorn workers per task (run-gunicorn.sh:229 would start 2 × CPUs + 1): the database pool below is per worker. */
const WORKERS = 2;
/** Per worker: DB_POOL_SIZE + DB_MAX_OVERFLOW connections at most (upstream defaults 200 + 10, config.py:2830-2831). */
const DB_POOL = { size: 5, overflow: 5 };

/** Where the gateway keeps its state: SQLite on EFS (one task), or PostgreSQL and Valkey shared by many tasks. */
export interface ManagedState {
  readonly database: GatewayDatabase;
  readonly cache: GatewayCache;
}

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
  /**
   * Private ranges the gateway may call as federated servers (SSRF_ALLOWED_NETWORKS): the VPC, where the tiers are.
   * Context Forge 1.x refuses private destinations otherwise, so registering a tier fails with 422. @default none
   */
  readonly allowedNetworks?: readonly string[];
  /** @default 4444 */
  readonly port?: number;
  /** @default 512 */
  readonly cpu?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** LOG_LEVEL. @default "INFO" */
  readonly logLevel?: string;
  /**
   * uid (and gid) the image runs as: 10001 in Context Forge 1.x (lib/gateway-env.ts GATEWAY_UID; 1001 up to 0.7).
   * The SQLite directory on EFS is owned by it. @default 10001
   */
  readonly uid?: number;
  /**
   * Shared PostgreSQL and Valkey: the gateway runs `desiredCount` tasks and deploys without a gap. Without it, its
   * database is SQLite on EFS, which allows one writer: one task, stopped before the next starts. @default SQLite on EFS
   */
  readonly managedState?: ManagedState;
  /** Tasks; more than 1 needs managedState. @default 2 with managedState, else 1 */
  readonly desiredCount?: number;
  /**
   * Context Forge's ENVIRONMENT (config.py:1185): "development" relaxes its production checks, e.g. a placeholder
   * secret only warns (main.py:2132) and strong secrets are not required (config.py:1346); the stack sets it in dev
   * only. @default "production"
   */
  readonly environment?: "development" | "production";
}

/** The SQLite file system (dev) and what the task definition and service need of it. */
interface SqliteOnEfs extends TaskStorage {
  readonly fileSystem: EfsFileSystem;
  readonly accessPoint: EfsAccessPoint;
  readonly storageGroup: SecurityGroup;
}

/**
 * The MCP gateway (IBM MCP Context Forge 1.x) in a Fargate service of its own, behind the 4444 listener. With managed
 * state (staging, prod) it keeps everything in PostgreSQL and Valkey shared by two or more tasks across zones, which
 * deploy without a gap (upstream's scaling guide, docs/docs/manage/scale.md: shared PostgreSQL, and Redis for cache,
 * sessions and leader election). Without it (dev) its database is SQLite on an encrypted EFS file system, mounted over
 * TLS with IAM authorization through an access point; SQLite has a single writer, so one task runs and deployments
 * stop the old task before starting the new one.
 */
export class GatewayService extends FargateService {
  /** The service's ARN built from its and the cluster's names, for grants that must not reference it (ecsServiceArn). */
  readonly serviceArn: string;
  /** The SQLite file system (without managed state only). */
  readonly fileSystem?: EfsFileSystem;
  readonly accessPoint?: EfsAccessPoint;
  readonly storageGroup?: SecurityGroup;
  /** `http://gateway.<namespace>:4444`: the gateway's admin and MCP API from inside the VPC, without the load balancer. */
  readonly internalUrl: string;

  constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    const { env } = props;
    const name = `${prefix(env)}-gateway`;
    const path = `${scope.node.path}/${id}`;
    const port = props.port ?? 4444;
    const uid = props.uid ?? GATEWAY_UID;
    const adminUi = props.adminUi ?? false;
    const managed = props.managedState;
    const desiredCount = props.desiredCount ?? (managed ? 2 : 1);
    if (!managed && desiredCount !== 1)
      throw new Error(`${path}: desiredCount ${desiredCount} with SQLite on EFS; SQLite allows one writer (and upstream advises against it on network shares), so more tasks need managedState (PostgreSQL and Valkey)`);
    if (desiredCount < 1) throw new Error(`${path}: desiredCount ${desiredCount} must be 1 or more`);

    const secrets: Record<string, SecretRef> = {
      JWT_SECRET_KEY: { secret: props.jwtSecret },
      PLATFORM_ADMIN_PASSWORD: { secret: props.adminPassword },
      BASIC_AUTH_PASSWORD: { secret: props.adminPassword },
      AUTH_ENCRYPTION_SECRET: { secret: props.encryptionSecret },
      // The entry script composes DATABASE_URL and REDIS_URL with them (runtime/gateway/compose-urls.sh).
      ...(managed ? { KIT_DATABASE_PASSWORD: { secret: managed.database.masterSecret, jsonKey: "password" }, KIT_REDIS_PASSWORD: { secret: managed.cache.password } } : {}),
    };

    // Context Forge v1.0.8 settings: every name and value is checked against its config.py (lib/gateway-env.ts).
    const origin = `https://${props.publicHost}:${port}`;
    const environment: Record<string, string> = {
      HOST: "0.0.0.0",
      PORT: String(port),
      ENVIRONMENT: props.environment ?? "production",
      // An http(s) URL since 1.0 (pydantic HttpUrl); 0.7 took a bare host name.
      APP_DOMAIN: origin,
      ALLOWED_ORIGINS: JSON.stringify([origin]),
      ...(managed
        ? {
            // Shared by every task: cache, sessions, the gateway service's leader (gateway_service.py:698-705, with
            // CACHE_TYPE=redis) and the one primary worker across tasks (primary_worker.py, backend "redis").
            CACHE_TYPE: "redis",
            REDIS_SSL: "true",
            PRIMARY_WORKER_ELECTION_BACKEND: "redis",
            KIT_DATABASE_HOST: managed.database.host,
            KIT_DATABASE_PORT: String(managed.database.port),
            KIT_DATABASE_NAME: managed.database.databaseName,
            KIT_DATABASE_USER: managed.database.username,
            // The RDS root of the instance's region and CA: the entry script makes DATABASE_URL verify the server with it.
            KIT_DATABASE_CA_PEM: managed.database.caCertificatePem,
            KIT_REDIS_HOST: managed.cache.host,
            KIT_REDIS_PORT: String(managed.cache.port),
            KIT_REDIS_USER: managed.cache.userName,
            DB_POOL_SIZE: String(DB_POOL.size),
            DB_MAX_OVERFLOW: String(DB_POOL.overflow),
          }
        : {
            DATABASE_URL: `sqlite:///${DATA_DIR}/mcp.db`,
            // Cache entries in the database, not in one worker's memory.
            CACHE_TYPE: "database",
          }),
      GUNICORN_WORKERS: String(WORKERS),
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
      // SSRF protection stays on (config.py:683); only the VPC's range is allowed, not every private network (:718-727).
      ...(props.allowedNetworks?.length ? { SSRF_ALLOWED_NETWORKS: JSON.stringify(props.allowedNetworks) } : {}),
      DEV_MODE: "false",
      LOG_LEVEL: props.logLevel ?? "INFO",
      // Text lines and uvicorn's access lines: the 401/403 metric filters read them (constructs/alerts.ts).
      LOG_FORMAT: "text",
      DISABLE_ACCESS_LOG: "false",
      LOG_TO_FILE: "false",
      HOME: "/tmp",
    };
    const envProblems = gatewayEnvProblems(environment, Object.keys(secrets));
    if (envProblems.length) throw new Error(`${path}: the gateway's environment would not hold:\n  - ${envProblems.join("\n  - ")}`);

    const targetGroup = props.loadBalancer.addTarget("gateway", { name, port, healthCheckPath: "/health", label: "MCP gateway" });
    props.loadBalancer.serveGateway(targetGroup);

    let efs: SqliteOnEfs | undefined;
    super(scope, id, {
      env,
      name,
      ...placementOf(props),
      executionRoleDescription: "Starts the MCP gateway tasks: pulls its image, writes its logs, reads its secrets",
      logGrantSid: "WriteGatewayLogs",
      taskRoleDescription: managed ? "The MCP gateway's tasks: no AWS permissions (PostgreSQL and Valkey authenticate with passwords)" : "The MCP gateway's tasks: mount and write their database file system, nothing else",
      storage: managed ? undefined : (self, taskRole) => (efs = sqliteOnEfs(self, taskRole, props, name, uid)),
      container: {
        name: "mcp-gateway",
        user: `${uid}:${uid}`,
        port,
        environment,
        secrets,
        scratch: [{ volume: "tmp", path: "/tmp" }, ...(managed ? [] : [{ volume: "database", path: DATA_DIR }])],
        // The image has python3 (it is a Python app) but no guarantee of curl; the standard library is enough.
        healthCheck: ["python3", "-c", `import sys,urllib.request;sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:${port}/health',timeout=4).status==200 else 1)`],
        startPeriodSeconds: 120,
        streamPrefix: "gateway",
      },
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      loadBalancer: props.loadBalancer,
      targetGroup,
      discovery: { name: "gateway", description: "The MCP gateway's tasks, for callers inside the VPC (e.g. the tier registration)" },
      desiredCount,
      // Shared state: new tasks start and turn healthy before old ones stop. One SQLite writer: stop the old task
      // before the new one starts (a short gap in gateway service).
      minimumHealthyPercent: managed ? 100 : 0,
      maximumPercent: managed ? 200 : 100,
      healthCheckGracePeriodSeconds: 180,
    });
    this.serviceArn = ecsServiceArn(env, name);
    this.fileSystem = efs?.fileSystem;
    this.accessPoint = efs?.accessPoint;
    this.storageGroup = efs?.storageGroup;
    this.internalUrl = `http://gateway.${props.cluster.domain}:${port}`;
  }

  /** Lets `group` (e.g. a function in the VPC) call the gateway's tasks on its port (internalUrl), and them be reached from it. */
  allowFrom(group: SecurityGroup, description: string): void {
    this.securityGroup.allowFrom({ group }, this.port, description);
    group.allowTo({ group: this.securityGroup }, this.port, description);
  }
}

/** SQLite on EFS (dev): the file system, its mount targets, access point, policy and the task role's grant, in `scope`. */
function sqliteOnEfs(scope: Construct, taskRole: ServiceRole, props: GatewayServiceProps, name: string, uid: number): SqliteOnEfs {
  // The AWS managed EFS key: the environment key's policy gives the account no kms:CreateGrant, which EFS needs
  // from whoever creates the file system with a customer key.
  const fileSystem = new EfsFileSystem(scope, "storage", {
    creationToken: name,
    encrypted: true,
    performanceMode: "generalPurpose",
    throughputMode: "elastic",
    tags: { Name: name },
  });
  new EfsBackupPolicy(scope, "backup", { fileSystemId: fileSystem.id, backupPolicy: { status: "ENABLED" } });
  const storageGroup = new SecurityGroup(scope, "storage-group", { vpcId: props.network.vpc.id, name: `${name}-storage`, description: "Gateway database file system: NFS from the gateway tasks only" });
  storageGroup.allowFrom({ group: props.securityGroup }, 2049, "NFS from the gateway tasks");
  props.securityGroup.allowTo({ group: storageGroup }, 2049, "Gateway to its database file system (NFS over TLS)");
  // Named by the subnet's construct id (its zone), so adding a zone never renumbers the others.
  const mountTargets = props.network.subnets.map((s) => new EfsMountTarget(scope, `mount-${s.node.id}`, { fileSystemId: fileSystem.id, subnetId: s.id, securityGroups: [storageGroup.id] }));
  const accessPoint = new EfsAccessPoint(scope, "access-point", {
    fileSystemId: fileSystem.id,
    posixUser: { uid, gid: uid },
    // Not 0.7's "/gateway" (owned by uid 1001, mode 0700, unreadable to 10001): 1.x starts a new database (docs/service.md, "Upgrading from 0.7").
    rootDirectory: { path: "/context-forge", creationInfo: { ownerUid: uid, ownerGid: uid, permissions: "0700" } },
    tags: { Name: name },
  });

  taskRole.addToPolicy({
    sid: "MountGatewayDatabase",
    actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    resources: [fileSystem.arn],
    condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
  });
  new EfsFileSystemPolicy(scope, "storage-policy", {
    fileSystemId: fileSystem.id,
    policy: policyDocument([
      {
        sid: "GatewayTasksThroughAccessPoint",
        principal: { AWS: taskRole.arn },
        actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        resources: [fileSystem.arn],
        condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
      },
      {
        sid: "DenyWithoutTls",
        effect: "Deny",
        principal: "*",
        actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
        resources: [fileSystem.arn],
        condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]),
  });
  return {
    fileSystem,
    accessPoint,
    storageGroup,
    // Over TLS, as the task role through the access point: the file system policy refuses anything else.
    volumes: [{ name: "database", efsVolumeConfiguration: { fileSystemId: fileSystem.id, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: accessPoint.id, iam: "ENABLED" } } }],
    ready: mountTargets,
  };
}
