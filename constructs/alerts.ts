import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { policyDocument } from "../lib/iam";
import { EncryptionKey } from "./encryption-key";

/*
 * What the MCP server writes, checked against IBM/ibmi-mcp-server v0.5.1 (packages/server/src):
 * - utils/internal/logger.ts: pino, one JSON object per line on stderr (what awslogs captures), message in `msg`,
 *   context fields spread at the top level (`logger.warning(context, "…")`).
 * - mcp-server/transports/auth/authMiddleware.ts: "Authorization header missing or invalid.",
 *   "Bearer token is missing from Authorization header.", "Authentication verification failed." (all warning);
 *   ibmi-mcp-server/auth/httpAuthEndpoint.ts: "Authentication request failed" (POST /api/v1/auth).
 * - mcp-server/transports/auth/lib/authUtils.ts: "Authorization failed: Missing required scopes.";
 *   mcp-server/transports/http/httpTransport.ts: "Rate limit check failed.";
 *   httpAuthEndpoint.ts: "TLS required for authentication endpoint".
 * - utils/internal/performance.ts (measureToolExecution, used by every tool): "Tool execution finished." with
 *   `performance.toolName` and `performance.isSuccess`. Tool annotations (destructiveHint) are not logged, so
 *   destructive tools not named after their verb must be listed in `destructiveToolNames`.
 */
const MCP_AUTH_FAILURE_MESSAGES = [
  "Authorization header missing or invalid.",
  "Bearer token is missing from Authorization header.",
  "Authentication verification failed.",
  "Authentication request failed",
];
const MCP_DENIED_MESSAGES = ["Authorization failed: Missing required scopes.", "Rate limit check failed.", "TLS required for authentication endpoint"];
const MCP_TOOL_FINISHED = "Tool execution finished.";

/** Verbs in a tool name that mark it as changing or destroying something on the IBM i system. */
export const DESTRUCTIVE_VERBS = ["delete", "drop", "remove", "truncate", "purge", "kill", "end_job", "clear", "destroy"] as const;

/*
 * The gateway (IBM MCP Context Forge, Python on uvicorn) writes plain-text or JSON lines depending on LOG_FORMAT; a
 * term pattern matches both. Its rejections show in the uvicorn access log as the status with its phrase
 * ("POST /rpc HTTP/1.1" 401 Unauthorized). Not checked against a running gateway: see docs/secrets.md.
 */
const GATEWAY_AUTH_FAILURE_PATTERN = '"401 Unauthorized"';
const GATEWAY_DENIED_PATTERN = '"403 Forbidden"';

export type ComparisonOperator = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";

/** One CloudWatch alarm on a metric, published to the security topic. */
export interface AlarmSpec {
  /** What the alarm means and what to do, shown in the e-mail. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** @default no dimensions */
  readonly dimensions?: Record<string, string>;
  /** @default "Sum" */
  readonly statistic?: "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount";
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  readonly threshold: number;
  /** @default "GreaterThanOrEqualToThreshold" */
  readonly comparison?: ComparisonOperator;
}

export interface SecurityAlertsProps {
  readonly env: AwsEnv;
  /** Encrypts the topic; its policy is extended so CloudWatch alarms can publish. */
  readonly key: EncryptionKey;
  /** One e-mail subscription each (each recipient must confirm it). @default none */
  readonly emails?: readonly string[];
  /** Authentication failures tolerated in one hour before the alarm fires (also used for denied requests). */
  readonly authFailuresPerHour: number;
  /** Log group of the MCP server container (pino JSON). */
  readonly mcpServerLogs: CloudwatchLogGroup;
  /** Log group of the gateway container. */
  readonly gatewayLogs: CloudwatchLogGroup;
  /** Tools to treat as destructive although their names carry none of DESTRUCTIVE_VERBS (e.g. tools with destructiveHint). @default none */
  readonly destructiveToolNames?: readonly string[];
  /** Exact names of the destructive tools the tiers serve (lib/tool-catalogue.ts destructiveToolsOf). @default none */
  readonly destructiveTools?: readonly string[];
}

/**
 * Security alerts: an SNS topic encrypted with the environment key, an e-mail subscription per recipient, and
 * alarms on authentication failures, denied requests and destructive tool calls taken from the container logs.
 * Other constructs add their own alarms to the same topic with `alarmOn`.
 */
export class SecurityAlerts extends Construct {
  readonly topic: SnsTopic;
  /** Namespace of the metrics extracted from the logs. */
  readonly namespace: string;
  /** The destructive tools' exact names, as passed. */
  readonly destructiveTools: readonly string[];
  private readonly env: AwsEnv;

