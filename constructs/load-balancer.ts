import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule, LbListenerRuleAction, LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { MAX_CONDITION_VALUES_PER_RULE, MAX_FIXED_RESPONSE_BODY, MAX_HEADER_VALUE_CHARS, MAX_WILDCARDS_PER_RULE, TierRule } from "../lib/tier-routes";
import { MAX_RULE_PRIORITY, MIN_RULE_PRIORITY, ruleKey } from "../lib/rule-priorities";
import { MAX_SOURCE_IPS_PER_RULE, RoutingRule } from "../lib/tiers";
import type { AlarmSpec } from "./alerts";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";

/** Where alarms go: the security alerts construct (`SecurityAlerts.alarmOn`). */
export interface AlarmSink {
  alarmOn(id: string, spec: AlarmSpec): unknown;
}

/** The listeners' certificate and TLS policy (the TLS construct's `certificateArn` and `sslPolicy`). */
export interface ListenerTls {
  readonly certificateArn: string;
  readonly sslPolicy: string;
}

export interface LoadBalancerProps {
  readonly env: AwsEnv;
  readonly network: Network;
  /** The load balancer's security group (AgentAccess.loadBalancerGroup): it decides who reaches the listeners. */
  readonly securityGroup: SecurityGroup;
  /** More groups admitting agent ranges beyond one group's rule quota (AgentAccess.agentRangeGroups). @default none */
  readonly additionalSecurityGroups?: readonly SecurityGroup[];
  readonly tls: ListenerTls;
  /** MCP listener port. @default 3010 */
  readonly mcpPort?: number;
  /** Gateway listener port. @default 4444 */
  readonly gatewayPort?: number;
  /**
   * Seconds an idle connection stays open. MCP answers stream (SSE) and a slow Db2 query keeps the stream quiet;
   * the ALB default of 60 s cuts such responses. @default 300
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Where access logs go: an SSE-S3 bucket whose policy lets ELB log delivery write under `prefix` (an SSE-KMS
   * bucket silently receives nothing). Required when `requireAccessLogs` is true. @default no access logs
   */
  readonly accessLogs?: {
    readonly bucket: string;
    readonly prefix: string;
    /** What must exist first: AWS test-writes when access logs are enabled and refuses a bucket whose policy is missing. */
    readonly ready?: readonly ITerraformDependable[];
  };
  /** Refuse to build without `accessLogs`, where who called what must be on record. @default false */
  readonly requireAccessLogs?: boolean;
  /** AWS refuses to delete the load balancer (a destroy or a replacement fails until it is turned off). @default false */
  readonly deletionProtection?: boolean;
  /** Alarms on unhealthy targets and 5xx spikes go here. @default no alarms */
  readonly alarms?: AlarmSink;
}

export interface TargetProps {
  /** Target group name, ≤ 32 characters, unique in the account and region. */
  readonly name: string;
  readonly port: number;
  /** Path the load balancer probes; it must answer 200 without authentication. */
  readonly healthCheckPath: string;
  /** Load balancer cookie stickiness, for servers that keep sessions or tokens in one process. @default false */
  readonly sticky?: boolean;
  /** Label used in alarm descriptions, e.g. "MCP tier ro-1a2b3c". */
  readonly label: string;
}

/**
 * The internal application load balancer: HTTPS listeners only (no HTTP listener at all), a TLS 1.2+ policy, invalid
 * header fields dropped, deletion protection and access logs when asked. The MCP listener answers 403 unless a
 * listener rule matches the caller's source range, and each rule forwards ranges of one tier's agent groups to it: the
 * address decides which toolsets a caller can reach, its bearer token decides whether it is served at all.
 * The ALB sets X-Forwarded-Proto: https on every forwarded request, which the MCP server's auth endpoint requires.
 */
export class LoadBalancer extends Construct {
  readonly lb: Lb;
  readonly mcpListener: LbListener;
  gatewayListener?: LbListener;
  readonly mcpPort: number;
  readonly gatewayPort: number;
  private readonly props: LoadBalancerProps;
  private readonly targets = new Map<string, LbTargetGroup>();
  private readonly rulesByTarget = new Map<LbTargetGroup, LbListenerRule[]>();
  /** Priority → the id of the MCP listener rule holding it. */
  private readonly priorities = new Map<number, string>();
  private gatewayTarget?: LbTargetGroup;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.props = props;
    this.mcpPort = props.mcpPort ?? 3010;
    this.gatewayPort = props.gatewayPort ?? 4444;
    const idleTimeout = props.idleTimeoutSeconds ?? 300;
    if (idleTimeout < 1 || idleTimeout > 4000) throw new Error(`${this.node.path}: idleTimeoutSeconds ${idleTimeout} is outside 1–4000 (ALB limits)`);
    if (props.requireAccessLogs && !props.accessLogs) throw new Error(`${this.node.path}: accessLogs is required when requireAccessLogs is true (who called what must be on record)`);

