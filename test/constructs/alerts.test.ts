import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { MAX_FILTER_PATTERN_LENGTH, SecurityAlerts, destructiveToolPatterns } from "../../constructs/alerts";
import { EncryptionKey } from "../../constructs/encryption-key";
import { destructiveToolsOf, loadToolCatalogue } from "../../lib/tool-catalogue";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs } from "../configs";
import { resourceAt, resources, shippedPlan } from "../plans";
import { matches } from "../support/filter-pattern";
import { bareEnv, bareStack, synthBare } from "./bare-stack";

/*
 * Sample lines in the exact format upstream writes them (IBM/ibmi-mcp-server v0.5.1, packages/server/src).
 * utils/internal/logger.ts:176-205: pino with `name` = MCP_SERVER_NAME (constructs/mcp-service.ts sets
 * "ibmi-mcp-<tier id>"), base {pid, hostname, env}, ISO time, numeric level (30 info, 40 warn; logger.warning maps to
 * pino warn at logger.ts:30-39); logger.ts:276 passes the context object as pino's merging object, so its fields sit at
 * the top level, the message in `msg`. logger.ts:93-101: outside a TTY the line goes to stderr as plain JSON, one
 * awslogs event each. utils/internal/requestContext.ts:55-59: every context carries requestId and timestamp.
 */
function pinoLine(level: number, msg: string, context: Record<string, unknown>): string {
  return JSON.stringify({ level, time: "2026-12-01T13:00:00.000Z", pid: 7, hostname: "ip-10-42-0-10.ec2.internal", env: "production", name: "ibmi-mcp-ro-61a3d8", requestId: "K2J9QX", timestamp: "2026-12-01T13:00:00.000Z", ...context, msg });
}
const authContext = { operation: "authMiddleware", method: "POST", path: "/mcp" }; // authMiddleware.ts:26-30
/** utils/internal/performance.ts:114-123 via logging-helpers.ts:35-41 (logger.info), in the context toolDefinitions.ts:348-352 makes for a YAML tool. */
const toolFinished = (toolName: string, isSuccess = true) => pinoLine(30, "Tool execution finished.", { operation: `tool:${toolName}`, toolName, performance: { toolName, durationMs: 41.07, isSuccess, inputBytes: 2, outputBytes: 380 } });

/*
 * The gateway (IBM/mcp-context-forge v1.0.8, LOG_FORMAT=text as the kit sets it): uvicorn's access line
 * `'%s - "%s %s HTTP/%s" %d'` (client, method, path, HTTP version, status; uvicorn/protocols/http/h11_impl.py) through
 * the root console handler of mcpgateway/services/logging_service.py:328-332, formatter :48-49 and :90:
 * `%(asctime)s - %(name)s - %(levelname)s - %(message)s` with `%Y-%m-%dT%H:%M:%S` dates (no space, no milliseconds).
 */
