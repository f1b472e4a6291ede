/**
 * What a synthesized plan deploys, in the terms a reviewer asks about: who reaches what, which secrets exist and who
 * reads them, how TLS is set up, where logs go and for how long, and which alarms fire where. Computed from the
 * Terraform JSON alone (resource semantics of hashicorp/aws 6.x), following `${type.name.attr}` references. An
 * optional ReviewContext (the environment's config) lets the report flag what is wider than the config asked for.
 */
import { isPrivate, toCidr } from "../lib/cidr";
import { RISKS } from "../lib/tiers";
import { catalogueFromRecord, executeSqlFromEnv, GrantedTool, readRecordedCatalogue, toolsOfGrant } from "../lib/tool-catalogue";
import { factsOf, FACTS_KEY, SecretPurpose } from "../lib/resource-meta";
import { TerraformJson } from "../policy/types";
import { byKey } from "./markdown";
import { blocks, bool, literal, num, PlanIndex, refsIn, Res } from "./plan-index";
import { SecretAccessFact, SecretAccessIndex } from "./secret-access";
import { API_DEFAULT_POLICY, minTlsVersion } from "./tls-policies";

export type FlagSeverity = "critical" | "high" | "medium" | "low";
export interface Flag {
  readonly severity: FlagSeverity;
  readonly text: string;
}

/** What the config asked for; everything optional, so a plan from elsewhere is reviewed on its own. */
export interface ReviewContext {
  readonly stage?: string;
  readonly agents?: readonly { readonly name: string; readonly cidrs: readonly string[]; readonly toolsets: readonly string[]; readonly readOnly: boolean; readonly reason?: string; readonly allowCritical?: boolean }[];
  readonly gatewayClientCidrs?: readonly string[];
  /** @default 3010 */
  readonly mcpPort?: number;
  /** @default 4444 */
  readonly gatewayPort?: number;
  /** CIDRs the config lets workloads reach outside AWS (the IBM i network); other egress CIDRs are flagged. */
  readonly egressCidrs?: readonly string[];
}

// Toolset risks come from the tool catalogue the stack recorded in the plan (`//.policy.toolCatalogue`, written by
// app/policy-step.ts from lib/tool-catalogue.ts): the grant the review shows is the one the config validation, the
// constructs and MCP-LB-006 enforce.
const RISK_ORDER: readonly string[] = RISKS;

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

function labelOf(res: Res | undefined, fallback: string): string {
  if (!res) return fallback;
  const b = res.body;
  return literal(b.name) ?? literal(b.function_name) ?? literal(b.alarm_name) ?? literal(b.family) ?? literal(b.bucket) ?? literal(b.tags?.Name) ?? res.address;
}

function portsText(protocol: string, from?: number, to?: number): string {
  if (protocol === "-1" || protocol === "all") return "all";
  if (from === undefined) return "?";
  return from === to || to === undefined ? String(from) : `${from}-${to}`;
}

/** A KMS key as reviewers know it: its alias, else its address; AWS-managed when absent. */
function keyLabel(idx: PlanIndex, value: unknown, awsManaged: string): { label: string; customer: boolean } {
  if (value === undefined || value === null || value === "") return { label: awsManaged, customer: false };
  const key = idx.target(value, "aws_kms_key");
  if (key) {
    const alias = idx
      .referencing(key, "aws_kms_alias")
      .map((a) => literal(a.body.name))
      .find(Boolean);
    return { label: alias ?? key.address, customer: true };
  }
  const lit = literal(value);
  if (lit === "alias/aws/s3" || lit === "alias/aws/sns" || lit === "alias/aws/secretsmanager" || lit === "alias/aws/logs") return { label: `${lit} (AWS managed)`, customer: false };
  return { label: lit ?? String(value), customer: true };
}

