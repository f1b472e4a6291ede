/**
 * What a synthesized plan deploys, in the terms a reviewer asks about: who reaches what, which secrets exist and who
 * reads them, how TLS is set up, where logs go and for how long, and which alarms fire where. Computed from the
 * Terraform JSON alone (resource semantics of hashicorp/aws 6.x), following `${type.name.attr}` references. An
 * optional ReviewContext (what the environment's config asked, recorded in the plan) lets the report flag what is
 * wider than the config asked for. Each domain's facts come from its own extractor under review/facts/.
 */
import { GrantedTool } from "../lib/tool-catalogue";
import { SecretPurpose } from "../lib/resource-meta";
import { StackFacts } from "../lib/stack-facts";
import { TerraformJson } from "../policy/types";
import { byKey } from "./markdown";
import { PlanIndex } from "./plan-index";
import { SecretAccessFact } from "./secret-access";
import { alarmFacts, topicFacts } from "./facts/alarms";
import { bucketFacts } from "./facts/buckets";
import { containerFacts, serviceFacts, targetGroupFacts } from "./facts/containers";
import { flowFacts } from "./facts/flows";
import { iamFacts, policyDocuments } from "./facts/iam";
import { listenerFacts } from "./facts/listeners";
import { loadBalancerFacts } from "./facts/load-balancers";
import { logGroupFacts, metricFilterFacts } from "./facts/logs";
import { networkFacts } from "./facts/network";
import { keyFacts, secretFacts, secretLeakFacts } from "./facts/secrets";
import { securityGroupFacts } from "./facts/security-groups";
import { tierFacts } from "./facts/tiers";

export type FlagSeverity = "critical" | "high" | "medium" | "low";
export interface Flag {
  readonly severity: FlagSeverity;
  readonly text: string;
}

/**
 * What the config asked for (the facts each stack records in its plan, lib/stack-facts.ts); everything optional, so a
 * plan from elsewhere is reviewed on its own. Ports default to 3010 (MCP) and 4444 (gateway).
 */
export type ReviewContext = Partial<StackFacts>;

export interface GroupFact {
  readonly address: string;
  readonly label: string;
  readonly description?: string;
  /** What the group is attached to, e.g. "load balancer mcp-dev-alb". */
  readonly attachedTo: readonly string[];
}

export interface FlowFact {
  readonly address: string;
  readonly direction: "ingress" | "egress";
  readonly group: string;
  readonly groupLabel: string;
  readonly peerKind: "cidr" | "security-group" | "prefix-list" | "unknown";
  /** CIDR, security group label or prefix list label. */
  readonly peer: string;
  readonly peerAddress?: string;
  readonly protocol: string;
  readonly ports: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly description?: string;
  /**
   * The agent group the rule admits: the `agentGroup` fact the kit records on it (lib/resource-meta.ts); for a plan
   * written elsewhere (no facts at all), the group its description names ("MCP from agent group ops" → ops).
   */
  readonly agentGroup?: string;
  readonly flags: readonly Flag[];
}

export interface ContainerFact {
  readonly task: string;
  readonly family: string;
  readonly name: string;
  readonly image?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly { readonly name: string; readonly secret?: string; readonly valueFrom: string }[];
  readonly readonlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  readonly user?: string;
  readonly logGroup?: string;
  readonly healthCheck: boolean;
}

export interface SecretFact {
  readonly address: string;
  readonly name: string;
  readonly description?: string;
  /** What the secret holds, from the `secretPurpose` fact the kit records (lib/resource-meta.ts). */
  readonly purpose?: SecretPurpose;
  readonly kmsKey: string;
  readonly customerKey: boolean;
  readonly rotation?: { readonly address: string; readonly days?: number; readonly schedule?: string };
  /** Alarms or schedules that watch this secret where nothing rotates it. */
  readonly alerts: readonly string[];
  /** "family/container as ENV_NAME" */
  readonly readers: readonly string[];
  /** IAM roles whose policies name the secret. */
  readonly grantees: readonly string[];
  /** Who can read and who can write the value, from IAM, resource and key policies together (review/secret-access.ts). */
  readonly access: SecretAccessFact;
}

export interface ListenerFact {
  readonly address: string;
  readonly loadBalancer: string;
  readonly internal?: boolean;
  readonly port?: number;
  readonly protocol: string;
  readonly sslPolicy?: string;
  readonly minTls?: string;
  readonly certificate: string;
  readonly defaultAction: string;
  readonly flags: readonly Flag[];
}

export interface LoadBalancerFact {
  readonly address: string;
  readonly label: string;
  readonly internal?: boolean;
  readonly type: string;
  readonly dropInvalidHeaders?: boolean;
  readonly deletionProtection?: boolean;
  readonly idleTimeout?: number;
  readonly accessLogs?: string;
}

export interface LogGroupFact {
  readonly address: string;
  readonly name: string;
  readonly retentionDays?: number;
  readonly kmsKey: string;
  readonly writers: readonly string[];
  readonly metricFilters: readonly string[];
}

export interface BucketFact {
  readonly address: string;
  readonly name: string;
  readonly versioning: string;
  readonly encryption: string;
  readonly customerKey: boolean;
  readonly expirationDays?: number;
  readonly noncurrentDays?: number;
  readonly publicAccessBlocked: number;
  readonly objectLock?: string;
  readonly tlsOnly: boolean;
  /** Where its S3 server access logs go ("to <bucket> under <prefix>"), "receives logs" for a log bucket, or "off". */
  readonly accessLogging: string;
}

