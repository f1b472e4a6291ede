import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { GATEWAY_DATABASE_CA, RDS_CA_SOURCE, rdsRootCertificate } from "../lib/rds-ca";
import { EncryptionKey, GRANT_ENCRYPTION_ACTIONS } from "./encryption-key";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ownedSecret, ServiceRole } from "./service-role";

/** PostgreSQL's port; the instance listens on it and only the gateway tasks may reach it. */
export const POSTGRES_PORT = 5432;
/**
 * The major version. Context Forge supports PostgreSQL 14+ (v1.0.8 docs/docs/manage/supported-databases.md "Version
 * Requirements"; its compose file runs 18). 17 is a major RDS has offered long enough to have a settled default minor;
 * minor versions follow RDS's defaults (auto minor upgrade).
 */
export const POSTGRES_MAJOR = "17";
/** The database and its owner; the owner's password exists only in the secret RDS manages. */
export const GATEWAY_DATABASE_NAME = "contextforge";
export const GATEWAY_DATABASE_USER = "contextforge";
/** Instance classes without Performance Insights (RDS "Amazon RDS DB engine, Region, and instance class support for Database Insights"). */
const NO_INSIGHTS = /^db\.t(2|3|4g)\.(micro|small)$/;

export interface GatewayDatabaseProps {
  readonly env: AwsEnv;
  readonly network: Network;
  /** The environment key: storage, Performance Insights, the master password secret and the log group. */
  readonly key: EncryptionKey;
  /** The gateway tasks' security group: the only source admitted on 5432. */
  readonly clients: SecurityGroup;
  /** CloudWatch retention of the PostgreSQL log (the kit's logs.retentionDays). */
  readonly retentionDays: number;
  /** Grants kms:Decrypt through Secrets Manager (Secrets.grantDecryptThroughSecretsManager), once per role. */
  readonly grantDecrypt: (role: ServiceRole) => void;
  /** @default "db.t4g.small" */
  readonly instanceClass?: string;
  /** Initial storage; it grows by itself up to ten times this. @default 20 */
  readonly storageGiB?: number;
  /** A synchronous standby in another zone that RDS fails over to. @default false */
  readonly multiAz?: boolean;
  /** RDS refuses to delete the instance (a destroy or a replacement fails until it is turned off). @default false */
  readonly deletionProtection?: boolean;
  /** Days RDS keeps automated backups (point-in-time recovery), 1 to 35. @default 7 */
  readonly backupRetentionDays?: number;
  /** Delete without a final snapshot; when false, RDS takes `<identifier>-final` first. @default true */
  readonly skipFinalSnapshot?: boolean;
  /** Changes take effect at once instead of in the next maintenance window (a class change restarts the instance). @default true */
  readonly applyImmediately?: boolean;
}

/**
 * The gateway's PostgreSQL (RDS, one instance, Multi-AZ when asked) in the private subnets. RDS for PostgreSQL rather than
 * Aurora: the gateway keeps a few megabytes of registry and token metadata, a Multi-AZ instance already fails over to a
 * synchronous standby, and Aurora's smallest PostgreSQL instances cost several times a db.t4g.small. The master
 * password is generated and rotated by RDS in Secrets Manager (encrypted with the environment key), so it is never in
 * the plan or the state; TLS is forced; the PostgreSQL log goes to a log group made here with the kit's retention.
 */
export class GatewayDatabase extends Construct {
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  /** The secret RDS manages: JSON {username, password}. */
  readonly masterSecret: ReadableSecret;
  readonly port = POSTGRES_PORT;
  readonly databaseName = GATEWAY_DATABASE_NAME;
  readonly username = GATEWAY_DATABASE_USER;
  /**
   * The root certificate (PEM) that signs the instance's server certificate: RDS's CA `caCertIdentifier` of the
   * stack's region. Clients verify the server against it (libpq sslmode=verify-full), nothing else.
   */
  readonly caCertificatePem: string;