export function extractFacts(stack: string, plan: TerraformJson, ctx: ReviewContext = {}): Facts {
  const idx = new PlanIndex(plan);
  const stage = ctx.stage ?? idx.defaultTags().environment;
  const mcpPort = ctx.mcpPort ?? 3010;
  const gatewayPort = ctx.gatewayPort ?? 4444;

  const { groups, flows, ingress, egress } = networkFacts(idx, ctx, mcpPort, gatewayPort);

  const containers = containerFacts(idx);

  // --- IAM: who may read what, and wildcards
  const roles = idx.all("aws_iam_role");
  const roleLabel = (res: Res | undefined) => (res ? labelOf(res, res.address) : "?");
  const policyDocs: { address: string; role?: string; doc: any }[] = [];
  const parseDoc = (v: unknown) => {
    if (typeof v !== "string") return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  for (const p of idx.all("aws_iam_role_policy")) policyDocs.push({ address: p.address, role: roleLabel(idx.target(p.body.role, "aws_iam_role")), doc: parseDoc(p.body.policy) });
  for (const p of idx.all("aws_iam_policy")) policyDocs.push({ address: p.address, doc: parseDoc(p.body.policy) });
  for (const r of roles) for (const ip of blocks(r.body.inline_policy)) policyDocs.push({ address: r.address, role: roleLabel(r), doc: parseDoc(ip.policy) });
  const wildcardActions: IamWildcard[] = [];
  const wildcardResources: IamWildcard[] = [];
  for (const p of policyDocs) {
    for (const [i, st] of blocks(p.doc?.Statement).entries()) {
      const sid = String(st.Sid ?? `#${i}`);
      const actions = ([] as unknown[]).concat(st.Action ?? [], st.NotAction ?? []).map(String);
      for (const a of actions) if (a.includes("*")) wildcardActions.push({ address: p.address, sid, what: a });
      const resources = ([] as unknown[]).concat(st.Resource ?? []).map(String);
      if (st.Effect !== "Deny" && resources.includes("*")) wildcardResources.push({ address: p.address, sid, what: actions.join(", ") });
    }
  }

  // --- secrets
  const alarmish = ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_event_rule", "aws_scheduler_schedule", "aws_config_config_rule"];
  // Serialized once: every secret is looked up in every alarm and policy (hundreds of each with many agent groups).
  const alarmTexts = alarmish.flatMap((t) => idx.all(t)).map((r) => ({ r, text: JSON.stringify(r.body) }));
  const policyTexts = policyDocs.map((p) => ({ p, text: JSON.stringify(p.doc ?? {}) }));
  const secretAccess = new SecretAccessIndex(idx);
  const secrets: SecretFact[] = idx.all("aws_secretsmanager_secret").map((s) => {
    const name = literal(s.body.name) ?? (literal(s.body.name_prefix) ? `${literal(s.body.name_prefix)}…` : s.address);
    const key = keyLabel(idx, s.body.kms_key_id, "aws/secretsmanager (AWS managed)");
    const rot = idx.referencingVia(s, "aws_secretsmanager_secret_rotation", (b) => b.secret_id)[0];
    const rules = rot ? blocks(rot.body.rotation_rules)[0] : undefined;
    const needle = `${s.address}.`;
    const alerts = alarmTexts.filter(({ text }) => text.includes(`\${${needle}`) || (literal(s.body.name) !== undefined && text.includes(JSON.stringify(literal(s.body.name)).slice(1, -1)))).map(({ r }) => `${labelOf(r, r.address)} (${r.address})`);
    const readers = containers.flatMap((c) => c.secrets.filter((x) => x.secret === s.address).map((x) => `${c.family}/${c.name} as ${x.name}`)).sort();
    const grantees = [...new Set(policyTexts.filter(({ text }) => text.includes(`\${${needle}`)).map(({ p }) => p.role ?? p.address))].sort();
    return {
      address: s.address,
      name,
      description: literal(s.body.description),
      purpose: factsOf(s.body).secretPurpose,
      kmsKey: key.label,
      customerKey: key.customer,
      rotation: rot ? { address: rot.address, days: num(rules?.automatically_after_days), schedule: literal(rules?.schedule_expression) } : undefined,
      alerts: alerts.sort(),
      readers,
      grantees,
      access: secretAccess.of(s),
    };
  });

  // --- load balancers, listeners, tiers
  const loadBalancers: LoadBalancerFact[] = idx.all("aws_lb").map((lb) => {
    const logs = blocks(lb.body.access_logs)[0];
    const bucket = logs ? idx.target(logs.bucket, "aws_s3_bucket") : undefined;
    return {
      address: lb.address,
      label: labelOf(lb, lb.address),
      internal: bool(lb.body.internal),
      type: literal(lb.body.load_balancer_type) ?? "application",
      dropInvalidHeaders: bool(lb.body.drop_invalid_header_fields),
      deletionProtection: bool(lb.body.enable_deletion_protection),
      idleTimeout: num(lb.body.idle_timeout),
      accessLogs: logs && bool(logs.enabled) !== false ? (bucket ? labelOf(bucket, bucket.address) : (literal(logs.bucket) ?? "bucket")) : undefined,
    };
  });
  const tgLabel = (v: unknown) => {
    const tg = idx.target(v, "aws_lb_target_group") ?? idx.target(v, "aws_alb_target_group");
    return tg ? labelOf(tg, tg.address) : (literal(v) ?? "?");
  };
  const actionText = (actions: unknown): string =>
    blocks(actions)
      .map((a) => {
        const type = literal(a.type) ?? "?";
        if (type === "forward") {
          const tgs = [a.target_group_arn, ...blocks(a.forward).flatMap((f) => blocks(f.target_group).map((t) => t.arn))].filter((x) => x !== undefined);
          return `forward to ${tgs.map(tgLabel).join(", ")}`;
        }
        if (type === "fixed-response") {
          const fr = blocks(a.fixed_response)[0] ?? {};
          return `fixed response ${literal(fr.status_code) ?? "?"}`;
        }
        if (type === "redirect") {
          const rd = blocks(a.redirect)[0] ?? {};
          return `redirect to ${literal(rd.protocol) ?? "#{protocol}"}:${literal(rd.port) ?? "#{port}"}`;
        }
        return type;
      })
      .join("; ") || "?";
  const certificateSource = (l: Res): string => {
    const arn = l.body.certificate_arn;
    if (arn === undefined) return "none";
    const cert = idx.target(arn, "aws_acm_certificate");
    if (cert) {
      const b = cert.body;
      const keyRef = refsIn(b.private_key)[0];
      const bodyRef = refsIn(b.certificate_body)[0];
      if (bodyRef?.type === "tls_self_signed_cert") {
        const self = idx.get(bodyRef.address);
        const hours = num(self?.body.validity_period_hours);
        return `self-signed (tls provider ${bodyRef.address}${hours ? `, valid ${Math.round(hours / 24)} days` : ""}), imported into ACM as ${cert.address}; clients cannot verify it`;
      }
      if (bodyRef?.type === "tls_locally_signed_cert") return `signed by a private CA in Terraform (${bodyRef.address}), imported into ACM as ${cert.address}`;
      if (b.certificate_body !== undefined || keyRef) return `imported into ACM (${cert.address})`;
      if (b.domain_name !== undefined) return `issued by ACM for ${literal(b.domain_name) ?? "?"} (${literal(b.validation_method) ?? "?"} validation)`;
      return cert.address;
    }
    const lit = literal(arn);
    if (lit) return `existing ACM certificate ${lit}`;
    if (String(arn).includes("${data.aws_acm_certificate.")) return "existing ACM certificate (looked up by a data source)";
    return String(arn);
  };
  const listeners: ListenerFact[] = idx.all("aws_lb_listener").map((l) => {
    const lb = idx.target(l.body.load_balancer_arn, "aws_lb");
    const protocol = literal(l.body.protocol) ?? (l.body.certificate_arn ? "HTTPS" : "HTTP");
    const tlsListener = protocol === "HTTPS" || protocol === "TLS";
    const sslPolicy = literal(l.body.ssl_policy);
    const effective = tlsListener ? (sslPolicy ?? API_DEFAULT_POLICY) : undefined;
    const minTls = effective ? minTlsVersion(effective) : undefined;
    const flags: Flag[] = [];
    if (!tlsListener) flags.push({ severity: "critical", text: `plain ${protocol}: traffic is not encrypted` });
    if (tlsListener && !sslPolicy) flags.push({ severity: "high", text: `no ssl_policy: AWS applies ${API_DEFAULT_POLICY} (TLS 1.0)` });
    if (effective && !minTls) flags.push({ severity: "medium", text: `policy ${effective} is not in the kit's table; check its TLS floor` });
    else if (minTls && Number(minTls.split(".")[1]) < 2) flags.push({ severity: "high", text: `accepts TLS ${minTls}` });
    return {
      address: l.address,
      loadBalancer: lb ? labelOf(lb, lb.address) : (literal(l.body.load_balancer_arn) ?? "?"),
      internal: lb ? bool(lb.body.internal) : undefined,
      port: num(l.body.port),
      protocol,
      sslPolicy: effective,
      minTls,
      certificate: tlsListener ? certificateSource(l) : "none",
      defaultAction: actionText(l.body.default_action),
      flags,
    };
  });
  listeners.sort(byKey((l) => `${l.loadBalancer}\u0000${String(l.port ?? 0).padStart(5, "0")}`));

  const services = idx.all("aws_ecs_service").map((s) => {
    const nc = blocks(s.body.network_configuration)[0];
    return {
      address: s.address,
      name: labelOf(s, s.address),
      desiredCount: num(s.body.desired_count),
      publicIp: nc ? (bool(nc.assign_public_ip) ?? false) : undefined,
      taskDefinition: idx.target(s.body.task_definition, "aws_ecs_task_definition")?.address,
      targetGroups: blocks(s.body.load_balancer)
        .map((b) => idx.target(b.target_group_arn, "aws_lb_target_group")?.address)
        .filter((x): x is string => !!x),
    };
  });
  const targetGroups = idx.all("aws_lb_target_group").map((tg) => {
    const hc = blocks(tg.body.health_check)[0];
    return { address: tg.address, name: labelOf(tg, tg.address), protocol: literal(tg.body.protocol), healthCheck: hc ? `${literal(hc.protocol) ?? ""} ${literal(hc.path) ?? ""}`.trim() || "on" : undefined };
  });

  const recorded = readRecordedCatalogue(((plan as Record<string, any>)["//"] ?? {})?.policy?.toolCatalogue);
  const catalogue = recorded ? catalogueFromRecord(recorded) : undefined;
  const risks: Record<string, string> = Object.fromEntries(Object.entries(recorded?.toolsets ?? {}).map(([n, t]) => [n, t.risk]));
  const cidrGroup = new Map<string, string>();
  for (const f of flows) if (f.direction === "ingress" && f.peerKind === "cidr" && f.agentGroup) cidrGroup.set(f.peer, f.agentGroup);
  const tiers: TierFact[] = [];
  const tierDefaults = new Set<string>();
  for (const rule of idx.all("aws_lb_listener_rule")) {
    const sources = blocks(rule.body.condition).flatMap((c) => blocks(c.source_ip).flatMap((s) => (s.values ?? []).map(String)));
    if (sources.length === 0) continue;
    // A rule that answers itself (RFC 9728 metadata, lib/tier-routes.ts) reaches no task, so no tier: the
    // authorization section reports it (review/authorization.ts).
    if (blocks(rule.body.action).every((a) => a.type === "fixed-response")) continue;
    const listener = idx.target(rule.body.listener_arn, "aws_lb_listener");
    const lf = listeners.find((l) => l.address === listener?.address);
    if (lf) tierDefaults.add(`${lf.loadBalancer}:${lf.port ?? "?"} → ${lf.defaultAction}`);
    const tgAddrs = blocks(rule.body.action)
      .flatMap((a) => [a.target_group_arn, ...blocks(a.forward).flatMap((f) => blocks(f.target_group).map((t) => t.arn))])
      .filter((x) => x !== undefined);
    for (const tgRef of tgAddrs.length ? tgAddrs : [undefined]) {
      const tg = tgRef === undefined ? undefined : idx.target(tgRef, "aws_lb_target_group");
      const svcs = tg ? services.filter((s) => s.targetGroups.includes(tg.address)) : [];
      const tdContainers = containers.filter((c) => svcs.some((s) => s.taskDefinition === c.task));
      const toolsets = [
        ...new Set(
          tdContainers.flatMap((c) =>
            (c.env.SELECTED_TOOLSETS ?? "")
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ),
      ].sort();
      const risk = toolsets.reduce(
        (best, t) => {
          const r = risks[t] ?? "unknown";
          if (r === "unknown" || best === "unknown") return "unknown";
          return RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(best) ? r : best;
        },
        toolsets.length ? "low" : "unknown",
      );
      const readOnly = [...new Set(tdContainers.map((c) => c.env.IBMI_EXECUTE_SQL_READONLY).filter((v) => v !== undefined))].join(", ") || undefined;
      const toolsYaml = tdContainers.length > 0 && tdContainers.every((c) => c.env.TOOLS_YAML_PATH !== undefined);
      const toolLists = catalogue ? tdContainers.map((c) => toolsOfGrant(catalogue, toolsets, executeSqlFromEnv(c.env), c.env.TOOLS_YAML_PATH !== undefined)) : [];
      // Every task behind the route serves the same tools when they share one task definition (the kit's case).
      const tools = toolLists.length && toolLists.every((l) => JSON.stringify(l) === JSON.stringify(toolLists[0])) ? toolLists[0] : undefined;
      // One name on plans from before listener rules were packed per tier; space-separated names since (a rule holds
      // ranges of several groups of one tier; constructs/load-balancer.ts routeTags).
      const groupsFromTags = (literal(rule.body.tags?.["agent-group"]) ?? literal(rule.body.tags?.AgentGroup))?.split(/\s+/).filter(Boolean);
      const agentGroups = groupsFromTags?.length ? [...groupsFromTags].sort() : [...new Set(sources.map((s) => cidrGroup.get(s) ?? "?"))].sort();
      const flags: Flag[] = [];
      if (sources.some((s) => s.endsWith("/0"))) flags.push({ severity: "critical", text: "routes every address" });
      const unnamed = sources.filter((s) => !cidrGroup.has(s));
      if (!groupsFromTags?.length && unnamed.length) flags.push({ severity: "medium", text: `${unnamed.join(", ")} is in no agent group's ingress rule` });
      for (const g of agentGroups) {
        const a = ctx.agents?.find((x) => x.name === g);
        if (a && toolsets.length && [...new Set(a.toolsets)].sort().join(",") !== toolsets.join(",")) flags.push({ severity: "high", text: `config grants ${g} ${[...new Set(a.toolsets)].sort().join(", ")}` });
      }
      if (toolsets.length === 0) flags.push({ severity: "medium", text: "target runs no task with SELECTED_TOOLSETS (all toolsets?)" });
      if (tdContainers.length && !toolsYaml) flags.push({ severity: "high", text: "no TOOLS_YAML_PATH: the server loads no IBM i tool of its toolsets, only its built-in ones" });
      const unknownToolsets = catalogue ? toolsets.filter((t) => !recorded!.toolsets[t]) : [];
      if (unknownToolsets.length)
        flags.push({ severity: "high", text: `${unknownToolsets.join(", ")} ${unknownToolsets.length > 1 ? "are" : "is"} in no tools YAML file the stack was built with, so the server drops ${unknownToolsets.length > 1 ? "them" : "it"} silently` });
      const granted = agentGroups.map((g) => ctx.agents?.find((x) => x.name === g));
      const readOnlyGrant = ctx.agents && granted.every(Boolean) ? granted.every((a) => a!.readOnly) : undefined;
      if (readOnlyGrant && ["high", "critical"].includes(risk)) flags.push({ severity: "critical", text: `read-only agent group reaches ${risk}-risk toolsets` });
      tiers.push({
        address: rule.address,
        agentGroups,
        sources: [...sources].sort(),
        priority: num(rule.body.priority),
        listener: lf ? `${lf.loadBalancer}:${lf.port ?? "?"}` : "?",
        targetGroup: tgRef === undefined ? actionText(rule.body.action) : tgLabel(tgRef),
        services: svcs.map((s) => s.name),
        toolsets,
        risk,
        readOnlySql: readOnly,
        readOnlyGrant,
        tools,
        toolsYaml,
        flags,
      });
    }
  }
  tiers.sort(byKey((t) => `${t.listener}\u0000${String(t.priority ?? 0).padStart(6, "0")}\u0000${t.sources.join(",")}`));

  // --- logs, buckets, alerts
  const metricFilters = idx.all("aws_cloudwatch_log_metric_filter").map((m) => {
    const lg = idx.target(m.body.log_group_name, "aws_cloudwatch_log_group");
    const mt = blocks(m.body.metric_transformation)[0] ?? {};
    return {
      address: m.address,
      name: literal(m.body.name) ?? m.address,
      pattern: literal(m.body.pattern) ?? String(m.body.pattern ?? ""),
      logGroup: lg?.address,
      logGroupName: lg ? labelOf(lg, lg.address) : (literal(m.body.log_group_name) ?? "?"),
      metric: `${literal(mt.namespace) ?? "?"}/${literal(mt.name) ?? "?"}`,
    };
  });
  const logGroups: LogGroupFact[] = idx.all("aws_cloudwatch_log_group").map((g) => {
    const writers: string[] = [];
    for (const fl of idx.all("aws_flow_log")) if (refsIn(fl.body.log_destination).some((r) => r.address === g.address)) writers.push(`VPC flow log ${fl.address}`);
    for (const c of containers) if (c.logGroup === g.address || c.logGroup === literal(g.body.name)) writers.push(`container ${c.family}/${c.name}`);
    for (const r of idx.referencing(g))
      if (!["aws_flow_log", "aws_cloudwatch_log_metric_filter", "aws_iam_role_policy", "aws_ecs_task_definition", "aws_iam_policy", "aws_cloudwatch_log_subscription_filter"].includes(r.type))
        writers.push(`${r.type.replace(/^aws_/, "").replace(/_/g, " ")} ${labelOf(r, r.address)}`);
    const key = keyLabel(idx, g.body.kms_key_id, "CloudWatch Logs default encryption (AWS owned key)");
    const retention = num(g.body.retention_in_days);
    return {
      address: g.address,
      name: literal(g.body.name) ?? g.address,
      retentionDays: retention === 0 ? undefined : retention,
      kmsKey: key.label,
      writers: [...new Set(writers)].sort(),
      metricFilters: metricFilters
        .filter((m) => m.logGroup === g.address)
        .map((m) => m.name)
        .sort(),
    };
  });

  const buckets: BucketFact[] = idx.all("aws_s3_bucket").map((b) => {
    const related = (type: string) => idx.referencingVia(b, type, (x) => x.bucket);
    const ver = related("aws_s3_bucket_versioning")[0];
    const verStatus = ver ? (literal(blocks(ver.body.versioning_configuration)[0]?.status) ?? "?") : blocks(b.body.versioning)[0] && bool(blocks(b.body.versioning)[0].enabled) ? "Enabled" : "not configured";
    const sse = related("aws_s3_bucket_server_side_encryption_configuration")[0];
    const def = sse ? blocks(sse.body.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default))[0] : undefined;
    const algorithm = def ? (literal(def.sse_algorithm) ?? "?") : undefined;
    const key = def && def.kms_master_key_id !== undefined ? keyLabel(idx, def.kms_master_key_id, "aws/s3") : undefined;
    const encryption = !algorithm ? "S3 default (SSE-S3)" : algorithm === "AES256" ? "SSE-S3 (AES256)" : `${algorithm === "aws:kms:dsse" ? "DSSE-KMS" : "SSE-KMS"} with ${key?.label ?? "aws/s3 (AWS managed)"}`;
    const lc = related("aws_s3_bucket_lifecycle_configuration")[0];
    const enabledRules = lc ? blocks(lc.body.rule).filter((r) => literal(r.status) !== "Disabled") : [];
    const expiration = enabledRules.map((r) => num(blocks(r.expiration)[0]?.days)).filter((d): d is number => d !== undefined);
    const noncurrent = enabledRules.map((r) => num(blocks(r.noncurrent_version_expiration)[0]?.noncurrent_days)).filter((d): d is number => d !== undefined);
    const pab = related("aws_s3_bucket_public_access_block")[0];
    const blocked = pab ? ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].filter((k) => bool(pab.body[k]) === true).length : 0;
    const lock = related("aws_s3_bucket_object_lock_configuration")[0];
    const lockRule = lock ? blocks(lock.body.rule).flatMap((r) => blocks(r.default_retention))[0] : undefined;
    const policies = related("aws_s3_bucket_policy").map((p) => (typeof p.body.policy === "string" ? p.body.policy : JSON.stringify(p.body.policy ?? "")));
    const tlsOnly = policies.some((p) => p.includes("aws:SecureTransport") && p.includes("Deny"));
    const logging = related("aws_s3_bucket_logging")[0];
    const logTarget = logging && idx.target(logging.body.target_bucket, "aws_s3_bucket");
    const receivesLogs = idx.referencingVia(b, "aws_s3_bucket_logging", (x) => x.target_bucket).length > 0 || idx.all("aws_lb").some((lb) => blocks(lb.body.access_logs).some((a) => idx.target(a.bucket) === b));
    const accessLogging = logging ? `to ${logTarget ? (literal(logTarget.body.bucket) ?? logTarget.address) : "?"} under ${literal(logging.body.target_prefix) ?? "?"}` : receivesLogs ? "receives logs" : "off";
    return {
      address: b.address,
      name: literal(b.body.bucket) ?? (literal(b.body.bucket_prefix) ? `${literal(b.body.bucket_prefix)}…` : b.address),
      versioning: verStatus,
      encryption,
      customerKey: !!key?.customer,
      expirationDays: expiration.length ? Math.min(...expiration) : undefined,
      noncurrentDays: noncurrent.length ? Math.min(...noncurrent) : undefined,
      publicAccessBlocked: blocked,
      objectLock: lockRule ? `${literal(lockRule.mode) ?? "?"} ${num(lockRule.days) ?? num(lockRule.years) ?? "?"}${lockRule.years !== undefined ? " years" : " days"}` : bool(b.body.object_lock_enabled) ? "enabled, no default retention" : undefined,
      tlsOnly,
      accessLogging,
    };
  });

  const topics: TopicFact[] = idx.all("aws_sns_topic").map((t) => {
    const key = keyLabel(idx, t.body.kms_master_key_id, "none (unencrypted)");
    return {
      address: t.address,
      name: literal(t.body.name) ?? t.address,
      kmsKey: key.label,
      customerKey: key.customer && !String(t.body.kms_master_key_id).includes("alias/aws/sns"),
      subscriptions: idx
        .referencingVia(t, "aws_sns_topic_subscription", (b) => b.topic_arn)
        .map((s) => ({ address: s.address, protocol: literal(s.body.protocol) ?? "?", endpoint: literal(s.body.endpoint) ?? refsIn(s.body.endpoint)[0]?.address ?? "?" })),
    };
  });
  const topicLabel = (v: unknown) => {
    const t = idx.target(v, "aws_sns_topic");
    return t ? labelOf(t, t.address) : (literal(v) ?? String(v));
  };
  const alarms: AlarmFact[] = idx.all("aws_cloudwatch_metric_alarm").map((a) => {
    const b = a.body;
    const metric = `${literal(b.namespace) ?? "?"}/${literal(b.metric_name) ?? (b.metric_query ? "metric math" : "?")}`;
    const cmp: Record<string, string> = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: "≥", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤" };
    const period = num(b.period);
    const condition =
      `${literal(b.statistic) ?? literal(b.extended_statistic) ?? ""} ${cmp[String(b.comparison_operator)] ?? b.comparison_operator ?? "?"} ${b.threshold ?? "?"}${period ? ` over ${period >= 3600 && period % 3600 === 0 ? `${period / 3600} h` : `${period} s`}` : ""}${num(b.evaluation_periods) && num(b.evaluation_periods)! > 1 ? ` × ${num(b.evaluation_periods)}` : ""}`.trim();
    const filters = metricFilters.filter((m) => m.metric === metric);
    return {
      address: a.address,
      name: literal(b.alarm_name) ?? a.address,
      metric,
      condition,
      description: literal(b.alarm_description),
      topics: [...new Set([...(b.alarm_actions ?? [])].map(topicLabel))].sort(),
      source: filters.length ? filters.map((m) => `filter ${m.name} on ${m.logGroupName}`).join("; ") : undefined,
    };
  });

  const vpcEndpoints = idx
    .all("aws_vpc_endpoint")
    .map((e) => String(literal(e.body.service_name) ?? e.address).replace(/^com\.amazonaws\.[a-z0-9-]+\./, ""))
    .sort();
  const defaultGroups = idx.all("aws_default_security_group");
  const variablesWithDefaults = Object.entries((plan.variable ?? {}) as Record<string, any>)
    .filter(([, v]) => v && v.default !== undefined)
    .map(([k]) => `var.${k}`)
    .sort();
  return {
    stack,
    stage,
    resourceCount: Object.values(plan.resource ?? {}).reduce((n, r) => n + Object.keys(r ?? {}).length, 0),
    groups,
    ingress,
    egress,
    loadBalancers,
    listeners,
    tiers,
    tierDefaults: [...tierDefaults].sort(),
    containers: containers.sort(byKey((c) => `${c.family}/${c.name}`)),
    services: services.map(({ targetGroups: _t, ...s }) => s),
    targetGroups,
    secrets: secrets.sort(byKey((s) => s.name)),
    keys: idx.all("aws_kms_key").map((k) => ({ address: k.address, label: keyLabel(idx, `\${${k.address}.arn}`, "").label, rotation: bool(k.body.enable_key_rotation), periodDays: num(k.body.rotation_period_in_days) })),
    logGroups: logGroups.sort(byKey((g) => g.name)),
    buckets: buckets.sort(byKey((b) => b.name)),
    topics,
    alarms: alarms.sort(byKey((a) => a.name)),
    network: {
      internetGateways: [...idx.all("aws_internet_gateway"), ...idx.all("aws_egress_only_internet_gateway")].map((r) => r.address),
      natGateways: idx.all("aws_nat_gateway").map((r) => r.address),
      publicSubnets: idx
        .all("aws_subnet")
        .filter((s) => bool(s.body.map_public_ip_on_launch) === true)
        .map((s) => s.address),
      attachments: [...idx.all("aws_ec2_transit_gateway_vpc_attachment"), ...idx.all("aws_vpn_gateway_attachment"), ...idx.all("aws_vpc_peering_connection")].map((r) => r.address),
      flowLogs: idx.all("aws_flow_log").map((f) => {
        const lg = idx.target(f.body.log_destination, "aws_cloudwatch_log_group");
        return { address: f.address, traffic: literal(f.body.traffic_type), destination: lg ? labelOf(lg, lg.address) : (literal(f.body.log_destination) ?? "?") };
      }),
      endpoints: vpcEndpoints,
      defaultGroupEmpty: defaultGroups.length ? defaultGroups.every((g) => blocks(g.body.ingress).length === 0 && blocks(g.body.egress).length === 0) : undefined,
    },
    iam: { roles: roles.map((r) => labelOf(r, r.address)).sort(), wildcardActions, wildcardResources },
    variablesWithDefaults,
    secretVersionsWithValue: idx
      .all("aws_secretsmanager_secret_version")
      .filter((v) => v.body.secret_string !== undefined || v.body.secret_binary !== undefined)
      .map((v) => v.address),
  };
}

