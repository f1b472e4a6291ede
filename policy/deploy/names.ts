/**
 * Name limits AWS enforces at create time, per resource type and attribute. Each entry cites the page it encodes.
 * Shared by MCP-DEPLOY-008 and the config-time test that the longest environment name still fits.
 */
export interface NameLimit {
  readonly type: string;
  readonly attr: string;
  readonly min: number;
  readonly max: number;
  /** Characters (and shape) AWS accepts, tested on the whole literal name. */
  readonly pattern: RegExp;
  /** What the pattern means, for the message. */
  readonly allowed: string;
  /** Further refusals: returns the problem or undefined. */
  readonly extra?: (name: string) => string | undefined;
  readonly doc: string;
}

const LB_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html";
const TG_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html";
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const ELB_ALLOWED = "letters, digits and hyphens, not starting or ending with a hyphen";

const RDS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/";
const CACHE_DOC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/";
const dbNameExtra = (n: string) => (n.includes("--") ? "must not contain two consecutive hyphens" : n.endsWith("-") ? "must not end with a hyphen" : undefined);

export const NAME_LIMITS: readonly NameLimit[] = [
  { type: "aws_lb", attr: "name", min: 1, max: 32, pattern: ELB_NAME, allowed: ELB_ALLOWED, extra: (n) => (n.startsWith("internal-") ? 'must not start with "internal-"' : undefined), doc: LB_DOC },
  { type: "aws_alb", attr: "name", min: 1, max: 32, pattern: ELB_NAME, allowed: ELB_ALLOWED, extra: (n) => (n.startsWith("internal-") ? 'must not start with "internal-"' : undefined), doc: LB_DOC },
  { type: "aws_lb", attr: "name_prefix", min: 1, max: 6, pattern: /^[A-Za-z0-9-]+$/, allowed: ELB_ALLOWED, doc: LB_DOC },
  { type: "aws_lb_target_group", attr: "name", min: 1, max: 32, pattern: ELB_NAME, allowed: ELB_ALLOWED, doc: TG_DOC },
  { type: "aws_alb_target_group", attr: "name", min: 1, max: 32, pattern: ELB_NAME, allowed: ELB_ALLOWED, doc: TG_DOC },
  { type: "aws_lb_target_group", attr: "name_prefix", min: 1, max: 6, pattern: /^[A-Za-z0-9-]+$/, allowed: ELB_ALLOWED, doc: TG_DOC },
  { type: "aws_iam_role", attr: "name", min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-", doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
  { type: "aws_iam_role", attr: "name_prefix", min: 1, max: 38, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-", doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
  { type: "aws_iam_role_policy", attr: "name", min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and +=,.@_-", doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
  {
    type: "aws_s3_bucket",
    attr: "bucket",
    min: 3,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    extra: (n) =>
      n.includes("..")
        ? 'must not contain ".."'
        : /^\d+\.\d+\.\d+\.\d+$/.test(n)
          ? "must not look like an IP address"
          : /^(xn--|sthree-|amzn-s3-demo-)/.test(n)
            ? "must not start with xn--, sthree- or amzn-s3-demo-"
            : /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(n)
              ? "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"
              : undefined,
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  },
  { type: "aws_s3_bucket", attr: "bucket_prefix", min: 1, max: 37, pattern: /^[a-z0-9][a-z0-9.-]*$/, allowed: "lowercase letters, digits, dots and hyphens", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
  { type: "aws_secretsmanager_secret", attr: "name", min: 1, max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, allowed: "letters, digits and /_+=.@-", doc: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html" },
  { type: "aws_cloudwatch_log_group", attr: "name", min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, allowed: "letters, digits and ._-/#", doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html" },
  { type: "aws_cloudwatch_log_metric_filter", attr: "name", min: 1, max: 512, pattern: /^[^:*]+$/, allowed: "any characters but : and *", doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html" },
  { type: "aws_cloudwatch_metric_alarm", attr: "alarm_name", min: 1, max: 255, pattern: /^[^\u0000-\u001f]+$/, allowed: "printable characters", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html" },
  { type: "aws_lambda_function", attr: "function_name", min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, _ and -", doc: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html" },
  { type: "aws_sns_topic", attr: "name", min: 1, max: 256, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, allowed: "letters, digits, _ and - (and a .fifo suffix)", doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html" },
  { type: "aws_ecs_cluster", attr: "name", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, _ and -", doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html" },
  { type: "aws_ecs_service", attr: "name", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, _ and -", doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html" },
  { type: "aws_ecs_task_definition", attr: "family", min: 1, max: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, _ and -", doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html" },
  {
    type: "aws_security_group",
    attr: "name",
    min: 1,
    max: 255,
    pattern: /^[\x20-\x7e]+$/,
    allowed: "ASCII characters",
    extra: (n) => (n.startsWith("sg-") ? 'must not start with "sg-"' : undefined),
    doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  {
    type: "aws_kms_alias",
    attr: "name",
    min: 7,
    max: 256,
    pattern: /^alias\/[A-Za-z0-9/_-]+$/,
    allowed: "alias/ followed by letters, digits and /_-",
    extra: (n) => (n.startsWith("alias/aws/") ? "must not start with alias/aws/ (reserved for AWS managed keys)" : undefined),
    doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
  },
  { type: "aws_kinesis_firehose_delivery_stream", attr: "name", min: 1, max: 64, pattern: /^[A-Za-z0-9_.-]+$/, allowed: "letters, digits and _.-", doc: "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html" },
  { type: "aws_cloudwatch_event_rule", attr: "name", min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, allowed: "letters, digits and ._-", doc: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html" },
  {
    type: "aws_cloudwatch_log_subscription_filter",
    attr: "name",
    min: 1,
    max: 512,
    pattern: /^[^:*]+$/,
    allowed: "any characters but : and *",
    doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html",
  },
  // RDS and ElastiCache identifiers: a letter first, letters, digits and hyphens, no "--", no trailing hyphen (stored lowercase).
  ...[
    ["aws_db_instance", "identifier", 63, `${RDS_DOC}API_CreateDBInstance.html`],
    ["aws_rds_cluster_instance", "identifier", 63, `${RDS_DOC}API_CreateDBInstance.html`],
    ["aws_rds_cluster", "cluster_identifier", 63, `${RDS_DOC}API_CreateDBCluster.html`],
    ["aws_db_parameter_group", "name", 255, `${RDS_DOC}API_CreateDBParameterGroup.html`],
    ["aws_rds_cluster_parameter_group", "name", 255, `${RDS_DOC}API_CreateDBClusterParameterGroup.html`],
    ["aws_db_subnet_group", "name", 255, `${RDS_DOC}API_CreateDBSubnetGroup.html`],
    ["aws_elasticache_replication_group", "replication_group_id", 40, `${CACHE_DOC}API_CreateReplicationGroup.html`],
    ["aws_elasticache_cluster", "cluster_id", 50, `${CACHE_DOC}API_CreateCacheCluster.html`],
  ].map(([type, attr, max, doc]): NameLimit => ({
    type: type as string,
    attr: attr as string,
    min: 1,
    max: max as number,
    pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
    allowed: "letters, digits and hyphens, starting with a letter",
    extra: dbNameExtra,
    doc: doc as string,
  })),
  {
    type: "aws_ecr_pull_through_cache_rule",
    attr: "ecr_repository_prefix",
    min: 2,
    max: 30,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/?)+$/,
    allowed: "lowercase letters, digits and ._-/ (no leading or trailing separator)",
    doc: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html",
  },
];

/** The problem with a name under a limit, or undefined. Expressions (`${…}`) are left out of the check. */
export function nameProblem(limit: NameLimit, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (value.includes("${")) {
    // Only the literal parts are known: check their characters; their length is a lower bound.
    const literal = value.replace(/\$\{[^}]*\}/g, "");
    if (literal.length > limit.max) return `${limit.attr} "${value}" is longer than ${limit.max} characters even before its expressions are filled in`;
    return undefined;
  }
  if (value.length < limit.min || value.length > limit.max) return `${limit.attr} "${value}" has ${value.length} characters; AWS accepts ${limit.min}–${limit.max}`;
  if (!limit.pattern.test(value)) return `${limit.attr} "${value}" has characters AWS refuses; allowed: ${limit.allowed}`;
  const extra = limit.extra?.(value);
  return extra ? `${limit.attr} "${value}" ${extra}` : undefined;
}
