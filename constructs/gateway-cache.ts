import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { suppress } from "../lib/resource-meta";
import { AuditLogs } from "./audit-logs";
import { EncryptionKey, GRANT_ENCRYPTION_ACTIONS } from "./encryption-key";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ownedSecret, ServiceRole } from "./service-role";
import { VpcFunction } from "./vpc-function";

export const VALKEY_PORT = 6379;
/** Valkey 8: ElastiCache's Valkey engine speaks the Redis protocol redis-py (Context Forge v1.0.8 pyproject.toml:107, redis>=8.0.1) uses. */
export const VALKEY_VERSION = "8.0";
/** What the gateway's user may do: every key, channel and command (Context Forge uses keys, pub/sub and Lua for its cache, sessions and leader election). */
export const GATEWAY_CACHE_ACCESS = "on ~* &* +@all";

export interface GatewayCacheProps {
  readonly env: AwsEnv;
  readonly network: Network;
  /** The environment key: data at rest, the password secret, the log groups. */
  readonly key: EncryptionKey;
  /** The gateway tasks' security group: the only source admitted on 6379. */
  readonly clients: SecurityGroup;
  /** Log groups of the password function; retention of the cache's own logs. */
  readonly logs: AuditLogs;
  readonly retentionDays: number;
  /** Grants kms:Decrypt through Secrets Manager (Secrets.grantDecryptThroughSecretsManager), once per role. */
  readonly grantDecrypt: (role: ServiceRole) => void;
  /** @default "cache.t4g.micro" */
  readonly nodeType?: string;
  /**
   * A replica (two nodes) that ElastiCache promotes when the primary fails; CreateReplicationGroup needs
   * NumCacheClusters 2 or more with AutomaticFailoverEnabled. @default false
   */
  readonly automaticFailover?: boolean;
  /** The replica in another zone than the primary; needs automaticFailover (the provider's multi_az_enabled requires it). @default automaticFailover */
  readonly multiAz?: boolean;
  /** Days ElastiCache keeps daily snapshots, 0 (none) to 35. @default 1 */
  readonly snapshotRetentionDays?: number;
  /** Changes take effect at once instead of in the next maintenance window (a node type change restarts the nodes). @default true */
  readonly applyImmediately?: boolean;
  /** A deleted secret's name stays taken this long. @default 30 */
  readonly recoveryWindowDays?: number;
}

/**
 * The gateway's shared cache (Context Forge: CACHE_TYPE=redis for its cache, sessions and leader election across
 * tasks): an ElastiCache for Valkey replication group in the private subnets, TLS required, encrypted at rest with the
 * environment key, a replica in another zone with automatic failover when asked, slow and engine logs to CloudWatch.
 *
 * Authentication is RBAC, and no password is ever in the plan or the state: aws_elasticache_replication_group takes its
 * AUTH token and aws_elasticache_user its passwords only as plain Terraform values, so the user is created with IAM
 * authentication (no password at all) and a function of the kit (functions/cache-password) generates the password
 * inside AWS on apply, stores it in a Secrets Manager secret and sets it on the user. The built-in `default` user is
 * replaced by one that is switched off.
 */