    this.lb = new Lb(this, "lb", {
      name: prefix(props.env),
      internal: true,
      loadBalancerType: "application",
      securityGroups: [props.securityGroup.id, ...(props.additionalSecurityGroups ?? []).map((g) => g.id)],
      subnets: props.network.subnetIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      idleTimeout,
      enableDeletionProtection: props.deletionProtection ?? false,
      accessLogs: props.accessLogs ? { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true } : undefined,
      // "Access Denied for bucket … Please check S3bucket permission" otherwise, on the first apply.
      dependsOn: props.accessLogs?.ready ? [...props.accessLogs.ready] : undefined,
    });

    this.mcpListener = new LbListener(this, "mcp", {
      loadBalancerArn: this.lb.arn,
      port: this.mcpPort,
      protocol: "HTTPS",
      sslPolicy: props.tls.sslPolicy,
      certificateArn: props.tls.certificateArn,
      defaultAction: [{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden: this source is not an agent group of this MCP server" } }],
    });

    if (props.alarms) {
      props.alarms.alarmOn("alb-5xx", {
        description: `The load balancer of ${prefix(props.env)} answered 10+ requests with 5xx in 5 minutes (no healthy target, or a target failing): check the ECS services and their logs.`,
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_ELB_5XX_Count",
        dimensions: { LoadBalancer: this.lb.arnSuffix },
        threshold: 10,
      });
    }
  }

  get dnsName(): string {
    return this.lb.dnsName;
  }

  /** A target group of IP targets (Fargate tasks), with a health check and, when asked, cookie stickiness. */
  addTarget(id: string, props: TargetProps): LbTargetGroup {
    if (props.name.length > 32) throw new Error(`${this.node.path}: target group name "${props.name}" is longer than 32 characters`);
    if (this.targets.has(id)) throw new Error(`${this.node.path}: target "${id}" exists already`);
    const tg = new LbTargetGroup(this, `target-${id}`, {
      name: props.name,
      port: props.port,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: this.props.network.vpc.id,
      // Tasks stop within the ECS stop timeout; in-flight tool calls get 30 s to finish.
      deregistrationDelay: "30",
      healthCheck: { enabled: true, path: props.healthCheckPath, protocol: "HTTP", matcher: "200", interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      stickiness: props.sticky ? { type: "lb_cookie", enabled: true, cookieDuration: 3600 } : { type: "lb_cookie", enabled: false },
    });
    this.targets.set(id, tg);
    this.rulesByTarget.set(tg, []);
    if (this.props.alarms) {
      const dimensions = { LoadBalancer: this.lb.arnSuffix, TargetGroup: tg.arnSuffix };
      this.props.alarms.alarmOn(`unhealthy-${id}`, {
        description: `${props.label}: a target has failed its health check for 2 minutes. Check the service's events and logs.`,
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions,
        statistic: "Maximum",
        periodSeconds: 60,
        evaluationPeriods: 2,
        threshold: 1,
      });
      this.props.alarms.alarmOn(`target-5xx-${id}`, {
        description: `${props.label}: 10+ responses with 5xx in 5 minutes. Check the service's logs.`,
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        dimensions,
        threshold: 10,
      });
    }
    return tg;
  }

  /**
   * Routes up to 5 source ranges of one tier's agent groups (one rule) on the MCP listener to a target. Rules come
   * from `tierRules` (lib/tier-routes.ts), which packs each tier's ranges (lib/tiers.ts routingRules) and gives each
   * rule a priority of its own that never moves (lib/rule-priorities.ts). The id names the rule's first range and its
   * group (`ruleKey`, which the priority derives from too), as when every rule served one group: a rule whose first
   * range stays keeps its address and its priority when other groups' ranges join it.
   */
  route(rule: RoutingRule | TierRule, target: LbTargetGroup): LbListenerRule {
    const rules = this.rulesByTarget.get(target);
    if (!rules) throw new Error(`${this.node.path}: route to a target group this load balancer did not create`);
    if ("kind" in rule && rule.kind === "metadata") throw new Error(`${this.node.path}: a metadata rule answers itself (respond), it forwards nowhere`);
    const legacy = "kind" in rule && rule.kind === "legacy-jwt";
    const r = this.mcpRule(legacy ? `route-jwt-${ruleKey(rule)}` : `route-${ruleKey(rule)}`, rule, [{ type: "forward", targetGroupArn: target.arn }]);
    rules.push(r);
    return r;
  }

  /**
   * A rule of the MCP listener that answers `rule`'s requests itself (RFC 9728 metadata): 200, `contentType`, `body`
   * (at most 1,024 characters, FixedResponseActionConfig.MessageBody).
   */
  respond(rule: TierRule, response: { readonly contentType: "application/json" | "text/plain"; readonly body: string }): LbListenerRule {
    if (response.body.length > MAX_FIXED_RESPONSE_BODY) throw new Error(`${this.node.path}: a fixed response holds at most ${MAX_FIXED_RESPONSE_BODY} characters, got ${response.body.length} for the rule of ${rule.cidrs.join(", ")}`);
    return this.mcpRule(`${rule.kind}-${ruleKey(rule)}`, rule, [{ type: "fixed-response", fixedResponse: { statusCode: "200", contentType: response.contentType, messageBody: response.body } }]);
  }

  /** One rule of the MCP listener: its source ranges, any path or header match, AWS's per-rule limits checked. */
  private mcpRule(id: string, rule: RoutingRule | TierRule, action: LbListenerRuleAction[]): LbListenerRule {
    if (rule.cidrs.length === 0 || rule.cidrs.length > MAX_SOURCE_IPS_PER_RULE) throw new Error(`${this.node.path}: a rule takes 1 to ${MAX_SOURCE_IPS_PER_RULE} source ranges, got ${rule.cidrs.length}`);
    if (rule.agents.length === 0) throw new Error(`${this.node.path}: the rule for ${rule.cidrs.join(", ")} names no agent group`);
    if (!Number.isInteger(rule.priority) || rule.priority < MIN_RULE_PRIORITY || rule.priority > MAX_RULE_PRIORITY)
      throw new Error(`${this.node.path}: rule ${id} has priority ${rule.priority}; AWS accepts integers from ${MIN_RULE_PRIORITY} to ${MAX_RULE_PRIORITY}`);
    const holder = this.priorities.get(rule.priority);
    if (holder) throw new Error(`${this.node.path}: rules ${holder} and ${id} both have priority ${rule.priority}; AWS refuses a priority in use (PriorityInUse): take priorities from tierRules (lib/tier-routes.ts)`);
    const match = "match" in rule ? rule.match : undefined;
    const patterns = [match?.pathPattern, match?.authorization].filter((x): x is string => x !== undefined);
    const values = rule.cidrs.length + patterns.length;
    if (values > MAX_CONDITION_VALUES_PER_RULE) throw new Error(`${this.node.path}: the rule for ${rule.cidrs.join(", ")} matches ${values} condition values; AWS allows ${MAX_CONDITION_VALUES_PER_RULE} per rule`);
    const wildcards = patterns.reduce((n, p) => n + (p.match(/[*?]/g)?.length ?? 0), 0);
    if (wildcards > MAX_WILDCARDS_PER_RULE) throw new Error(`${this.node.path}: the rule for ${rule.cidrs.join(", ")} holds ${wildcards} wildcards; AWS allows ${MAX_WILDCARDS_PER_RULE} per rule`);
    const long = patterns.find((p) => p.length > MAX_HEADER_VALUE_CHARS);
    if (long) throw new Error(`${this.node.path}: "${long}" is longer than the ${MAX_HEADER_VALUE_CHARS} characters AWS allows in a match value`);
    this.priorities.set(rule.priority, id);
    const condition: LbListenerRuleCondition[] = [{ sourceIp: { values: [...rule.cidrs] } }];
    if (match?.pathPattern) condition.push({ pathPattern: { values: [match.pathPattern] } });
    if (match?.authorization) condition.push({ httpHeader: { httpHeaderName: "Authorization", values: [match.authorization] } });
    return new LbListenerRule(this, id, {
      listenerArn: this.mcpListener.arn,
      priority: rule.priority,
      condition,
      action,
      tags: routeTags(prefix(this.props.env), rule),
    });
  }

  /** The gateway listener: every request that reaches it (the security group admits operators only) goes to `target`. */
  serveGateway(target: LbTargetGroup): LbListener {
    if (this.gatewayListener) throw new Error(`${this.node.path}: the gateway listener exists already`);
    this.gatewayListener = new LbListener(this, "gateway", {
      loadBalancerArn: this.lb.arn,
      port: this.gatewayPort,
      protocol: "HTTPS",
      sslPolicy: this.props.tls.sslPolicy,
      certificateArn: this.props.tls.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: target.arn }],
    });
    this.gatewayTarget = target;
    return this.gatewayListener;
  }

