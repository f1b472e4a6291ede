import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { dependable } from "cdktf";
import { Construct } from "constructs";
import { CanaryEvent, CanaryTarget, FAILURES_METRIC, TARGETS_FILE, TIER_DIMENSION } from "../functions/auth-canary/contract";
import { AwsEnv, prefix } from "../lib/aws-env";
import { suppress } from "../lib/resource-meta";
import { SecurityAlerts } from "./alerts";
import { AuditLogs } from "./audit-logs";
import { McpService } from "./mcp-service";
import { Network } from "./network";
import { ManagedSecret } from "./secrets";
import { SecurityGroup } from "./security-group";
import { VpcFunction } from "./vpc-function";

/** How long the invocation on apply waits for tasks that do not answer yet (the function's timeout leaves room for the probes). */
export const SETTLE_SECONDS = 300;
const TIMEOUT_SECONDS = 900;

export interface AuthCanaryProps {
  readonly env: AwsEnv;
  /** Private subnets to run in; must have the `monitoring` interface endpoint (PutMetricData), there being no other way out. */
  readonly network: Network;
  readonly logs: AuditLogs;
  /** Where the per-tier alarms go, and the namespace the canary publishes to. */
  readonly alerts: SecurityAlerts;
  /** The tiers to probe, each at its Cloud Map address (`internalUrl`), not through the load balancer (which answers 403 to the VPC). */
  readonly services: readonly McpService[];
  /** The tier tasks' security group: it admits the canary on the MCP port. */
  readonly taskGroup: SecurityGroup;
  /** The MCP port of the tasks. @default 3010 */
  readonly port?: number;
  /**
   * jwt and oauth mode: the agent-token secrets by agent group. Each tier is shown a token of another tier's group, which
   * it must refuse (jwt: another signing secret; oauth: another audience). @default none: each tier is shown a token the canary signs with a key of its own (ibmi mode, or a single tier)
   */
  readonly agentTokens?: Readonly<Record<string, ManagedSecret>>;
  /** Minutes between scheduled runs (1–720); the alarm also fires when no result arrives for twice that long. @default 15 */
  readonly intervalMinutes?: number;
  /** Concurrency reserved for the canary (VpcFunctionProps.reservedConcurrency). @default none */
  readonly reservedConcurrency?: number;
}

/**
 * A scheduled Lambda in the VPC that proves each MCP tier refuses requests without a valid token of its own
 * (functions/auth-canary), run every `intervalMinutes` and once on every apply that changes a tier. One alarm per tier
 * fires when a probe was not refused with 401, or when results stop arriving (missing data is breaching), so a server
 * that started without auth, or a canary that stopped, pages the security topic.
 */
