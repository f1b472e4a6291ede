/**
 * The reviewer report: one Markdown page per stack, computed from its synthesized Terraform JSON (what will be
 * deployed, not what the config meant), plus an index. Pure: plan in, Markdown out; no clock, no file system.
 */
import { recordedStackFacts } from "../plan/stack-facts";
import { StackResult, TerraformJson } from "../policy/types";
import { AssessedItem, assessChecklist, CHECKLIST_GROUPS, Status } from "./checklist";
import { extractFacts, Facts, Flag, FlagSeverity, FlowFact, ReviewContext } from "./facts";
import { byKey, Cell, code, document, esc, list, md, Md, mermaidLabel, strong, table } from "./markdown";
import { minTlsVersion } from "./tls-policies";
import { OTHERS } from "./secret-access";
import { isImagesPlan, linkTo, reviewImagesStack } from "./images-report";
import { policyCounts, policySection } from "./policy-section";
import { costSection } from "./cost";
import { authorizationSection } from "./authorization";
import { tokenKeysSection } from "./token-keys";
import { MAX_ROTATION_DAYS, MCP_PORT, MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";

export interface ReportOptions {
  /** The policy engine's result for this stack; without it the report says the check did not run. */
  readonly policy?: StackResult;
  /** What the config asked for: enables "wider than asked" flags. @default what the plan records (lib/stack-facts.ts) */
  readonly context?: ReviewContext;
  /** Where the plan was read from, shown in the header (relative, so output does not depend on the machine). */
  readonly source?: string;
}

export interface StackSummary {
  readonly stack: string;
  readonly stage?: string;
  readonly resources: number;
  /** Open flags by severity; flags on resources whose policy finding is suppressed count as accepted instead. */
  readonly flags: Readonly<Record<FlagSeverity, number>>;
  readonly accepted: number;
  /** Seed checklist statuses; absent where it does not apply (an images stack). */
  readonly checklist?: Readonly<Record<Status, number>>;
  /** Set for an environment's image repositories (review/images-report.ts): the environment stack they serve. */
  readonly imagesFor?: string;
  readonly policy?: { readonly passed: boolean; readonly failed: number; readonly suppressed: number };
  readonly mcpSources: readonly string[];
}

export interface StackReview {
  readonly markdown: string;
  readonly summary: StackSummary;
  readonly facts: Facts;
}

const SEVERITIES: readonly FlagSeverity[] = ["critical", "high", "medium", "low"];
const STATUS_MARK: Readonly<Record<Status, string>> = { met: "✅ met", partly: "🟡 partly", "not met": "❌ not met", "outside this kit": "➖ outside this kit" };

function flagsCell(flags: readonly Flag[]): Cell {
  if (flags.length === 0) return "";
  return md(...flags.flatMap((f, i) => [...(i ? ["; "] : []), strong(f.severity), ` ${f.text}`]));
}

function sourceCell(f: FlowFact): Md {
  return f.peerKind === "cidr" ? code(f.peer) : f.peerKind === "security-group" ? md("security group ", code(f.peer)) : md(f.peer);
}

function targetCell(groupLabel: string, attachedTo: readonly string[]): Md {
  return md(code(groupLabel), attachedTo.length ? ` (${attachedTo.join(", ")})` : " (not attached in this plan)");
}

function days(n: number | undefined, none: string): string {
  return n === undefined ? none : `${n} days`;
}

export function reviewStack(stack: string, plan: TerraformJson, options: ReportOptions = {}): StackReview {
  const opts: ReportOptions = { ...options, context: options.context ?? recordedStackFacts(plan) };
  // Image repositories only: nothing the seed checklist or the reachability tables judge (review/images-report.ts).
  if (isImagesPlan(plan)) return reviewImagesStack(stack, plan, opts);
  const f = extractFacts(stack, plan, opts.context);
  const checklist = assessChecklist(f, opts.policy);
  const attached = new Map(f.groups.map((g) => [g.address, g.attachedTo]));
  // A flag on a resource whose policy finding carries a written suppression is accepted, not open.
  const suppressions = new Map<string, string[]>();
  for (const r of opts.policy?.results ?? []) for (const s of r.suppressed) suppressions.set(s.address, [...(suppressions.get(s.address) ?? []), r.rule.id]);
  const acceptedBy = (where: string) => [...suppressions.entries()].filter(([address]) => where === address || where.endsWith(` ${address}`)).flatMap(([, ids]) => ids);
  const allFlags: { where: string; flag: Flag; accepted?: string[] }[] = [
    ...[...f.ingress, ...f.egress].flatMap((x) => x.flags.map((flag) => ({ where: `${x.direction} ${x.address}`, flag }))),
    ...f.listeners.flatMap((l) => l.flags.map((flag) => ({ where: l.address, flag }))),
    ...f.tiers.flatMap((t) => t.flags.map((flag) => ({ where: `tier rule ${t.sources.join(", ")}`, flag }))),
    ...secretFlags(f),
    ...logFlags(f),
  ]
    .map((x): { where: string; flag: Flag; accepted?: string[] } => (acceptedBy(x.where).length ? { ...x, accepted: [...new Set(acceptedBy(x.where))].sort() } : x))
    .sort((x, y) => Number(!!x.accepted) - Number(!!y.accepted) || SEVERITIES.indexOf(x.flag.severity) - SEVERITIES.indexOf(y.flag.severity) || (x.where < y.where ? -1 : x.where > y.where ? 1 : 0));
  const openFlags = allFlags.filter((x) => !x.accepted);

  // Paths into the system on 3010 from outside it: rules whose peer is not one of the plan's own security groups.
  const from = (port: number) => f.ingress.filter((x) => x.fromPort !== undefined && x.fromPort <= port && (x.toPort ?? x.fromPort) >= port && !x.peerAddress);
  const mcp = from(opts.context?.mcpPort ?? MCP_PORT);
  const gatewayPort = opts.context?.gatewayPort ?? 4444;
  const gateway = from(gatewayPort);
  const out: string[] = [];
  out.push(`# Security review: ${esc(stack)}`, "");
  out.push(
    `Generated from ${code(opts.source ?? `stacks/${stack}/cdk.tf.json`).md} (${f.resourceCount} resources${f.stage ? `, stage ${esc(f.stage)}` : ""}) by \`npm run review\`. Every table below is computed from the synthesized plan; no value of any secret appears in it.`,
    "",
  );

  // At a glance
  out.push("## At a glance", "");
  const mcpWho = mcp.map((x) => `${x.agentGroup ?? x.description ?? "?"} from ${x.peer}`);
  out.push(`- **Who can reach the MCP port 3010:** ${mcpWho.length ? esc(mcpWho.join("; ")) : "nobody (no ingress rule on 3010)"}.`);
  out.push(`- **Who can reach the gateway port ${gatewayPort}:** ${gateway.length ? esc(gateway.map((x) => `${x.agentGroup ?? x.description ?? "?"} from ${x.peer}`).join("; ")) : "nobody from outside the VPC"}.`);
  const rotated = f.secrets.filter((s) => s.rotation).length;
  const watched = f.secrets.filter((s) => !s.rotation && s.alerts.length).length;
  out.push(`- **Secrets:** ${f.secrets.length} in Secrets Manager; ${rotated} rotated automatically, ${watched} watched by an age alert, ${f.secrets.length - rotated - watched} neither.`);
  const ret = f.logGroups.map((g) => g.retentionDays).filter((d): d is number => d !== undefined);
  out.push(
    `- **Logs:** ${f.logGroups.length} log groups${ret.length ? `, kept ${Math.min(...ret)}–${Math.max(...ret)} days` : ""}${f.buckets.length ? `; ${f.buckets.length} buckets` : ""}; alerts to ${f.topics.length ? esc(f.topics.map((t) => `${t.name} (${t.subscriptions.length} subscriptions)`).join(", ")) : "no topic"}.`,
  );
  const counts = countStatuses(checklist);
  out.push(`- **Seed checklist:** ${counts.met} met, ${counts.partly} partly, ${counts["not met"]} not met, ${counts["outside this kit"]} outside this kit (of ${checklist.length}).`);
  out.push(
    `- **Policy:** ${opts.policy ? `${opts.policy.passed ? "passed" : "FAILED"}: ${opts.policy.results.filter((r) => r.verdict === "fail").length} failing rules, ${opts.policy.results.reduce((n, r) => n + r.suppressed.length, 0)} suppressed findings` : "not run for this report"}.`,
  );
  out.push(
    `- **Flags:** ${openFlags.length ? SEVERITIES.map((s) => `${openFlags.filter((x) => x.flag.severity === s).length} ${s}`).join(", ") : "none open"}${allFlags.length > openFlags.length ? `; ${allFlags.length - openFlags.length} accepted by a policy suppression` : ""}.`,
    "",
  );
  if (allFlags.length) {
    out.push(
      "### Flags",
      "",
      table(
        ["Severity", "Where", "What", "Accepted"],
        allFlags.map((x) => [strong(x.flag.severity), code(x.where), x.flag.text, x.accepted ? md("suppressed ", list(x.accepted.map(code)), " (see Policy result)") : ""]),
      ),
      "",
    );
  }

  // 1. Reachability
  out.push("## 1. Reachability", "", "### Into the system", "");
  out.push(
    table(
      ["Source", "Who (rule description)", "Port", "Target", "Rule", "Flags"],
      f.ingress.map((x) => [sourceCell(x), x.agentGroup ? md("agent group ", strong(x.agentGroup)) : x.description, x.ports, targetCell(x.groupLabel, attached.get(x.group) ?? []), code(x.address), flagsCell(x.flags)]),
    ),
    "",
  );
  out.push("### Out of the system (egress)", "");
  out.push(
    table(
      ["From", "Destination", "Port", "Purpose", "Rule", "Flags"],
      f.egress.map((x) => [targetCell(x.groupLabel, attached.get(x.group) ?? []), sourceCell(x), x.ports, x.description, code(x.address), flagsCell(x.flags)]),
    ),
    "",
  );
  out.push(
    `Network: ${f.network.internetGateways.length ? `internet gateways ${f.network.internetGateways.join(", ")}` : "no internet gateway"}, ${f.network.natGateways.length ? `NAT gateways ${f.network.natGateways.join(", ")}` : "no NAT gateway"}, ${f.network.publicSubnets.length ? `${f.network.publicSubnets.length} subnets with public IPs` : "no subnet assigns public IPs"}; remote networks through ${f.network.attachments.length ? f.network.attachments.map((a) => code(a).md).join(", ") : "no attachment"}; AWS services through VPC endpoints (${esc(f.network.endpoints.join(", ") || "none")}).${f.network.defaultGroupEmpty === undefined ? "" : f.network.defaultGroupEmpty ? " The default security group has no rules." : " **The default security group has rules.**"}`,
    "",
  );
  out.push("### Diagram", "", mermaid(f), "");
  if (f.tiers.length) {
    out.push("### Toolset tiers (who reaches which tools)", "");
    out.push(
      table(
        ["Agent group", "Source ranges", "Priority", "Tier (target group)", "Toolsets", "Highest risk", "Granted read-only", "IBMI_EXECUTE_SQL_READONLY", "Flags"],
        f.tiers.map((t) => [
          list(t.agentGroups.map((g) => strong(g))),
          list(t.sources.map(code)),
          t.priority,
          md(code(t.targetGroup), t.services.length ? ` (${t.services.join(", ")})` : ""),
          list(t.toolsets.map(code)),
          t.risk,
          t.readOnlyGrant === undefined ? "" : t.readOnlyGrant ? "yes" : "no",
          t.readOnlySql,
          flagsCell(t.flags),
        ]),
      ),
      "",
    );
    const reasons = (opts.context?.agents ?? []).filter((a) => a.allowCritical && a.reason);
    for (const d of f.tierDefaults) out.push(`- Any other source on ${esc(d.split(" → ")[0])}: ${esc(d.split(" → ")[1])}.`);
    for (const r of reasons) out.push(`- Agent group **${esc(r.name)}** may use critical toolsets: ${esc(r.reason!)}`);
    out.push("");
    out.push("### Tools each agent group can call", "");
    out.push(
      table(
        ["Agent group", "Tier (target group)", "Tools", "Read-only", "Writes", "Destructive"],
        f.tiers
          .filter((t, i) => f.tiers.findIndex((x) => x.agentGroups.join() === t.agentGroups.join() && x.targetGroup === t.targetGroup) === i)
          .map((t) => {
            const tools = t.tools ?? [];
            const named = (xs: typeof tools) => (xs.length ? list(xs.map((x) => code(x.name))) : "none");
            return [
              list(t.agentGroups.map((g) => strong(g))),
              code(t.targetGroup),
              t.tools ? `${tools.length}${t.toolsYaml ? "" : " (no TOOLS_YAML_PATH: none of the toolsets' tools load)"}` : "not recorded in the plan",
              named(tools.filter((x) => x.readOnly)),
              named(tools.filter((x) => !x.readOnly && !x.destructive)),
              named(tools.filter((x) => x.destructive)),
            ];
          }),
      ),
      "",
    );
    out.push("Built into the server: `describe_sql_object` on every tier, `execute_sql` where `IBMI_ENABLE_EXECUTE_SQL` is true; the others come from the tools YAML the plan records (`tools/`).", "");
  }

  // 2. Secrets
  out.push("## 2. Secrets", "");
  out.push(
    table(
      ["Secret", "Purpose", "KMS key", "Rotation", "Read by", "IAM access", "Flags"],
      f.secrets.map((s) => [md(code(s.name), "\n", code(s.address)), s.description, s.kmsKey, rotationCell(s), list(s.readers.map(code)), list(s.grantees), flagsCell(secretFlagsOf(s))]),
      "_No Secrets Manager secret in this plan._",
    ),
    "",
  );
  out.push("Who can read and who can write each value, from IAM, resource and key policies together (a principal must pass all three; docs/secrets.md):", "");
  out.push(
    table(
      ["Secret", "Can read", "Can write", "Allowed but blocked"],
      f.secrets.map((s) => [code(s.name), list(s.access.read.map(principalCell)), list(s.access.write.map(principalCell)), list(s.access.blocked)]),
      "_No Secrets Manager secret in this plan._",
    ),
    "",
  );
  out.push(...tokenKeysSection(plan));

  // 3. TLS
  out.push("## 3. TLS", "");
  out.push(
    table(
      ["Load balancer", "Internal", "Drops invalid headers", "Deletion protection", "Idle timeout", "Access logs"],
      f.loadBalancers.map((l) => [md(code(l.label), ` (${l.type})`), yesNo(l.internal), yesNo(l.dropInvalidHeaders), yesNo(l.deletionProtection), l.idleTimeout === undefined ? "60 s (AWS default)" : `${l.idleTimeout} s`, l.accessLogs ?? "off"]),
      "_No load balancer in this plan._",
    ),
    "",
  );
  out.push(
    table(
      ["Listener", "Port", "Protocol", "Security policy", "Lowest TLS", "Certificate", "Default action", "Flags"],
      f.listeners.map((l) => [md(code(l.loadBalancer), " ", code(l.address)), l.port, l.protocol, l.sslPolicy ? code(l.sslPolicy) : "", l.minTls ? `TLS ${l.minTls}` : "", l.certificate, l.defaultAction, flagsCell(l.flags)]),
      "_No listener in this plan._",
    ),
    "",
  );
  const policies = [...new Set(f.listeners.map((l) => l.sslPolicy).filter((p): p is string => !!p))].sort();
  if (policies.length)
    out.push(
      'Security policies in use and the lowest protocol each accepts (AWS, "Security policies for your Application Load Balancer"):',
      "",
      table(
        ["Policy", "Lowest TLS"],
        policies.map((p) => [code(p), minTlsVersion(p) ? `TLS ${minTlsVersion(p)}` : "unknown"]),
      ),
      "",
    );

  // 4. Logs and retention
  out.push("## 4. Logs and retention", "");
  out.push(
    table(
      ["Log group", "Retention", "Encryption", "Written by", "Metric filters"],
      f.logGroups.map((g) => [md(code(g.name), "\n", code(g.address)), days(g.retentionDays, "never expires"), g.kmsKey, list(g.writers), list(g.metricFilters)]),
      "_No log group in this plan._",
    ),
    "",
  );
  out.push(
    table(
      ["Bucket", "Versioning", "Encryption", "Objects expire", "Public access blocks", "Object lock", "TLS-only policy", "Access logs"],
      f.buckets.map((b) => [
        md(code(b.name), "\n", code(b.address)),
        b.versioning,
        b.encryption,
        `${days(b.expirationDays, "never")}${b.noncurrentDays !== undefined ? ` (old versions ${b.noncurrentDays} days)` : ""}`,
        `${b.publicAccessBlocked} of 4`,
        b.objectLock ?? "off",
        yesNo(b.tlsOnly),
        b.accessLogging,
      ]),
      "_No S3 bucket in this plan._",
    ),
  );
  out.push("", "### Where alerts go", "");
  out.push(
    table(
      ["Topic", "Encryption", "Subscriptions"],
      f.topics.map((t) => [code(t.name), t.kmsKey, list(t.subscriptions.map((s) => `${s.protocol}: ${s.endpoint}`))]),
      "_No SNS topic in this plan: alarms reach no one._",
    ),
  );
  out.push("");
  out.push(
    table(
      ["Alarm", "Metric", "Fires when", "Source", "Notifies"],
      f.alarms.map((x) => [code(x.name), x.metric, x.condition, x.source, list(x.topics.map(code))]),
      "_No alarm in this plan._",
    ),
  );
  out.push("");

  out.push(...authorizationSection(plan, f));

  // 5. Seed checklist
  out.push("## 5. Seed checklist", "", "Each item of the Security Checklist in IBM's *Security Best Practices for IBM i Agents*, judged from this plan.", "");
  for (const group of CHECKLIST_GROUPS) {
    out.push(`### ${esc(group)}`, "");
    out.push(
      table(
        ["Item", "Status", "Evidence", "Policy rules", "Operator must"],
        checklist.filter((c) => c.group === group).map((c) => [c.item, STATUS_MARK[c.status], list(c.evidence, "; "), list(c.rules), c.operator]),
      ),
      "",
    );
  }

  // 6. Policy
  out.push(...policySection(opts.policy));
  out.push(...costSection(plan));

  const summary: StackSummary = {
    stack,
    stage: f.stage,
    resources: f.resourceCount,
    flags: Object.fromEntries(SEVERITIES.map((s) => [s, openFlags.filter((x) => x.flag.severity === s).length])) as Record<FlagSeverity, number>,
    accepted: allFlags.length - openFlags.length,
    checklist: counts,
    policy: opts.policy ? policyCounts(opts.policy) : undefined,
    mcpSources: mcpWho,
  };
  return {
    markdown: document(out),
    summary,
    facts: f,
  };
}

/** The report of one stack as Markdown. */
export function renderReport(stack: string, plan: TerraformJson, opts: ReportOptions = {}): string {
  return reviewStack(stack, plan, opts).markdown;
}

/** The index page: one row per stack, linking its report; an environment's image repositories right under it. */
export function renderIndex(summaries: readonly StackSummary[]): string {
  // Grouped by the environment stack (an images stack under the one it serves), that stack first.
  const order = (s: StackSummary) => `${s.imagesFor ?? s.stack}\u0000${s.imagesFor ? 1 : 0}\u0000${s.stack}`;
  const rows = [...summaries]
    .sort(byKey(order))
    .map((s) => [
      s.imagesFor ? md("↳ ", linkTo(s.stack), " (image repositories)") : linkTo(s.stack),
      s.stage,
      s.resources,
      s.imagesFor ? "— (no listener)" : list(s.mcpSources, "; "),
      `${SEVERITIES.map((v) => `${s.flags[v]} ${v}`).join(", ")}${s.accepted ? `; ${s.accepted} accepted` : ""}`,
      s.checklist
        ? `${s.checklist.met} met, ${s.checklist.partly} partly, ${s.checklist["not met"]} not met, ${s.checklist["outside this kit"]} outside`
        : s.imagesFor
          ? md("not applicable: image repositories only, see ", linkTo(s.imagesFor))
          : "not applicable: image repositories only",
      s.policy ? (s.policy.passed ? `passed (${s.policy.suppressed} suppressed)` : strong(`failed: ${s.policy.failed} rules`)) : "not run",
    ]);
  return [
    "# Security review",
    "",
    "One report per synthesized stack. Regenerate with `npm run review`; compare two outputs with `npm run review -- --diff <old> <new>`.",
    "",
    table(["Stack", "Stage", "Resources", "Who reaches 3010", "Flags", "Seed checklist", "Policy"], rows),
    "",
  ].join("\n");
}

function countStatuses(items: readonly AssessedItem[]): Record<Status, number> {
  const c: Record<Status, number> = { met: 0, partly: 0, "not met": 0, "outside this kit": 0 };
  for (const i of items) c[i.status]++;
  return c;
}

function yesNo(v: boolean | undefined): string {
  return v === undefined ? "not set" : v ? "yes" : "no";
}

/** A principal of the access table: a role name or ARN in code; "any principal …" as words. */
function principalCell(who: string): Md {
  return who === OTHERS ? strong(who) : code(who);
}

function rotationCell(s: Facts["secrets"][number]): Cell {
  if (s.rotation) return `every ${s.rotation.days !== undefined ? `${s.rotation.days} days` : (s.rotation.schedule ?? "?")} (${s.rotation.address})`;
  if (s.alerts.length) return md("no automatic rotation; age alert ", list(s.alerts));
  return strong("none");
}

function secretFlagsOf(s: Facts["secrets"][number]): Flag[] {
  const out: Flag[] = [];
  if (!s.customerKey) out.push({ severity: "high", text: "not encrypted with a customer-managed key" });
  if (!s.rotation && s.alerts.length === 0) out.push({ severity: "high", text: "neither rotated nor watched by an age alert" });
  if (s.rotation?.days !== undefined && s.rotation.days > MAX_ROTATION_DAYS) out.push({ severity: "high", text: `rotates every ${s.rotation.days} days (> ${MAX_ROTATION_DAYS})` });
  return out;
}

function secretFlags(f: Facts): { where: string; flag: Flag }[] {
  return f.secrets.flatMap((s) => secretFlagsOf(s).map((flag) => ({ where: s.address, flag })));
}

function logFlags(f: Facts): { where: string; flag: Flag }[] {
  const out: { where: string; flag: Flag }[] = [];
  for (const g of f.logGroups) {
    if (g.retentionDays !== undefined && g.retentionDays < MIN_LOG_RETENTION_DAYS) out.push({ where: g.address, flag: { severity: "high", text: `kept ${g.retentionDays} days (< ${MIN_LOG_RETENTION_DAYS})` } });
    if (!g.kmsKey.includes("alias/") && !g.kmsKey.startsWith("aws_kms_key.")) out.push({ where: g.address, flag: { severity: "medium", text: "not encrypted with a customer-managed key" } });
  }
  for (const b of f.buckets) {
    if (b.publicAccessBlocked < 4) out.push({ where: b.address, flag: { severity: "high", text: `${b.publicAccessBlocked} of 4 public access blocks` } });
    if (b.expirationDays !== undefined && b.expirationDays < MIN_LOG_RETENTION_DAYS) out.push({ where: b.address, flag: { severity: "high", text: `objects expire after ${b.expirationDays} days (< ${MIN_LOG_RETENTION_DAYS})` } });
  }
  for (const t of f.topics) if (!t.customerKey) out.push({ where: t.address, flag: { severity: "medium", text: "topic not encrypted with a customer-managed key" } });
  return out;
}

/** A Mermaid flowchart of the same paths: sources → security groups → destinations, flagged sources in red. */
function mermaid(f: Facts): string {
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const flagged = new Set<string>();
  const node = (key: string, label: string, shape: "box" | "round" = "box") => {
    if (!ids.has(key)) {
      const id = `n${ids.size}`;
      ids.set(key, id);
      nodes.push(shape === "round" ? `  ${id}(${mermaidLabel(label)})` : `  ${id}[${mermaidLabel(label)}]`);
    }
    return ids.get(key)!;
  };
  const groupNode = (address: string) => {
    const g = f.groups.find((x) => x.address === address);
    return node(`sg:${address}`, g ? `${g.label}${g.attachedTo.length ? `: ${g.attachedTo.join(", ")}` : ""}` : address);
  };
  const peerNode = (x: FlowFact) => {
    if (x.peerAddress) return groupNode(x.peerAddress);
    const who = x.direction === "ingress" ? (x.agentGroup ? `agent group ${x.agentGroup}` : (x.description ?? "")) : (x.description ?? "");
    return node(`peer:${x.peerKind}:${x.peer}`, who && x.direction === "ingress" ? `${who}: ${x.peer}` : x.peer, "round");
  };
  const edges = new Set<string>();
  const lines: string[] = [];
  const edge = (from: string, to: string, label: string) => {
    const e = `  ${from} -->|${mermaidLabel(label)}| ${to}`;
    if (!edges.has(e)) {
      edges.add(e);
      lines.push(e);
    }
  };
  for (const x of f.ingress) {
    const src = peerNode(x);
    const dst = groupNode(x.group);
    if (x.flags.some((fl) => fl.severity === "critical" || fl.severity === "high")) flagged.add(src);
    edge(src, dst, `${x.ports}/${x.protocol === "-1" ? "all" : x.protocol}`);
  }
  for (const x of f.egress) {
    // An egress rule to a group that already admits the same port (seen above) adds no new path.
    if (x.peerAddress && f.ingress.some((i) => i.group === x.peerAddress && i.peerAddress === x.group && i.ports === x.ports)) continue;
    const src = groupNode(x.group);
    const dst = peerNode(x);
    if (x.flags.some((fl) => fl.severity === "critical" || fl.severity === "high")) flagged.add(dst);
    edge(src, dst, `${x.ports}/${x.protocol === "-1" ? "all" : x.protocol}`);
  }
  const body = ["```mermaid", "flowchart LR", ...nodes, ...lines];
  if (flagged.size) body.push("  classDef flagged stroke:#c00,stroke-width:3px", `  class ${[...flagged].sort().join(",")} flagged`);
  if (nodes.length === 0) body.push(`  n0[${mermaidLabel("no security group rules in this plan")}]`);
  body.push("```");
  return body.join("\n");
}