/** Security groups, what each is attached to, and every flow in and out with its flags. */
function networkFacts(idx: PlanIndex, ctx: ReviewContext, mcpPort: number, gatewayPort: number): { groups: GroupFact[]; flows: FlowFact[]; ingress: FlowFact[]; egress: FlowFact[] } {
  // --- security groups and what they are attached to
  const attach = new Map<string, string[]>();
  const addAttach = (groupRefs: unknown, what: string) => {
    for (const r of refsIn(groupRefs)) if (r.type === "aws_security_group") attach.set(r.address, [...(attach.get(r.address) ?? []), what]);
  };
  for (const lb of idx.all("aws_lb")) addAttach(lb.body.security_groups, `load balancer ${labelOf(lb, lb.address)}`);
  for (const svc of idx.all("aws_ecs_service")) for (const nc of blocks(svc.body.network_configuration)) addAttach(nc.security_groups, `ECS service ${labelOf(svc, svc.address)}`);
  for (const ep of idx.all("aws_vpc_endpoint")) addAttach(ep.body.security_group_ids, `VPC endpoint ${String(literal(ep.body.service_name) ?? ep.address).replace(/^com\.amazonaws\.[a-z0-9-]+\./, "")}`);
  for (const fn of idx.all("aws_lambda_function")) for (const vc of blocks(fn.body.vpc_config)) addAttach(vc.security_group_ids, `Lambda ${labelOf(fn, fn.address)}`);
  // Anything else that places network interfaces in a group (EFS mount targets, databases, caches…), named by its type.
  const named = new Set(["aws_lb", "aws_alb", "aws_ecs_service", "aws_vpc_endpoint", "aws_lambda_function"]);
  const seenGroups = new Map<string, Set<string>>();
  for (const type of idx.types().filter((t) => !named.has(t))) {
    for (const r of idx.all(type)) {
      const refs = [r.body.security_groups, r.body.vpc_security_group_ids, r.body.security_group_ids].filter((x) => x !== undefined);
      for (const ref of refsIn(refs)) {
        if (ref.type !== "aws_security_group") continue;
        const what = type
          .replace(/^aws_/, "")
          .replace(/_/g, " ")
          .replace(/\b(efs|db|rds|ec2|msk|mq)\b/g, (m) => m.toUpperCase());
        if (!seenGroups.has(ref.address)) seenGroups.set(ref.address, new Set());
        seenGroups.get(ref.address)!.add(what);
      }
    }
  }
  for (const [group, whats] of seenGroups) for (const what of [...whats].sort()) attach.set(group, [...(attach.get(group) ?? []), what]);
  const groups: GroupFact[] = idx.all("aws_security_group").map((g) => {
    const raw = attach.get(g.address) ?? [];
    const endpoints = raw.filter((a) => a.startsWith("VPC endpoint "));
    const others = raw.filter((a) => !a.startsWith("VPC endpoint ")).sort();
    const attachedTo = endpoints.length > 2 ? [...others, `${endpoints.length} VPC endpoints`] : [...others, ...endpoints.sort()];
    return { address: g.address, label: labelOf(g, g.address), description: literal(g.body.description), attachedTo };
  });
  const groupLabel = (address: string) => groups.find((g) => g.address === address)?.label ?? address;
  const groupIsTasks = (address: string) => (attach.get(address) ?? []).some((a) => a.startsWith("ECS service "));

  const prefixListLabel = (value: unknown) => {
    const ep = idx.target(value, "aws_vpc_endpoint");
    if (ep)
      return `${String(literal(ep.body.service_name) ?? ep.address)
        .replace(/^com\.amazonaws\.[a-z0-9-]+\./, "")
        .toUpperCase()} prefix list (${ep.address})`;
    return literal(value) ?? String(value);
  };

  // --- flows: the separate rule resources (what this kit writes) and the older inline / aws_security_group_rule forms
  const agentCidrs = new Map<string, string>();
  for (const a of ctx.agents ?? []) for (const c of a.cidrs) agentCidrs.set(c, a.name);
  const flows: FlowFact[] = [];
  // A plan the kit wrote carries facts: then descriptions are prose for people and never read for a finding.
  const structured = idx.view.all().some((r) => FACTS_KEY in (r.body["//"] ?? {}));
  const addFlow = (f: Omit<FlowFact, "flags" | "agentGroup" | "groupLabel" | "ports"> & { readonly agentGroup?: string }) => {
    const agentGroup = structured ? f.agentGroup : /agent group ([A-Za-z0-9_.-]+)/.exec(f.description ?? "")?.[1];
    const ports = portsText(f.protocol, f.fromPort, f.toPort);
    const flags: Flag[] = [];
    const wideCidr = f.peerKind === "cidr" && (f.peer.endsWith("/0") || f.peer === "::/0");
    if (f.direction === "ingress") {
      if (wideCidr) flags.push({ severity: "critical", text: `open to every address (${f.peer})` });
      else if (f.peerKind === "cidr" && !f.peer.includes(":") && toCidr(f.peer) && !isPrivate(toCidr(f.peer)!)) flags.push({ severity: "high", text: "public source range" });
      if (ports === "all" || (f.fromPort !== undefined && f.toPort !== undefined && f.fromPort !== f.toPort)) flags.push({ severity: "high", text: `more than one port (${ports})` });
      const onMcp = f.fromPort !== undefined && f.fromPort <= mcpPort && (f.toPort ?? f.fromPort) >= mcpPort;
      if (onMcp && !groupIsTasks(f.group) && f.peerKind !== "security-group" && !agentGroup) flags.push({ severity: "medium", text: "names no agent group in its description" });
      if (groupIsTasks(f.group) && f.peerKind === "cidr") flags.push({ severity: "high", text: "reaches the tasks directly, bypassing the load balancer" });
      if (ctx.agents && onMcp && f.peerKind === "cidr" && !groupIsTasks(f.group)) {
        const owner = agentCidrs.get(f.peer);
        if (!owner) flags.push({ severity: "high", text: "not an agent range in the config" });
        else if (agentGroup && owner !== agentGroup) flags.push({ severity: "medium", text: `config grants this range to agent group ${owner}, the description says ${agentGroup}` });
      }
      const onGateway = f.fromPort !== undefined && f.fromPort <= gatewayPort && (f.toPort ?? f.fromPort) >= gatewayPort;
      if (ctx.gatewayClientCidrs && onGateway && f.peerKind === "cidr" && !groupIsTasks(f.group) && !ctx.gatewayClientCidrs.includes(f.peer)) flags.push({ severity: "high", text: "not a gateway client range in the config" });
    } else {
      if (wideCidr) flags.push({ severity: "high", text: `to every address (${f.peer})` });
      else if (f.peerKind === "cidr" && !f.peer.includes(":") && toCidr(f.peer) && !isPrivate(toCidr(f.peer)!)) flags.push({ severity: "medium", text: "public destination" });
      if (ports === "all") flags.push({ severity: "medium", text: "all ports and protocols" });
      if (ctx.egressCidrs && f.peerKind === "cidr" && !wideCidr && !ctx.egressCidrs.includes(f.peer)) flags.push({ severity: "medium", text: "destination not in the config (network.ibmi.cidr)" });
    }
    flows.push({ ...f, groupLabel: groupLabel(f.group), ports, agentGroup, flags });
  };
  const peerOf = (b: Record<string, any>): { peerKind: FlowFact["peerKind"]; peer: string; peerAddress?: string }[] => {
    const out: { peerKind: FlowFact["peerKind"]; peer: string; peerAddress?: string }[] = [];
    for (const c of [b.cidr_ipv4, b.cidr_ipv6].filter((x) => x !== undefined)) out.push({ peerKind: "cidr", peer: literal(c) ?? String(c) });
    for (const c of [...(b.cidr_blocks ?? []), ...(b.ipv6_cidr_blocks ?? [])]) out.push({ peerKind: "cidr", peer: literal(c) ?? String(c) });
    for (const s of [b.referenced_security_group_id, b.source_security_group_id, ...(b.security_groups ?? [])].filter((x) => x !== undefined)) {
      const g = idx.target(s, "aws_security_group");
      out.push(g ? { peerKind: "security-group", peer: groupLabel(g.address), peerAddress: g.address } : { peerKind: "security-group", peer: literal(s) ?? String(s) });
    }
    for (const p of [b.prefix_list_id, ...(b.prefix_list_ids ?? [])].filter((x) => x !== undefined)) out.push({ peerKind: "prefix-list", peer: prefixListLabel(p) });
    if (b.self === true) out.push({ peerKind: "security-group", peer: "itself" });
    return out.length ? out : [{ peerKind: "unknown", peer: "?" }];
  };
  const ruleFlows = (type: string, direction: "ingress" | "egress" | undefined) => {
    for (const r of idx.all(type)) {
      const b = r.body;
      const dir = direction ?? (b.type === "egress" ? "egress" : "ingress");
      const g = idx.target(b.security_group_id, "aws_security_group");
      for (const p of peerOf(b)) {
        addFlow({
          address: r.address,
          direction: dir,
          group: g?.address ?? String(b.security_group_id),
          protocol: String(b.ip_protocol ?? b.protocol ?? "tcp"),
          fromPort: num(b.from_port),
          toPort: num(b.to_port),
          description: literal(b.description),
          agentGroup: factsOf(b).agentGroup,
          ...p,
        });
      }
    }
  };
  ruleFlows("aws_vpc_security_group_ingress_rule", "ingress");
  ruleFlows("aws_vpc_security_group_egress_rule", "egress");
  ruleFlows("aws_security_group_rule", undefined);
  for (const g of idx.all("aws_security_group")) {
    for (const dir of ["ingress", "egress"] as const) {
      for (const b of blocks(g.body[dir])) {
        for (const p of peerOf(b))
          addFlow({ address: `${g.address} (inline ${dir})`, direction: dir, group: g.address, protocol: String(b.protocol ?? "tcp"), fromPort: num(b.from_port), toPort: num(b.to_port), description: literal(b.description), ...p });
      }
    }
  }
  const flowOrder = byKey<FlowFact>((f) => `${f.groupLabel}\u0000${String(f.fromPort ?? 0).padStart(5, "0")}\u0000${f.peer}\u0000${f.address}`);
  return { groups, flows, ingress: flows.filter((f) => f.direction === "ingress").sort(flowOrder), egress: flows.filter((f) => f.direction === "egress").sort(flowOrder) };
}