export interface TopicFact {
  readonly address: string;
  readonly name: string;
  readonly kmsKey: string;
  readonly customerKey: boolean;
  readonly subscriptions: readonly { readonly address: string; readonly protocol: string; readonly endpoint: string }[];
}

export interface AlarmFact {
  readonly address: string;
  readonly name: string;
  readonly metric: string;
  readonly condition: string;
  readonly description?: string;
  readonly topics: readonly string[];
  /** The log metric filter feeding the metric, if any: "pattern on log group". */
  readonly source?: string;
}

export interface TierFact {
  /** The listener rule. */
  readonly address: string;
  readonly agentGroups: readonly string[];
  readonly sources: readonly string[];
  readonly priority?: number;
  readonly listener: string;
  readonly targetGroup: string;
  readonly services: readonly string[];
  readonly toolsets: readonly string[];
  readonly risk: string;
  readonly readOnlySql?: string;
  /** Whether the config grants every agent group of this route read-only access; undefined without config. */
  readonly readOnlyGrant?: boolean;
  /**
   * Exactly the tools the route's MCP server registers (YAML tools of its toolsets, describe_sql_object, execute_sql
   * when enabled), from the recorded catalogue and the task's environment; undefined when the plan records no catalogue.
   */
  readonly tools?: readonly GrantedTool[];
  /** Whether the task sets TOOLS_YAML_PATH; without it the server loads no YAML tool at all. */
  readonly toolsYaml: boolean;
  readonly flags: readonly Flag[];
}

export interface IamWildcard {
  readonly address: string;
  readonly sid: string;
  readonly what: string;
}

export interface Facts {
  readonly stack: string;
  readonly stage?: string;
  readonly resourceCount: number;
  readonly groups: readonly GroupFact[];
  readonly ingress: readonly FlowFact[];
  readonly egress: readonly FlowFact[];
  readonly loadBalancers: readonly LoadBalancerFact[];
  readonly listeners: readonly ListenerFact[];
  readonly tiers: readonly TierFact[];
  /** Default actions of listeners that route by source (e.g. fixed 403). */
  readonly tierDefaults: readonly string[];
  readonly containers: readonly ContainerFact[];
  readonly services: readonly { readonly address: string; readonly name: string; readonly desiredCount?: number; readonly publicIp?: boolean; readonly taskDefinition?: string }[];
  /** `protocol`: what the load balancer speaks to the targets (HTTP: TLS ends at the load balancer). */
  readonly targetGroups: readonly { readonly address: string; readonly name: string; readonly protocol?: string; readonly healthCheck?: string }[];
  readonly secrets: readonly SecretFact[];
  readonly keys: readonly { readonly address: string; readonly label: string; readonly rotation?: boolean; readonly periodDays?: number }[];
  readonly logGroups: readonly LogGroupFact[];
  readonly buckets: readonly BucketFact[];
  readonly topics: readonly TopicFact[];
  readonly alarms: readonly AlarmFact[];
  readonly network: {
    readonly internetGateways: readonly string[];
    readonly natGateways: readonly string[];
    readonly publicSubnets: readonly string[];
    readonly attachments: readonly string[];
    readonly flowLogs: readonly { readonly address: string; readonly traffic?: string; readonly destination: string }[];
    readonly endpoints: readonly string[];
    readonly defaultGroupEmpty?: boolean;
  };
  readonly iam: { readonly roles: readonly string[]; readonly wildcardActions: readonly IamWildcard[]; readonly wildcardResources: readonly IamWildcard[] };
  /** `variable` blocks with a default value: where a secret must never be. */
  readonly variablesWithDefaults: readonly string[];
  readonly secretVersionsWithValue: readonly string[];
}

/** Every fact of one plan, domain by domain (review/facts/*.ts); `ctx` adds the flags that compare it with the config. */
export function extractFacts(stack: string, plan: TerraformJson, ctx: ReviewContext = {}): Facts {
  const idx = new PlanIndex(plan);
  const sg = securityGroupFacts(idx);
  const flows = flowFacts(idx, sg, ctx, ctx.mcpPort ?? 3010, ctx.gatewayPort ?? 4444);
  const containers = containerFacts(idx);
  const services = serviceFacts(idx);
  const listeners = listenerFacts(idx);
  const docs = policyDocuments(idx);
  const { tiers, tierDefaults } = tierFacts(idx, plan, { flows: flows.all, listeners, services, containers }, ctx);
  const metricFilters = metricFilterFacts(idx);
  return {
    stack,
    stage: ctx.stage ?? idx.defaultTags().environment,
    resourceCount: Object.values(plan.resource ?? {}).reduce((n, r) => n + Object.keys(r ?? {}).length, 0),
    groups: sg.groups,
    ingress: flows.ingress,
    egress: flows.egress,
    loadBalancers: loadBalancerFacts(idx),
    listeners,
    tiers,
    tierDefaults,
    containers: [...containers].sort(byKey((c) => `${c.family}/${c.name}`)),
    services: services.map(({ targetGroups: _t, ...s }) => s),
    targetGroups: targetGroupFacts(idx),
    secrets: secretFacts(idx, containers, docs),
    keys: keyFacts(idx),
    logGroups: logGroupFacts(idx, containers, metricFilters),
    buckets: bucketFacts(idx),
    topics: topicFacts(idx),
    alarms: alarmFacts(idx, metricFilters),
    network: networkFacts(idx),
    iam: iamFacts(idx, docs),
    ...secretLeakFacts(idx, plan),
  };
}