  /**
   * What an ECS service behind `target` must wait for: ECS refuses a target group that no listener uses yet
   * ("The target group … does not have an associated load balancer").
   */
  attachmentsOf(target: LbTargetGroup): (LbListenerRule | LbListener)[] {
    if (target === this.gatewayTarget && this.gatewayListener) return [this.gatewayListener];
    const rules = this.rulesByTarget.get(target) ?? [];
    return rules.length ? rules : [this.mcpListener];
  }
}

/** ELB tag values: at most 256 characters (API reference, Tag). */
const MAX_TAG_VALUE = 256;

/**
 * A listener rule's tags: `agent-group` lists the groups whose ranges it holds, space-separated (group names have no
 * spaces; one name, as before packing, when the rule serves one group), which the review reads to name who reaches a
 * tier. A list too long for a tag value gives way to `agent-group-count`; the review then names the groups from the
 * load balancer's ingress rules. Tag values allow letters, digits, spaces and `+ - = . _ : / @`.
 */
export function routeTags(namePrefix: string, rule: Pick<RoutingRule, "agents" | "tierId">): Record<string, string> {
  const groups = rule.agents.join(" ");
  const name = `${namePrefix}-${rule.agents.length === 1 ? rule.agents[0] : rule.tierId}`;
  return groups.length <= MAX_TAG_VALUE ? { Name: name, "agent-group": groups, tier: rule.tierId } : { Name: name, "agent-group-count": String(rule.agents.length), tier: rule.tierId };
}