/** Every container of every task definition: image, environment, secrets, hardening and log group. */
function containerFacts(idx: PlanIndex): ContainerFact[] {
  const containers: ContainerFact[] = [];
  for (const td of idx.all("aws_ecs_task_definition")) {
    let defs: any[] = [];
    const raw = td.body.container_definitions;
    try {
      defs = typeof raw === "string" ? JSON.parse(raw) : Array.isArray(raw) ? raw : [];
    } catch {
      defs = [];
    }
    const family = literal(td.body.family) ?? td.address;
    for (const c of defs) {
      const env: Record<string, string> = {};
      for (const e of c.environment ?? []) if (e && typeof e.name === "string") env[e.name] = String(e.value ?? "");
      const lg = c.logConfiguration?.options?.["awslogs-group"];
      const lgRes = idx.target(lg, "aws_cloudwatch_log_group");
      containers.push({
        task: td.address,
        family,
        name: String(c.name ?? "?"),
        image: typeof c.image === "string" ? c.image : undefined,
        env,
        secrets: (c.secrets ?? []).map((s: any) => ({ name: String(s.name), valueFrom: String(s.valueFrom), secret: idx.target(s.valueFrom, "aws_secretsmanager_secret")?.address })),
        readonlyRootFilesystem: c.readonlyRootFilesystem,
        privileged: c.privileged,
        user: c.user,
        logGroup: lgRes?.address ?? (typeof lg === "string" ? lg : undefined),
        healthCheck: !!c.healthCheck,
      });
    }
  }
  return containers;
}
