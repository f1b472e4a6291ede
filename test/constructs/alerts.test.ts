import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SecurityAlerts, destructiveToolPattern } from "../../constructs/alerts";
import { EncryptionKey } from "../../constructs/encryption-key";
import { TerraformJson } from "../../policy/types";
import { resourceAt, resources, shippedPlan } from "../plans";
import { bareEnv, bareStack, synthBare } from "./bare-stack";
import { matches } from "./filter-pattern";

/** A line as the MCP server's pino logger writes it (utils/internal/logger.ts: base fields, context spread, msg). */
function pinoLine(level: number, msg: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ level, time: "2026-11-26T01:00:00.000Z", pid: 1, hostname: "ip-10-42-0-10", env: "production", name: "ibmi-mcp-server", requestId: "r-1", operation: "authMiddleware", ...extra, msg });
}
const toolFinished = (toolName: string) => pinoLine(30, "Tool execution finished.", { operation: "HandleToolRequest", performance: { toolName, durationMs: 12.5, isSuccess: true } });

describe("SecurityAlerts", () => {
  let prod: TerraformJson;
  let filters: Record<string, string>;
  beforeAll(() => {
    prod = shippedPlan("prod");
    filters = Object.fromEntries(resources(prod, "aws_cloudwatch_log_metric_filter").map(([, f]) => [f.name, f.pattern]));
  });

  it("publishes to a topic encrypted with the environment key, which CloudWatch may use", () => {
    const topic = resourceAt(prod, "aws_sns_topic", "alerts/topic");
    expect(topic.name).toBe("mcp-prod-security-alerts");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.encryption-key_\w+\.arn\}$/);
    const keyPolicy = JSON.parse(resourceAt(prod, "aws_kms_key", "encryption-key/key").policy);
    expect(keyPolicy.Statement.find((s: any) => s.Sid === "CloudWatchAlarmsPublishToEncryptedTopic")).toEqual({
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
    });
  });

  it("lets only this account's CloudWatch alarms publish, and refuses plain HTTP", () => {
    const policy = JSON.parse(resourceAt(prod, "aws_sns_topic_policy", "alerts/policy").policy);
    const [allow, deny] = policy.Statement;
    expect(allow).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(deny.Action).toContain("sns:Publish");
    expect(policy.Statement).toHaveLength(2);
  });

  it("subscribes each configured address by e-mail", () => {
    const subs = resources(prod, "aws_sns_topic_subscription").map(([, s]) => [s.protocol, s.endpoint]);
    expect(subs).toEqual([["email", "secops@example.com"]]);
  });

  it("counts the MCP server's authentication failures and ignores successes", () => {
    const f = filters["mcp-prod-mcp-server-auth-failures"];
    for (const msg of ["Authentication verification failed.", "Authorization header missing or invalid.", "Bearer token is missing from Authorization header.", "Authentication request failed"]) {
      expect(matches(f, pinoLine(40, msg))).toBe(true);
    }
    expect(matches(f, pinoLine(30, "Authentication successful. Auth context populated."))).toBe(false);
    expect(matches(f, "Authentication verification failed.")).toBe(false);
  });

  it("counts denied requests: missing scopes, rate limiting, plain HTTP to the auth endpoint", () => {
    const f = filters["mcp-prod-mcp-server-denied"];
    expect(matches(f, pinoLine(40, "Authorization failed: Missing required scopes.", { missingScopes: ["tool:execute"] }))).toBe(true);
    expect(matches(f, pinoLine(40, "Rate limit check failed."))).toBe(true);
    expect(matches(f, pinoLine(40, "TLS required for authentication endpoint"))).toBe(true);
    expect(matches(f, pinoLine(20, "Rate limit check passed."))).toBe(false);
  });

  it("counts destructive tool calls by verb in the tool name, not read-only ones", () => {
    const f = filters["mcp-prod-mcp-server-destructive-tool-calls"];
    for (const t of ["delete_spool_files", "drop_table", "remove_library_list_entry", "end_job_immed", "clear_output_queue"]) expect(matches(f, toolFinished(t))).toBe(true);
    for (const t of ["system_status", "active_job_info", "describe_sql_object"]) expect(matches(f, toolFinished(t))).toBe(false);
    expect(matches(f, pinoLine(30, "Tool registered.", { performance: { toolName: "drop_table" } }))).toBe(false);
  });

  it("adds tools named as destructive (e.g. destructiveHint tools) to the filter", () => {
    const p = destructiveToolPattern(["change_user_profile"]);
    expect(matches(p, toolFinished("change_user_profile"))).toBe(true);
    expect(matches(p, toolFinished("change_user_profile_x"))).toBe(false);
    expect(() => destructiveToolPattern(['x") || ($.msg = "y'])).toThrow('destructive tool name "x") || ($.msg = "y" may hold only letters, digits, "_", "." and "-"');
    expect(() => destructiveToolPattern(Array.from({ length: 40 }, (_, i) => `tool_number_${i}`))).toThrow(/CloudWatch accepts 1024: list fewer names/);
  });

  it("counts the gateway's 401 and 403 answers", () => {
    expect(matches(filters["mcp-prod-gateway-auth-failures"], 'INFO:     10.42.1.7:51234 - "POST /rpc HTTP/1.1" 401 Unauthorized')).toBe(true);
    expect(matches(filters["mcp-prod-gateway-denied"], 'INFO:     10.42.1.7:51234 - "POST /rpc HTTP/1.1" 403 Forbidden')).toBe(true);
    expect(matches(filters["mcp-prod-gateway-auth-failures"], 'INFO:     10.42.1.7:51234 - "POST /rpc HTTP/1.1" 200 OK')).toBe(false);
  });

  it("alarms above authFailuresPerHour in one hour, on any destructive call, and notifies on recovery", () => {
    const auth = resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-auth-failures");
    expect(auth).toMatchObject({ metric_name: "AuthFailures", namespace: "MCP/prod/Security", period: 3600, statistic: "Sum", threshold: 10, comparison_operator: "GreaterThanThreshold", treat_missing_data: "notBreaching", evaluation_periods: 1 });
    expect(auth.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/)]);
    expect(auth.ok_actions).toEqual(auth.alarm_actions);
    const destructive = resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-destructive-tool-calls");
    expect(destructive).toMatchObject({ metric_name: "DestructiveToolCalls", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "notBreaching" });
    for (const [, a] of resources(prod, "aws_cloudwatch_metric_alarm")) expect(a.treat_missing_data).toBe("notBreaching");
    const metrics = resources(prod, "aws_cloudwatch_log_metric_filter").map(([, f]) => f.metric_transformation);
    for (const m of metrics) expect(m).toMatchObject({ value: "1", default_value: "0" });
  });

  describe("alarmOn", () => {
    const env = bareEnv();
    function build() {
      const stack = bareStack(env);
      const key = new EncryptionKey(stack, "key", { env });
      const group = (n: string) => new CloudwatchLogGroup(stack, n, { name: n });
      return { stack, alerts: new SecurityAlerts(stack, "alerts", { env, key, authFailuresPerHour: 5, mcpServerLogs: group("m"), gatewayLogs: group("g") }) };
    }

    it("adds an alarm on any metric to the same topic", () => {
      const { stack, alerts } = build();
      alerts.alarmOn("unhealthy-targets", { description: "Targets unhealthy", namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", dimensions: { TargetGroup: "tg" }, statistic: "Maximum", periodSeconds: 60, evaluationPeriods: 3, threshold: 1 });
      const plan = synthBare(stack);
      const a = resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-unhealthy-targets");
      expect(a).toMatchObject({ alarm_name: "mcp-t-unhealthy-targets", namespace: "AWS/ApplicationELB", dimensions: { TargetGroup: "tg" }, statistic: "Maximum", period: 60, evaluation_periods: 3, treat_missing_data: "notBreaching" });
      expect(resources(plan, "aws_sns_topic_subscription")).toEqual([]);
    });

    it("refuses ids that would not make a valid alarm name and periods CloudWatch rejects", () => {
      const { alerts } = build();
      expect(() => alerts.alarmOn("Bad Id", { description: "d", namespace: "n", metricName: "m", threshold: 1 })).toThrow('t/alerts: alarm id "Bad Id" must be lowercase letters, digits and hyphens');
      expect(() => alerts.alarmOn("odd", { description: "d", namespace: "n", metricName: "m", threshold: 1, periodSeconds: 90 })).toThrow('t/alerts: alarm "odd" periodSeconds 90 must be a multiple of 60');
    });
  });
});
