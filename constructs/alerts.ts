import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { policyDocument } from "../lib/iam";
import { REFUSALS_METRIC as CANARY_REFUSALS_METRIC } from "../functions/auth-canary/contract";
import { EncryptionKey } from "./encryption-key";

/*
 * What the MCP server writes, checked against IBM/ibmi-mcp-server v0.5.1 (packages/server/src). The logger
 * (utils/internal/logger.ts:93-101, 176-205) is pino with transport targets: outside a TTY (always on Fargate) one JSON
 * object per line on stderr, which awslogs ships as one event. pino writes the level as a number (warn 40, info 30;
 * `logger.warning` maps to pino's warn, logger.ts:30-39), the message in `msg`, the base fields pid, hostname, env
 * and `name` (MCP_SERVER_NAME), and the context object's fields at the top level (logger.ts:276).
 * test/constructs/alerts.test.ts cites the statement behind every message below and runs each pattern on such lines.
 */
const PINO_WARN = 40;
const PINO_INFO = 30;
/** Written once per refused request: authMiddleware.ts:36, :46-49, :81-87; ibmi auth endpoint httpAuthEndpoint.ts:324-331. */
const MCP_AUTH_FAILURE_MESSAGES = ["Authorization header missing or invalid.", "Bearer token is missing from Authorization header.", "Authentication verification failed.", "Authentication request failed"];
/** lib/authUtils.ts:66-69, http/httpTransport.ts:342-345, ibmi-mcp-server/auth/httpAuthEndpoint.ts:182-193. */
const MCP_DENIED_MESSAGES = ["Authorization failed: Missing required scopes.", "Rate limit check failed.", "TLS required for authentication endpoint"];
/** utils/internal/performance.ts:114-123 (every tool call, success or not): `performance.toolName`. */
const MCP_TOOL_FINISHED = "Tool execution finished.";
/** http/httpTransport.ts:359-362: the server came up over HTTP with MCP_AUTH_MODE=none. */
const MCP_AUTH_DISABLED = "No authentication strategy found, auth middleware disabled.";

/*
 * What the gateway writes, checked against IBM/mcp-context-forge v1.0.8: run-gunicorn.sh starts gunicorn with uvicorn
 * workers, its access lines on only with DISABLE_ACCESS_LOG=false (:380-385; the kit sets it); at start-up
 * mcpgateway/services/logging_service.py gives the root logger one console handler, the text formatter
 * `%(asctime)s - %(name)s - %(levelname)s - %(message)s` with dates `%Y-%m-%dT%H:%M:%S` (:48-49, :90) when LOG_FORMAT
 * is text (:328-332; config.py:1977 defaults to json, the kit sets text), and makes the uvicorn loggers propagate to it
 * (:728-751). Token checks raise HTTPException 401 with no line of their own: the one line every refused request has is
 * uvicorn's access line, `'%s - "%s %s HTTP/%s" %d'` (uvicorn/protocols/http/h11_impl.py and httptools_impl.py,
 * uvicorn >= 0.51 per the gateway's pyproject.toml:116), at INFO (the kit's LOG_LEVEL):
 *   2026-12-01T13:00:00 - uvicorn.access - INFO - 10.0.1.5:41234 - "POST /rpc HTTP/1.1" 401
 * No reason phrase: that is uvicorn's colouring AccessFormatter, which this handler does not use. A space-delimited
 * pattern reads its ten fields (the request in double quotes is one).
 */
const gatewayStatusPattern = (status: number) => `[timestamp, dash1, logger = "uvicorn.access", dash2, level, dash3, client, dash4, request, status = ${status}]`;