export class AuthCanary extends Construct {
  readonly function: VpcFunction;
  /** What it probes, packed in its package (TARGETS_FILE). */
  readonly targets: readonly CanaryTarget[];
  readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  /** The run on apply: it waits for the tier services and the tokens it presents. */
  readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: AuthCanaryProps) {
    super(scope, id);
    const { env, alerts } = props;
    const interval = props.intervalMinutes ?? 15;
    const port = props.port ?? 3010;
    if (!Number.isInteger(interval) || interval < 1 || interval > 720) throw new Error(`${this.node.path}: intervalMinutes ${interval} must be a whole number from 1 to 720 (the alarm watches twice the interval, at most one day)`);
    if (!props.services.length) throw new Error(`${this.node.path}: no tier to probe`);
    if (!props.network.interfaceEndpoints["monitoring"])
      throw new Error(`${this.node.path}: the network has no "monitoring" interface endpoint; without it PutMetricData from the private subnets times out and the canary alarm fires forever. Add "monitoring" to the network's interfaceEndpoints`);
    // Each probe may wait REQUEST_TIMEOUT (5 s) after the settle time.
    if (SETTLE_SECONDS + props.services.length * 2 * 5 + 60 > TIMEOUT_SECONDS) throw new Error(`${this.node.path}: ${props.services.length} tiers do not fit one run of ${TIMEOUT_SECONDS} s`);

    const foreign = props.services.map((_, i) => this.foreignToken(props, i));
    const targets: CanaryTarget[] = props.services.map((s, i) => {
      if (!s.internalUrl.endsWith(`:${port}/mcp`)) throw new Error(`${this.node.path}: tier ${s.tier.id} listens at ${s.internalUrl}, not on port ${port}`);
      const token = foreign[i];
      return { tier: s.tier.id, url: s.internalUrl, ...(token ? { foreignTokenSecret: token.name } : {}) };
    });
    this.targets = targets;

    this.function = new VpcFunction(this, "function", {
      env,
      name: "auth-canary",
      description: `Every ${interval} min and on apply: each MCP tier of ${env.environment} must answer 401 without a token and with another tier's`,
      network: props.network,
      logs: props.logs,
      timeoutSeconds: TIMEOUT_SECONDS,
      memoryMiB: 128,
      networkPurpose: `HTTPS to the VPC endpoints, ${port} to the MCP tiers`,
      // Off unless configured (config functions.reservedConcurrency): a reservation takes from the account's pool.
      reservedConcurrency: props.reservedConcurrency,
      environment: { METRIC_NAMESPACE: alerts.namespace },
      // One entry per tier: packed, so an estate's tiers never meet Lambda's 4 KB of environment variables.
      packageFiles: { [TARGETS_FILE]: JSON.stringify(targets, null, 1) },
    });
    const fn = this.function;
    fn.role.addToPolicy({
      sid: "PublishCanaryMetrics",
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"],
      condition: { StringEquals: { "cloudwatch:namespace": alerts.namespace } },
      why: "PutMetricData has no resource-level permissions; the cloudwatch:namespace condition keeps the canary to its own namespace.",
    });
    const tokens = [...new Set(foreign.filter((t): t is ManagedSecret => !!t))];
    for (const t of tokens) t.grantRead(fn.role);

    const egress = fn.securityGroup.allowTo({ group: props.taskGroup }, port, "auth canary to the MCP tiers (expects 401)");
    const ingress = props.taskGroup.allowFrom({ group: fn.securityGroup }, port, "auth canary Lambda: probes that every tier refuses requests without its token");
    suppress(
      ingress,
      "MCP-NET-002",
      "the source is the kit's auth canary Lambda, whose security group admits nothing: it sends only unauthenticated or foreign-token requests that must be refused with 401, and no agent or outside host can use this path",
    );

    const schedule = new CloudwatchEventRule(this, "schedule", {
      name: `${prefix(env)}-auth-canary`,
      description: `Auth canary every ${interval} minutes`,
      scheduleExpression: interval === 1 ? "rate(1 minute)" : `rate(${interval} minutes)`,
    });
    // Scheduled runs start only once the function can reach the endpoints (MCP-DEPLOY-018).
    new CloudwatchEventTarget(this, "target", { rule: schedule.name, arn: fn.arn, targetId: "auth-canary", dependsOn: [...fn.ready] });
    new LambdaPermission(this, "schedule-invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });

    // Once per apply that changes a tier's task definition or the canary itself (triggers force a new invocation), after
    // the services, their network path and the tokens it presents exist. Its result (outcomes only, no token) lands in
    // the state; a failure does not fail the apply: it reaches the alarm like any other run.
    const event: CanaryEvent = { settleSeconds: SETTLE_SECONDS };
    this.invocation = new LambdaInvocation(this, "on-apply", {
      functionName: fn.functionName,
      input: JSON.stringify(event),
      triggers: { canary: fn.fn.sourceCodeHashInput ?? "", ...Object.fromEntries(props.services.map((s) => [s.tier.id, s.taskDefinition.arn])) },
      dependsOn: [...fn.ready, egress, ingress, ...props.services.map((s) => s.service), ...tokens.map((t) => t.currentValue())],
    });

    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    for (const s of props.services) {
      const alarm = alerts.alarmOn(`auth-canary-${s.tier.id}`, {
        description: `MCP tier ${s.tier.id} did not refuse a request without a valid token of its own with 401, or the auth canary stopped reporting: see the ${fn.logGroup.name} log group; a tier that answers 200 runs without authentication.`,
        namespace: alerts.namespace,
        metricName: FAILURES_METRIC,
        dimensions: { [TIER_DIMENSION]: s.tier.id },
        statistic: "Maximum",
        // Two intervals, so a run landing late in its period never leaves one without data.
        periodSeconds: 2 * interval * 60,
        threshold: 0,
        comparison: "GreaterThanThreshold",
        treatMissingData: "breaching",
      });
      // Created after the first run has published, or it would start in ALARM for want of data.
      alarm.dependsOn = [dependable(this.invocation)];
      alarms[s.tier.id] = alarm;
    }
    this.alarms = alarms;
  }

  /**
   * jwt and oauth mode with several tiers: the first token of another tier's groups, the next tier with one (cyclic;
   * a revoked group has none); otherwise none. In oauth mode the tier refuses it at the audience.
   */
  private foreignToken(props: AuthCanaryProps, i: number): ManagedSecret | undefined {
    if (!props.agentTokens || props.services.length < 2) return undefined;
    for (let k = 1; k < props.services.length; k++) {
      const other = props.services[(i + k) % props.services.length].tier;
      const agent = other.agents.find((a) => props.agentTokens![a]);
      if (agent) return props.agentTokens[agent];
    }
    return undefined;
  }
}