const accessLine = (method: string, path: string, status: number) => `2026-12-01T13:00:00 - uvicorn.access - INFO - 10.21.1.5:51234 - "${method} ${path} HTTP/1.1" ${status}`;

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

  it("counts each refused MCP request once, from the lines the auth middleware writes, and nothing else", () => {
    const f = filters["mcp-prod-mcp-server-auth-failures"];
    // authMiddleware.ts:36 (no Bearer header), :46-49 (empty token), :81-87 (the strategy refused the token).
    expect(matches(f, pinoLine(40, "Authorization header missing or invalid.", authContext))).toBe(true);
    expect(matches(f, pinoLine(40, "Bearer token is missing from Authorization header.", authContext))).toBe(true);
    expect(matches(f, pinoLine(40, "Authentication verification failed.", { ...authContext, error: { code: -32006 } }))).toBe(true);
    // ibmi-mcp-server/auth/httpAuthEndpoint.ts:324-331 (POST /api/v1/auth refused).
    expect(matches(f, pinoLine(40, "Authentication request failed", { operation: "ibmiAuthEndpoint", errorCode: -32006, errorMessage: "Invalid credentials" }))).toBe(true);
    // jwtStrategy.ts:155-161 writes this before the middleware's own line for the same request: counting it would count twice.
    expect(matches(f, pinoLine(40, "JWT verification failed: Token verification failed.", { operation: "JwtStrategy.verify", errorName: "JWSSignatureVerificationFailed" }))).toBe(false);
    // authMiddleware.ts:71-74, a request let in.
    expect(matches(f, pinoLine(30, "Authentication successful. Auth context populated.", { ...authContext, clientId: "ops", scopes: ["performance"] }))).toBe(false);
    // The same words at another level, or outside JSON, are not the middleware's line.
    expect(matches(f, pinoLine(30, "Authentication verification failed.", authContext))).toBe(false);
    expect(matches(f, "Authentication verification failed.")).toBe(false);
  });

  it("counts denied MCP requests: missing scopes, rate limiting, plain HTTP to the auth endpoint", () => {
    const f = filters["mcp-prod-mcp-server-denied"];
    // lib/authUtils.ts:64-69; http/httpTransport.ts:341-345; ibmi-mcp-server/auth/httpAuthEndpoint.ts:182-193.
    expect(matches(f, pinoLine(40, "Authorization failed: Missing required scopes.", { operation: "withRequiredScopes", missingScopes: ["tool:execute"] }))).toBe(true);
    expect(matches(f, pinoLine(40, "Rate limit check failed.", { operation: "httpRateLimitCheck", rateLimitKey: "ops", ipAddress: "10.21.1.5", clientId: "ops", error: {} }))).toBe(true);
    expect(matches(f, pinoLine(40, "TLS required for authentication endpoint", { operation: "enforceTLS", protocol: "http", clientIp: "unknown", allowHttp: false, environment: "production" }))).toBe(true);
    // httpTransport.ts:340, every request that passes.
    expect(matches(f, pinoLine(20, "Rate limit check passed.", { operation: "httpRateLimitCheck", rateLimitKey: "ops" }))).toBe(false);
  });

  it("counts a server that came up over HTTP without authentication", () => {
    const f = filters["mcp-prod-mcp-server-auth-disabled"];
    // http/httpTransport.ts:358-362 (createAuthStrategy returned null for MCP_AUTH_MODE=none, authFactory.ts:42-44).
    expect(matches(f, pinoLine(30, "No authentication strategy found, auth middleware disabled.", { operation: "httpTransportSetup" }))).toBe(true);
    // httpTransport.ts:352-355, the normal start.
    expect(matches(f, pinoLine(30, "Authentication strategy found, enabling auth middleware.", { operation: "httpTransportSetup" }))).toBe(false);
  });

  it("counts every call of a listed tool by its exact name, not read-only tools with similar names", () => {
    // Upstream's own tool names, through the same pattern builder the construct uses.
    const [f, ...more] = destructiveToolPatterns(["execute_impersonation_lockdown"]);
    expect(more).toEqual([]);
    // tools/security/security-ops.yaml:294-312 (v0.5.1): the one upstream tool with destructiveHint true; failed calls count too.
    expect(matches(f, toolFinished("execute_impersonation_lockdown"))).toBe(true);
    expect(matches(f, toolFinished("execute_impersonation_lockdown", false))).toBe(true);
    // security-ops.yaml:275-289 and :218-232: read-only tools whose names share words with it.
    expect(matches(f, toolFinished("generate_impersonation_lockdown_commands"))).toBe(false);
    expect(matches(f, toolFinished("list_user_profiles_vulnerable_to_impersonation"))).toBe(false);
    // security-ops.yaml:132-155: read-only although its name speaks of deleting.
    expect(matches(f, toolFinished("list_db_files_deletable_by_any_user"))).toBe(false);
    // A built-in tool (tool-factory.ts:131-135) runs in the transport's context (no top-level toolName); the
    // performance block is the same. This line was written by v0.5.1 built from the tag and run on loopback with the
    // kit's task environment (a describe_sql_object call).
    const builtIn = (toolName: string) => pinoLine(30, "Tool execution finished.", { operation: "mcpTransportMiddleware", transport: "http", performance: { toolName, durationMs: 3185.61, isSuccess: true, inputBytes: 73, outputBytes: 314 } });
    expect(matches(f, builtIn("execute_impersonation_lockdown"))).toBe(true);
    expect(matches(f, builtIn("describe_sql_object"))).toBe(false);
    // A line naming the tool that is not a call is not counted.
    expect(matches(f, pinoLine(30, "Tool registered.", { toolName: "execute_impersonation_lockdown", performance: { toolName: "execute_impersonation_lockdown" } }))).toBe(false);
  });

  it("counts, in the shipped plan, exactly the destructive tools of the kit's catalogue and none of its read-only tools", () => {
    const catalogue = loadToolCatalogue();
    const config = shippedConfigs().prod;
    const destructive = destructiveToolsOf(catalogue, config.agents, config.mcpServer.executeSql);
    expect(destructive.length).toBeGreaterThan(0);
    const patterns = resources(prod, "aws_cloudwatch_log_metric_filter")
      .filter(([, r]) => r.metric_transformation.name === "DestructiveToolCalls")
      .map(([, r]) => r.pattern);
    expect(patterns).toEqual(destructiveToolPatterns(destructive));
    for (const name of destructive) expect(patterns.some((p) => matches(p, toolFinished(name)))).toBe(true);
    const readOnly = [...catalogue.tools.values()].filter((t) => !destructive.includes(t.name)).map((t) => t.name);
    expect(readOnly.length).toBeGreaterThan(5);
    for (const name of readOnly) expect([name, patterns.some((p) => matches(p, toolFinished(name)))]).toEqual([name, false]);
  });

  it("splits long tool lists into several patterns within CloudWatch's limit, each name exactly once", () => {
    const names = Array.from({ length: 60 }, (_, i) => `remediate_security_finding_number_${i}`);
    const patterns = destructiveToolPatterns([...names, names[0]]);
    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) expect(p.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    for (const n of names) expect(patterns.filter((p) => matches(p, toolFinished(n)))).toHaveLength(1);
    expect(patterns.some((p) => matches(p, toolFinished("remediate_security_finding_number_")))).toBe(false);
    expect(destructiveToolPatterns([])).toEqual([]);
    expect(() => destructiveToolPatterns(['x" || $.msg = "y'])).toThrow('destructive tool name "x" || $.msg = "y" may hold only 1 to 128 letters, digits, "_", "." and "-"');
  });

  it("feeds every pattern of a long list into the one DestructiveToolCalls metric", () => {
    const env = bareEnv();
    const stack = bareStack(env);
    const key = new EncryptionKey(stack, "key", { env });
    const group = (n: string) => new CloudwatchLogGroup(stack, n, { name: n });
    const tools = Array.from({ length: 60 }, (_, i) => `remediate_security_finding_number_${i}`);
    new SecurityAlerts(stack, "alerts", { env, key, authFailuresPerHour: 5, mcpServerLogs: group("m"), gatewayLogs: group("g"), destructiveTools: tools });
    const made = resources(synthBare(stack), "aws_cloudwatch_log_metric_filter").filter(([, f]) => f.metric_transformation.name === "DestructiveToolCalls");
    expect(made.length).toBe(destructiveToolPatterns(tools).length);
    expect(made.map(([, f]) => f.name)).toEqual(made.map((_, i) => (i === 0 ? "mcp-t-mcp-server-destructive-tool-calls" : `mcp-t-mcp-server-destructive-tool-calls-${i + 1}`)));
    for (const [, f] of made) expect(f.metric_transformation).toMatchObject({ namespace: "MCP/t/Security", value: "1" });
  });

  it("counts the gateway's 401 and 403 answers from uvicorn's access line, not other statuses or loggers", () => {
    const auth = filters["mcp-prod-gateway-auth-failures"];
    const denied = filters["mcp-prod-gateway-denied"];
    expect(matches(auth, accessLine("POST", "/rpc", 401))).toBe(true);
    expect(matches(auth, accessLine("GET", "/servers?include_inactive=false", 401))).toBe(true);
    expect(matches(denied, accessLine("POST", "/servers/2f1c/mcp", 403))).toBe(true);
    expect(matches(auth, accessLine("POST", "/rpc", 200))).toBe(false);
    expect(matches(auth, accessLine("POST", "/rpc", 403))).toBe(false);
    expect(matches(denied, accessLine("GET", "/health", 200))).toBe(false);
    // mcpgateway/middleware/rbac.py:227, another logger's line (its own words, not a status).
    expect(matches(denied, "2026-12-01T13:00:00 - mcpgateway.middleware.rbac - WARNING - Permission denied: user=ops@example.com, permission=tools.execute, resource_type=tools")).toBe(false);
    // gunicorn.config.py:60-61, the master's own line, ending in a number.
    expect(matches(auth, "2026-12-01T13:00:00 - gunicorn.error - INFO - Worker spawned (pid: 401)")).toBe(false);
    // The 0.7 format (date and time apart) no longer matches: the pattern follows the pinned release.
    expect(matches(auth, '2026-12-01 13:00:00,123 - uvicorn.access - INFO - 10.21.1.5:51234 - "POST /rpc HTTP/1.1" 401')).toBe(false);
  });

  it("alarms on authentication failures the canary did not cause, above authFailuresPerHour in one hour", () => {
    const auth = resourceAt(prod, "aws_cloudwatch_metric_alarm", "alerts/alarm-auth-failures");
    expect(auth).toMatchObject({ alarm_name: "mcp-prod-auth-failures", threshold: 10, comparison_operator: "GreaterThanThreshold", treat_missing_data: "notBreaching", evaluation_periods: 1 });
    expect(auth.metric_query).toEqual([
      { id: "failures", metric: { namespace: "MCP/prod/Security", metric_name: "AuthFailures", period: 3600, stat: "Sum" }, return_data: false },
      { id: "probes", metric: { namespace: "MCP/prod/Security", metric_name: "AuthCanaryRefusals", period: 3600, stat: "Sum" }, return_data: false },
      { id: "unplanned", expression: "failures - FILL(probes, 0)", label: "Authentication failures not caused by the auth canary", return_data: true },
    ]);
    expect(auth.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/)]);
    expect(auth.ok_actions).toEqual(auth.alarm_actions);
  });

  it("alarms on any destructive call and any server without auth, and notifies on recovery", () => {
    for (const id of ["destructive-tool-calls", "auth-disabled"]) {
      const a = resourceAt(prod, "aws_cloudwatch_metric_alarm", `alerts/alarm-${id}`);
      expect(a).toMatchObject({ threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "notBreaching", period: 300, statistic: "Sum" });
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
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
      alerts.alarmOn("unhealthy-targets", {
        description: "Targets unhealthy",
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: { TargetGroup: "tg" },
        statistic: "Maximum",
        periodSeconds: 60,
        evaluationPeriods: 3,
        threshold: 1,
      });
      const plan = synthBare(stack);
      const a = resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-unhealthy-targets");
      expect(a).toMatchObject({ alarm_name: "mcp-t-unhealthy-targets", namespace: "AWS/ApplicationELB", dimensions: { TargetGroup: "tg" }, statistic: "Maximum", period: 60, evaluation_periods: 3, treat_missing_data: "notBreaching" });
      alerts.alarmOn("heartbeat", { description: "d", namespace: "n", metricName: "m", threshold: 1, treatMissingData: "breaching" });
      expect(resourceAt(synthBare(stack), "aws_cloudwatch_metric_alarm", "alerts/alarm-heartbeat").treat_missing_data).toBe("breaching");
      expect(resources(plan, "aws_sns_topic_subscription")).toEqual([]);
    });

    it("refuses ids that would not make a valid alarm name and periods CloudWatch rejects", () => {
      const { alerts } = build();
      expect(() => alerts.alarmOn("Bad Id", { description: "d", namespace: "n", metricName: "m", threshold: 1 })).toThrow('t/alerts: alarm id "Bad Id" must be lowercase letters, digits and hyphens');
      expect(() => alerts.alarmOn("odd", { description: "d", namespace: "n", metricName: "m", threshold: 1, periodSeconds: 90 })).toThrow('t/alerts: alarm "odd" periodSeconds 90 must be a multiple of 60');
    });
  });
});