  constructor(scope: Construct, id: string, props: SecurityAlertsProps) {
    super(scope, id);
    if (!Number.isInteger(props.authFailuresPerHour) || props.authFailuresPerHour < 1) throw new Error(`${this.node.path}: authFailuresPerHour ${props.authFailuresPerHour} must be a whole number ≥ 1`);
    const env = (this.env = props.env);
    const name = prefix(env);
    this.namespace = `MCP/${env.environment}/Security`;
    this.destructiveTools = [...(props.destructiveTools ?? [])];

    this.topic = new SnsTopic(this, "topic", { name: `${name}-security-alerts`, displayName: `IBM i MCP ${env.environment} security alerts`, kmsMasterKeyId: props.key.arn });
    // Without this an alarm's publish to an encrypted topic fails silently: SNS encrypts with CloudWatch's identity.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    props.key.allowService("CloudWatchAlarmsPublishToEncryptedTopic", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]);
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          sid: "CloudWatchAlarmsOfThisAccountPublish",
          principal: { Service: "cloudwatch.amazonaws.com" },
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: { ArnLike: { "aws:SourceArn": arn(env, "cloudwatch", "alarm:*") }, StringEquals: { "aws:SourceAccount": env.accountId } },
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principal: "*",
          actions: ["sns:Publish", "sns:Subscribe", "sns:Receive", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic", "sns:ListSubscriptionsByTopic"],
          resources: [this.topic.arn],
          condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }

    const mcpNames = (messages: readonly string[]) => messages.map((m) => `($.msg = ${JSON.stringify(m)})`).join(" || ");
    this.logMetric("mcp-server-auth-failures", props.mcpServerLogs, "AuthFailures", `{ ${mcpNames(MCP_AUTH_FAILURE_MESSAGES)} }`);
    this.logMetric("gateway-auth-failures", props.gatewayLogs, "AuthFailures", GATEWAY_AUTH_FAILURE_PATTERN);
    this.logMetric("mcp-server-denied", props.mcpServerLogs, "DeniedRequests", `{ ${mcpNames(MCP_DENIED_MESSAGES)} }`);
    this.logMetric("gateway-denied", props.gatewayLogs, "DeniedRequests", GATEWAY_DENIED_PATTERN);
    this.logMetric("mcp-server-destructive-tool-calls", props.mcpServerLogs, "DestructiveToolCalls", destructiveToolPattern(props.destructiveToolNames ?? []));

    const perHour = props.authFailuresPerHour;
    this.alarmOn("auth-failures", {
      description: `More than ${perHour} authentication failures in one hour at the MCP server or gateway: check the logs for the source address and revoke the agent token if it leaked.`,
      namespace: this.namespace,
      metricName: "AuthFailures",
      periodSeconds: 3600,
      threshold: perHour,
      comparison: "GreaterThanThreshold",
    });
    this.alarmOn("denied-requests", {
      description: `More than ${perHour} requests denied in one hour (missing scope, rate limit, plain HTTP, HTTP 403): an agent is trying what it is not granted.`,
      namespace: this.namespace,
      metricName: "DeniedRequests",
      periodSeconds: 3600,
      threshold: perHour,
      comparison: "GreaterThanThreshold",
    });
    this.alarmOn("destructive-tool-calls", {
      description: "A destructive tool (delete/drop/remove/… or one listed as destructive) was called on the IBM i system: confirm it was intended.",
      namespace: this.namespace,
      metricName: "DestructiveToolCalls",
      periodSeconds: 300,
      threshold: 1,
    });
  }

  /** Adds an alarm that notifies the security topic when it fires and when it recovers. Missing data is not breaching. */
  alarmOn(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`${this.node.path}: alarm id "${id}" must be lowercase letters, digits and hyphens`);
    const period = spec.periodSeconds ?? 300;
    if (period < 60 || period % 60 !== 0) throw new Error(`${this.node.path}: alarm "${id}" periodSeconds ${period} must be a multiple of 60`);
    return new CloudwatchMetricAlarm(this, `alarm-${id}`, {
      alarmName: `${prefix(this.env)}-${id}`,
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic ?? "Sum",
      period,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison ?? "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
  }

  /** A metric filter counting matching lines of `logGroup` as `metricName` in this construct's namespace. */
  logMetric(id: string, logGroup: CloudwatchLogGroup, metricName: string, pattern: string): CloudwatchLogMetricFilter {
    return new CloudwatchLogMetricFilter(this, `filter-${id}`, {
      name: `${prefix(this.env)}-${id}`,
      logGroupName: logGroup.name,
      pattern,
      metricTransformation: { name: metricName, namespace: this.namespace, value: "1", defaultValue: "0", unit: "Count" },
    });
  }
}

/** JSON filter on the MCP server's tool-completion line whose tool name carries a destructive verb or is listed. */
export function destructiveToolPattern(extraNames: readonly string[]): string {
  for (const n of extraNames) if (!/^[A-Za-z0-9_.-]+$/.test(n)) throw new Error(`destructive tool name "${n}" may hold only letters, digits, "_", "." and "-"`);
  const names = [...DESTRUCTIVE_VERBS.map((v) => `*${v}*`), ...extraNames].map((n) => `($.performance.toolName = "${n}")`);
  const pattern = `{ ($.msg = ${JSON.stringify(MCP_TOOL_FINISHED)}) && (${names.join(" || ")}) }`;
  // CloudWatch Logs refuses filter patterns longer than 1024 characters (PutMetricFilter).
  if (pattern.length > 1024) throw new Error(`destructive tool filter is ${pattern.length} characters, CloudWatch accepts 1024: list fewer names`);
  return pattern;
}