/** CloudWatch Logs refuses filter patterns longer than this (PutMetricFilter, filterPattern). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

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
  /** "breaching" for a metric that must keep arriving (a heartbeat): its absence fires the alarm. @default "notBreaching" */
  readonly treatMissingData?: "breaching" | "notBreaching";
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
  /**
   * Exact names of the tools whose every call is reported (the server logs no annotation, only the name): tools with
   * `destructiveHint` true, or `readOnlyHint` false without a hint (MCP's default for destructiveHint is true).
   * @default none: no destructive-call filter
   */
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

    this.logMetric("mcp-server-auth-failures", props.mcpServerLogs, "AuthFailures", mcpMessagePattern(PINO_WARN, MCP_AUTH_FAILURE_MESSAGES));
    this.logMetric("gateway-auth-failures", props.gatewayLogs, "AuthFailures", gatewayStatusPattern(401));
    this.logMetric("mcp-server-denied", props.mcpServerLogs, "DeniedRequests", mcpMessagePattern(PINO_WARN, MCP_DENIED_MESSAGES));
    this.logMetric("gateway-denied", props.gatewayLogs, "DeniedRequests", gatewayStatusPattern(403));
    this.logMetric("mcp-server-auth-disabled", props.mcpServerLogs, "AuthDisabled", mcpMessagePattern(PINO_INFO, [MCP_AUTH_DISABLED]));
    // Several filters when the names do not fit one pattern; all count into the same metric.
    destructiveToolPatterns(props.destructiveTools ?? []).forEach((pattern, i) => {
      this.logMetric(i === 0 ? "mcp-server-destructive-tool-calls" : `mcp-server-destructive-tool-calls-${i + 1}`, props.mcpServerLogs, "DestructiveToolCalls", pattern);
    });

    const perHour = props.authFailuresPerHour;
    // The auth canary's own probes are refused on purpose and logged like any failure: it counts them
    // (AuthCanaryRefusals) and the alarm subtracts them, so only failures nobody planned are compared to the threshold.
    new CloudwatchMetricAlarm(this, "alarm-auth-failures", {
      alarmName: `${name}-auth-failures`,
      alarmDescription: `More than ${perHour} authentication failures in one hour at the MCP server or gateway (the auth canary's own probes not counted): check the logs for the source address and revoke the agent token if it leaked.`,
      metricQuery: [
        { id: "failures", metric: { namespace: this.namespace, metricName: "AuthFailures", period: 3600, stat: "Sum" }, returnData: false },
        { id: "probes", metric: { namespace: this.namespace, metricName: CANARY_REFUSALS_METRIC, period: 3600, stat: "Sum" }, returnData: false },
        { id: "unplanned", expression: "failures - FILL(probes, 0)", label: "Authentication failures not caused by the auth canary", returnData: true },
      ],
      evaluationPeriods: 1,
      threshold: perHour,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
    this.alarmOn("denied-requests", {
      description: `More than ${perHour} requests denied in one hour (missing scope, rate limit, plain HTTP, HTTP 403 at the gateway): an agent is trying what it is not granted.`,
      namespace: this.namespace,
      metricName: "DeniedRequests",
      periodSeconds: 3600,
      threshold: perHour,
      comparison: "GreaterThanThreshold",
    });
    this.alarmOn("auth-disabled", {
      description: "An MCP server task started over HTTP with authentication disabled (MCP_AUTH_MODE=none): stop the service and check its environment; every tool is open to anyone who reaches port 3010.",
      namespace: this.namespace,
      metricName: "AuthDisabled",
      periodSeconds: 300,
      threshold: 1,
    });
    this.alarmOn("destructive-tool-calls", {
      description: "A destructive tool (one whose annotations allow writes) was called on the IBM i system: confirm it was intended.",
      namespace: this.namespace,
      metricName: "DestructiveToolCalls",
      periodSeconds: 300,
      threshold: 1,
    });
  }

  /** Adds an alarm that notifies the security topic when it fires and when it recovers. */
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
      treatMissingData: spec.treatMissingData ?? "notBreaching",
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

/** JSON pattern on the MCP server's lines of pino level `level` whose message is one of `messages`. */
export function mcpMessagePattern(level: number, messages: readonly string[]): string {
  const pattern = `{ ($.level = ${level}) && (${messages.map((m) => `$.msg = ${JSON.stringify(m)}`).join(" || ")}) }`;
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) throw new Error(`filter for ${messages.length} messages is ${pattern.length} characters, CloudWatch accepts ${MAX_FILTER_PATTERN_LENGTH}`);
  return pattern;
}

/**
 * JSON patterns on the MCP server's tool-completion line (one per call, success or not) naming one of `tools`
 * exactly. Names go into as few patterns as fit CloudWatch's 1024 characters, each to be its own filter.
 */
export function destructiveToolPatterns(tools: readonly string[]): string[] {
  const names = [...new Set(tools)];
  // Tool names as MCP allows them; anything else could break out of the quoted value.
  for (const n of names) if (!/^[A-Za-z0-9_.-]{1,128}$/.test(n)) throw new Error(`destructive tool name "${n}" may hold only 1 to 128 letters, digits, "_", "." and "-"`);
  const build = (group: readonly string[]) => `{ ($.msg = ${JSON.stringify(MCP_TOOL_FINISHED)}) && (${group.map((n) => `$.performance.toolName = "${n}"`).join(" || ")}) }`;
  const patterns: string[] = [];
  let group: string[] = [];
  for (const n of names) {
    if (group.length && build([...group, n]).length > MAX_FILTER_PATTERN_LENGTH) {
      patterns.push(build(group));
      group = [];
    }
    group.push(n);
  }
  if (group.length) patterns.push(build(group));
  return patterns;
}