  constructor(scope: Construct, id: string, props: GatewayDatabaseProps) {
    super(scope, id);
    const { env, key } = props;
    const name = `${prefix(env)}-gateway`;
    const multiAz = props.multiAz ?? false;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const skipFinalSnapshot = props.skipFinalSnapshot ?? true;
    const instanceClass = props.instanceClass ?? "db.t4g.small";
    const storage = props.storageGiB ?? 20;
    if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass)) throw new Error(`${this.node.path}: instanceClass "${instanceClass}" is not an RDS instance class (e.g. db.t4g.small)`);
    if (storage < 20 || storage > 6144) throw new Error(`${this.node.path}: storageGiB ${storage} is outside gp3's 20 to 6144 GiB for RDS PostgreSQL`);
    // RDS takes 0 to 35; 0 turns automated backups and point-in-time recovery off, which the gateway's tokens and registry need.
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 1 || backupRetentionDays > 35) throw new Error(`${this.node.path}: backupRetentionDays ${backupRetentionDays} must be 1 to 35`);
    const caPem = rdsRootCertificate(env.region, GATEWAY_DATABASE_CA);
    if (!caPem) throw new Error(`${this.node.path}: ${RDS_CA_SOURCE} has no ${GATEWAY_DATABASE_CA} root for ${env.region}, so the gateway could not verify its database server`);
    this.caCertificatePem = caPem;

    // RDS encrypts storage and Performance Insights through grants it creates on the key for whoever creates the
    // instance; the same statement AWS's own aws/rds key policy has (kms:ViaService rds, this account).
    key.allowAccountThroughService("RdsEncryptsGatewayDatabase", "rds", GRANT_ENCRYPTION_ACTIONS);
    // RDS puts and rotates the master password in Secrets Manager with the key, on the caller's behalf: only secrets
    // RDS names rds!db-… (the managed master user secret), by the encryption context Secrets Manager sends.
    key.allowAccountThroughService("RdsManagesGatewayDatabaseSecret", "secretsmanager", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], {
      ArnLike: { "kms:EncryptionContext:SecretARN": arn(env, "secretsmanager", "secret:rds!db-*") },
    });

    this.securityGroup = new SecurityGroup(this, "group", { vpcId: props.network.vpc.id, name: `${name}-database`, description: "Gateway database: PostgreSQL from the gateway tasks only" });
    this.securityGroup.allowFrom({ group: props.clients }, POSTGRES_PORT, "PostgreSQL from the gateway tasks");
    props.clients.allowTo({ group: this.securityGroup }, POSTGRES_PORT, "Gateway to its PostgreSQL database (TLS)");

    const subnets = new DbSubnetGroup(this, "subnets", { name: `${name}-database`, description: "Private subnets of the gateway database", subnetIds: props.network.subnetIds });
    const parameters = new DbParameterGroup(this, "parameters", {
      name: `${name}-postgres${POSTGRES_MAJOR}`,
      family: `postgres${POSTGRES_MAJOR}`,
      description: "Gateway database: TLS required, connections and slow statements logged",
      parameter: [
        // Refuses every connection without TLS (RDS "Requiring an SSL connection to a PostgreSQL DB instance").
        { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS writes enabled_cloudwatch_logs_exports to this exact name; made first, it has the kit's retention and key
    // instead of RDS's never-expiring, unencrypted default.
    const identifier = name;
    this.logGroup = new CloudwatchLogGroup(this, "postgresql-log", {
      name: `/aws/rds/instance/${identifier}/postgresql`,
      retentionInDays: props.retentionDays,
      kmsKeyId: key.arn,
      logGroupClass: "STANDARD",
    });

    const insights = !NO_INSIGHTS.test(instanceClass);
    this.instance = new DbInstance(this, "instance", {
      identifier,
      engine: "postgres",
      engineVersion: POSTGRES_MAJOR,
      autoMinorVersionUpgrade: true,
      instanceClass,
      allocatedStorage: storage,
      maxAllocatedStorage: storage * 10,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      dbName: GATEWAY_DATABASE_NAME,
      username: GATEWAY_DATABASE_USER,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      // The gateway connects with a password (one DATABASE_URL; SQLAlchemy cannot mint IAM tokens per connection).
      iamDatabaseAuthenticationEnabled: false,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      // Explicit: the root the gateway trusts (caCertificatePem) must be the one RDS signs this instance's certificate with.
      caCertIdentifier: GATEWAY_DATABASE_CA,
      multiAz,
      deletionProtection: props.deletionProtection ?? false,
      backupRetentionPeriod: backupRetentionDays,
      copyTagsToSnapshot: true,
      skipFinalSnapshot,
      finalSnapshotIdentifier: skipFinalSnapshot ? undefined : `${identifier}-final`,
      enabledCloudwatchLogsExports: ["postgresql"],
      performanceInsightsEnabled: insights,
      performanceInsightsKmsKeyId: insights ? key.arn : undefined,
      // 7 days is the free tier.
      performanceInsightsRetentionPeriod: insights ? 7 : undefined,
      applyImmediately: props.applyImmediately ?? true,
      tags: { Name: name },
      dependsOn: [this.logGroup],
    });

    // RDS puts the first value while it creates the instance.
    this.masterSecret = ownedSecret({ arn: this.instance.masterUserSecret.get(0).secretArn, firstValue: [this.instance], sid: "ReadGatewayDatabaseSecret", grantDecrypt: props.grantDecrypt });
  }

  /** The instance's address (no port). */
  get host(): string {
    return this.instance.address;
  }
}
