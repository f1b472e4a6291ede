import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { policyDocument, Statement } from "../lib/iam";
import { EncryptionKey } from "./encryption-key";
import { ServiceRole } from "./service-role";
import { MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";

export interface ObjectLock {
  readonly mode: "GOVERNANCE" | "COMPLIANCE";
  /** Days each archived object stays locked; at most the retention. */
  readonly days: number;
}

export interface AuditLogsProps {
  readonly env: AwsEnv;
  readonly key: EncryptionKey;
  /** Days CloudWatch keeps every log group (a value CloudWatch accepts, ≥ 90); also the buckets' lifecycle. */
  readonly retentionDays: number;
  /** Object Lock default retention on the audit bucket. Enabling it later replaces the bucket. @default none */
  readonly objectLock?: ObjectLock;
}

/**
 * Accounts that deliver ALB access logs in Regions opened before August 2022, where the bucket policy must name
 * them; newer Regions accept only the logdelivery.elasticloadbalancing.amazonaws.com service principal, which
 * the policy always names. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const LEGACY_ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
};

/** Prefix of the audit bucket's server access logs in the access-log bucket. */
export const S3_ACCESS_LOGS_PREFIX = "s3-access";

/**
 * The environment's audit trail: one KMS-encrypted log group per source, all kept `retentionDays`; an audit bucket
 * (versioned, private, SSE-KMS with the environment key, TLS only, lifecycle = retention, optional Object Lock)
 * that receives every record of the MCP server, gateway and flow log groups through Firehose; and a separate
 * SSE-S3 bucket for the load balancer's access logs (ELB cannot write to SSE-KMS buckets).
 */
export class AuditLogs extends Construct {
  readonly mcpServer: CloudwatchLogGroup;
  readonly gateway: CloudwatchLogGroup;
  readonly flowLogs: CloudwatchLogGroup;
  /** Long-term, encrypted copy of the log groups above. */
  readonly auditBucket: S3Bucket;
  /** Destination of the load balancer's access logs (pass with `accessLogsPrefix`). */
  readonly accessLogsBucket: S3Bucket;
  /** The prefix the load balancer must write under; the bucket policy admits ELB only there. */
  readonly accessLogsPrefix = "alb";
  /** The access-log bucket's policy: AWS test-writes to the bucket when access logs are enabled, so the load balancer waits for it. */
  readonly accessLogsBucketPolicy: S3BucketPolicy;
  /** Carries log records from the subscription filters into the audit bucket. */
  readonly archiveStream: KinesisFirehoseDeliveryStream;
  private readonly props: AuditLogsProps;

  constructor(scope: Construct, id: string, props: AuditLogsProps) {
    super(scope, id);
    if (props.retentionDays < MIN_LOG_RETENTION_DAYS) throw new Error(`${this.node.path}: retentionDays ${props.retentionDays} is below the ${MIN_LOG_RETENTION_DAYS} days the seed asks for`);
    if (props.objectLock && (!Number.isInteger(props.objectLock.days) || props.objectLock.days < 1 || props.objectLock.days > props.retentionDays)) {
      throw new Error(`${this.node.path}: objectLock.days ${props.objectLock.days} must be 1 to retentionDays (${props.retentionDays})`);
    }
    this.props = props;
    this.mcpServer = this.logGroup("mcp-server");
    this.gateway = this.logGroup("gateway");
    this.flowLogs = this.logGroup("vpc-flow-logs");

    const env = props.env;
    const name = prefix(env);
    const auditBucketName = `${name}-audit-${env.accountId}-${env.region}`;
    // SSE-S3, as ELB requires; it also takes the audit bucket's server access logs (a log target cannot use SSE-KMS).
    // Its name predates that second use and stays: renaming a bucket replaces it.
    ({ bucket: this.accessLogsBucket, policy: this.accessLogsBucketPolicy } = this.bucket("access-logs-bucket", `${name}-alb-logs-${env.accountId}-${env.region}`, "AES256", (bucketArn) => {
      const objects = `${bucketArn}/${this.accessLogsPrefix}/AWSLogs/${env.accountId}/*`;
      const statements: Statement[] = [{ sid: "LoadBalancerLogDelivery", principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, actions: ["s3:PutObject"], resources: [objects] }];
      const legacy = LEGACY_ELB_LOG_ACCOUNTS[env.region];
      if (legacy) statements.push({ sid: "LegacyRegionLoadBalancerLogDelivery", principal: { AWS: `arn:${env.partition}:iam::${legacy}:root` }, actions: ["s3:PutObject"], resources: [objects] });
      // S3 server access logging writes as this service principal; only for the environment's own buckets in this
      // account (the audit bucket, the JWKS bucket: constructs/jwks-bucket.ts), all named mcp-<env>-<what>-<account>-<region>.
      statements.push({
        sid: "AuditBucketAccessLogDelivery",
        principal: { Service: "logging.s3.amazonaws.com" },
        actions: ["s3:PutObject"],
        resources: [`${bucketArn}/${S3_ACCESS_LOGS_PREFIX}/*`],
        condition: { ArnLike: { "aws:SourceArn": [`arn:${env.partition}:s3:::${auditBucketName}`, `arn:${env.partition}:s3:::${name}-jwks-${env.accountId}-${env.region}`] }, StringEquals: { "aws:SourceAccount": env.accountId } },
      });
      return statements;
    }));

    this.auditBucket = this.bucket("audit-bucket", auditBucketName, "kms", [], props.objectLock).bucket;
    // Who read, copied or deleted archived audit records is itself audit data (cdk-nag S1, checkov CKV_AWS_18).
    new S3BucketLoggingA(this, "audit-bucket-access-logging", {
      bucket: this.auditBucket.id,
      targetBucket: this.accessLogsBucket.id,
      targetPrefix: `${S3_ACCESS_LOGS_PREFIX}/`,
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      // S3 checks at PutBucketLogging that the target bucket's policy admits the logging service.
      dependsOn: [this.accessLogsBucketPolicy],
    });

    this.archiveStream = this.archive([this.mcpServer, this.gateway, this.flowLogs]);
  }

  /** A log group named `/mcp/<env>/<name>` with the environment's retention and key. */
  logGroup(name: string): CloudwatchLogGroup {
    return new CloudwatchLogGroup(this, name, {
      name: `/mcp/${this.props.env.environment}/${name}`,
      retentionInDays: this.props.retentionDays,
      kmsKeyId: this.props.key.arn,
      logGroupClass: "STANDARD",
    });
  }

  /** A private, versioned, TLS-only bucket whose objects expire (all versions) after the retention period. */
  private bucket(id: string, bucketName: string, encryption: "kms" | "AES256", extra: Statement[] | ((bucketArn: string) => Statement[]), lock?: ObjectLock): { bucket: S3Bucket; policy: S3BucketPolicy } {
    if (bucketName.length > 63) throw new Error(`${this.node.path}: bucket name ${bucketName} is longer than 63 characters`);
    const scope = new Construct(this, id);
    const bucket = new S3Bucket(scope, "bucket", { bucket: bucketName, objectLockEnabled: lock ? true : undefined, forceDestroy: false });
    new S3BucketOwnershipControls(scope, "ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const publicAccess = new S3BucketPublicAccessBlock(scope, "public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(scope, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
      bucket: bucket.id,
      rule: [encryption === "kms" ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.props.key.arn }, bucketKeyEnabled: true } : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    const days = this.props.retentionDays;
    new S3BucketLifecycleConfiguration(scope, "lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-after-retention",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days }],
          noncurrentVersionExpiration: [{ noncurrentDays: days }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      // Noncurrent-version rules are refused until versioning is on.
      dependsOn: [versioning],
    });
    if (lock) {
      new S3BucketObjectLockConfigurationA(scope, "object-lock", { bucket: bucket.id, rule: { defaultRetention: { mode: lock.mode, days: lock.days } }, dependsOn: [versioning] });
    }
    const objects = `${bucket.arn}/*`;
    const policy = new S3BucketPolicy(scope, "policy", {
      bucket: bucket.id,
      policy: policyDocument([
        ...(typeof extra === "function" ? extra(bucket.arn) : extra),
        // s3:* as in AWS's own TLS-only policy: listing actions would leave the rest (bucket settings, ACLs) open over HTTP.
        { sid: "DenyInsecureTransport", effect: "Deny", principal: "*", actions: ["s3:*"], resources: [bucket.arn, objects], condition: { Bool: { "aws:SecureTransport": "false" } } },
      ]),
      // S3 answers PutBucketPolicy with a conflict while the public access block is still being applied.
      dependsOn: [publicAccess],
    });
    return { bucket, policy };
  }

  /** Firehose into the audit bucket, fed by a subscription filter on each log group. */
  private archive(groups: readonly CloudwatchLogGroup[]): KinesisFirehoseDeliveryStream {
    const env = this.props.env;
    const name = prefix(env);
    const scope = new Construct(this, "archive");
    const firehoseRole = new ServiceRole(scope, "firehose-role", { env, name: `${name}-audit-firehose`, assumedBy: "firehose.amazonaws.com", description: "Writes archived log records into the audit bucket" });
    firehoseRole.addToPolicy({
      sid: "WriteAuditBucket",
      actions: ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"],
      resources: [this.auditBucket.arn, `${this.auditBucket.arn}/*`],
    });
    this.props.key.grantEncryptDecrypt(firehoseRole, "AuditFirehoseWritesThroughS3", { StringEquals: { "kms:ViaService": `s3.${env.region}.amazonaws.com` } });
    const stream = new KinesisFirehoseDeliveryStream(scope, "stream", {
      name: `${name}-audit-archive`,
      destination: "extended_s3",
      // Records wait in Firehose encrypted with an AWS-owned key: a customer key here would need kms:CreateGrant
      // for the deployer, which the environment key's policy does not give.
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: this.auditBucket.arn,
        prefix: "cloudwatch-logs/",
        errorOutputPrefix: "cloudwatch-logs-errors/!{firehose:error-output-type}/",
        bufferingInterval: 300,
        bufferingSize: 5,
        // CloudWatch Logs already gzips every record it sends; compressing again would double-wrap them.
        compressionFormat: "UNCOMPRESSED",
      },
      dependsOn: policyOf(firehoseRole),
    });
    const logsRole = new ServiceRole(scope, "subscription-role", { env, name: `${name}-audit-subscription`, assumedBy: `logs.${env.region}.amazonaws.com`, description: "Lets CloudWatch Logs send log records to the audit Firehose stream" });
    logsRole.addToPolicy({ sid: "PutRecordsToArchive", actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], resources: [stream.arn] });
    for (const group of groups) {
      new CloudwatchLogSubscriptionFilter(scope, `subscription-${group.node.id}`, {
        name: `${name}-audit-archive`,
        logGroupName: group.name,
        filterPattern: "",
        destinationArn: stream.arn,
        roleArn: logsRole.arn,
        // CloudWatch Logs tests the role when the filter is created.
        dependsOn: policyOf(logsRole),
      });
    }
    return stream;
  }
}

/** The role's inline policy resource, for `dependsOn` where AWS checks the permissions at creation time. */
function policyOf(role: ServiceRole): IamRolePolicy[] {
  return role.policyResource ? [role.policyResource] : [];
}