export class GatewayCache extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  readonly securityGroup: SecurityGroup;
  readonly user: ElasticacheUser;
  /** The gateway user's password (a plain string secret). */
  readonly password: ReadableSecret;
  readonly passwordFunction: VpcFunction;
  readonly logGroups: { readonly slowLog: CloudwatchLogGroup; readonly engineLog: CloudwatchLogGroup };
  readonly port = VALKEY_PORT;

  constructor(scope: Construct, id: string, props: GatewayCacheProps) {
    super(scope, id);
    const { env, key } = props;
    const name = `${prefix(env)}-gateway`;
    const automaticFailover = props.automaticFailover ?? false;
    const multiAz = props.multiAz ?? automaticFailover;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 1;
    if (multiAz && !automaticFailover) throw new Error(`${this.node.path}: multiAz needs automaticFailover: ElastiCache fails over to the replica in the other zone`);
    if (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < 0 || snapshotRetentionDays > 35) throw new Error(`${this.node.path}: snapshotRetentionDays ${snapshotRetentionDays} must be 0 to 35`);
    const nodeType = props.nodeType ?? "cache.t4g.micro";
    if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) throw new Error(`${this.node.path}: nodeType "${nodeType}" is not an ElastiCache node type (e.g. cache.t4g.micro)`);
    if (name.length > 40) throw new Error(`${this.node.path}: replication group id ${name} is longer than ElastiCache's 40 characters`);

    // ElastiCache encrypts at rest through grants on the key for whoever creates the group (as for aws/elasticache).
    key.allowAccountThroughService("ElastiCacheEncryptsGatewayCache", "elasticache", GRANT_ENCRYPTION_ACTIONS);

    this.securityGroup = new SecurityGroup(this, "group", { vpcId: props.network.vpc.id, name: `${name}-cache`, description: "Gateway cache: Valkey (TLS) from the gateway tasks only" });
    this.securityGroup.allowFrom({ group: props.clients }, VALKEY_PORT, "Valkey from the gateway tasks");
    props.clients.allowTo({ group: this.securityGroup }, VALKEY_PORT, "Gateway to its Valkey cache (TLS)");

    // IAM users need user name = user id (ElastiCache "Authenticating with IAM"); the password set later keeps both.
    this.user = new ElasticacheUser(this, "gateway-user", {
      userId: name,
      userName: name,
      engine: "valkey",
      accessString: GATEWAY_CACHE_ACCESS,
      authenticationMode: { type: "iam" },
      // functions/cache-password switches it to a password Terraform never sees; without this the next apply would switch it back.
      lifecycle: { ignoreChanges: ["authentication_mode"] },
      tags: { Name: name },
    });
    // Every user group must hold a user named "default"; this one cannot be used (off, no commands).
    const disabledDefault = new ElasticacheUser(this, "default-user", {
      userId: `${name}-default`,
      userName: "default",
      engine: "valkey",
      accessString: "off -@all",
      authenticationMode: { type: "no-password-required" },
      tags: { Name: `${name}-default` },
    });
    const userGroup = new ElasticacheUserGroup(this, "users", { userGroupId: name, engine: "valkey", userIds: [disabledDefault.userId, this.user.userId], tags: { Name: name } });

    const subnets = new ElasticacheSubnetGroup(this, "subnets", { name: `${name}-cache`, description: "Private subnets of the gateway cache", subnetIds: props.network.subnetIds });
    const logGroup = (kind: "slow-log" | "engine-log") => new CloudwatchLogGroup(this, kind, { name: `/aws/elasticache/${name}/${kind}`, retentionInDays: props.retentionDays, kmsKeyId: key.arn, logGroupClass: "STANDARD" });
    this.logGroups = { slowLog: logGroup("slow-log"), engineLog: logGroup("engine-log") };

    this.replicationGroup = new ElasticacheReplicationGroup(this, "cache", {
      replicationGroupId: name,
      description: `Cache, sessions and leader election of the MCP gateway (${env.environment})`,
      engine: "valkey",
      engineVersion: VALKEY_VERSION,
      parameterGroupName: "default.valkey8",
      nodeType,
      port: VALKEY_PORT,
      numCacheClusters: automaticFailover ? 2 : 1,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: "true",
      kmsKeyId: key.arn,
      userGroupIds: [userGroup.userGroupId],
      subnetGroupName: subnets.name,
      securityGroupIds: [this.securityGroup.id],
      snapshotRetentionLimit: snapshotRetentionDays,
      autoMinorVersionUpgrade: "true",
      applyImmediately: props.applyImmediately ?? true,
      logDeliveryConfiguration: [
        { destination: this.logGroups.slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        { destination: this.logGroups.engineLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "engine-log" },
      ],
      tags: { Name: name },
      dependsOn: [this.logGroups.slowLog, this.logGroups.engineLog],
    });

    // Generated inside AWS by the function below, never rotated: the tasks read it only at start (see docs/service.md).
    const secret = new SecretsmanagerSecret(this, "password", {
      name: `mcp/${env.environment}/gateway-cache-password`,
      description: `Password of the ElastiCache user ${name}; generated and set on the user by ${name.replace(/-gateway$/, "")}-cache-password on apply`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
    });
    suppress(secret, "MCP-SEC-002", "generated once inside AWS by the cache-password function and set on the ElastiCache user; rotating it needs a two-password ModifyUser and a gateway restart, which the kit does not do yet");

    this.passwordFunction = new VpcFunction(this, "password-function", {
      env,
      name: "cache-password",
      description: `Generates the password of ElastiCache user ${name} inside AWS and sets it on the user`,
      network: props.network,
      logs: props.logs,
      environment: { SECRET_ID: secret.arn, USER_ID: this.user.userId, ACCESS_STRING: GATEWAY_CACHE_ACCESS },
      // Two waits for the user to become active, 3 minutes at most each.
      timeoutSeconds: 420,
    });
    const fnRole = this.passwordFunction.role;
    fnRole.addToPolicy({ sid: "PutCachePassword", actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], resources: [secret.arn] });
    fnRole.addToPolicy({ sid: "GeneratePassword", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"], why: 'GetRandomPassword acts on no resource, so IAM accepts only "*" for it.' });
    fnRole.addToPolicy({ sid: "SetCacheUserPassword", actions: ["elasticache:DescribeUsers", "elasticache:ModifyUser"], resources: [arn(env, "elasticache", `user:${name}`)] });
    key.grantEncryptDecrypt(fnRole, "CachePasswordFunction", { StringEquals: { "kms:ViaService": `secretsmanager.${env.region}.amazonaws.com` } });

    const invocation = new LambdaInvocation(this, "set-password", {
      functionName: this.passwordFunction.functionName,
      input: JSON.stringify({}),
      lifecycleScope: "CREATE_ONLY",
      // The user must be in the group of a running cache; the function reaches AWS through the VPC endpoints.
      dependsOn: [this.replicationGroup, ...this.passwordFunction.ready],
    });

    this.password = ownedSecret({ arn: secret.arn, firstValue: [invocation], sid: "ReadGatewayCachePassword", grantDecrypt: props.grantDecrypt });
  }

  /** The primary endpoint's address (writes go there; it follows a failover). */
  get host(): string {
    return this.replicationGroup.primaryEndpointAddress;
  }

  /** The name the gateway authenticates as. */
  get userName(): string {
    return this.user.userName;
  }
}
