/**
 * The change report between two synthesized outputs (e.g. main and a pull request): resources added, removed and
 * changed per stack, with the security-relevant changes first, most severe on top: a new ingress source or port,
 * weaker TLS, shorter retention, lost encryption, a secret added or removed, rotation changed, an IAM wildcard, a
 * policy rule that passed and now fails. Pure: plans in, Markdown out.
 */
import { StackResult, TerraformJson } from "../policy/types";
import { extractFacts, Facts, FlowFact } from "./facts";
import { byKey, code, esc, list, strong, table } from "./markdown";
import { atLeastTls12, minTlsVersion } from "./tls-policies";
import { MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";

export type ChangeSeverity = "critical" | "high" | "medium" | "low";

/** What a change touches; within one severity, changes sort in this order (exposure first). */
export const CHANGE_KINDS = ["reachability", "tls", "policy", "encryption", "iam", "secrets", "logs", "stack"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface SecurityChange {
  readonly severity: ChangeSeverity;
  readonly kind: ChangeKind;
  readonly stack: string;
  readonly text: string;
  readonly address?: string;
}

export interface ResourceChanges {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Address → top-level attributes whose value changed. */
  readonly changed: readonly { readonly address: string; readonly attributes: readonly string[] }[];
}

export interface DiffResult {
  readonly security: readonly SecurityChange[];
  readonly stacks: readonly ResourceChanges[];
}

export interface DiffInput {
  readonly plans: Readonly<Record<string, TerraformJson>>;
  /** Policy results per stack, when the engine ran (or its results were stored beside the plan). */
  readonly policy?: Readonly<Record<string, StackResult>>;
}

const ORDER: readonly ChangeSeverity[] = ["critical", "high", "medium", "low"];
const EMPTY: TerraformJson = {};

/** JSON with sorted keys and without cdktf's "//" metadata, so key order and construct paths do not count as changes. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .filter((k) => k !== "//")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

function flat(plan: TerraformJson): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [type, instances] of Object.entries(plan.resource ?? {})) for (const [name, body] of Object.entries(instances ?? {})) out.set(`${type}.${name}`, body as Record<string, unknown>);
  for (const [type, instances] of Object.entries(plan.data ?? {})) for (const [name, body] of Object.entries(instances ?? {})) out.set(`data.${type}.${name}`, body as Record<string, unknown>);
  return out;
}

function resourceChanges(stack: string, before: TerraformJson | undefined, after: TerraformJson | undefined): ResourceChanges {
  const b = flat(before ?? EMPTY);
  const a = flat(after ?? EMPTY);
  const added = [...a.keys()].filter((k) => !b.has(k)).sort();
  const removed = [...b.keys()].filter((k) => !a.has(k)).sort();
  const changed = [...a.keys()]
    .filter((k) => b.has(k) && canonical(a.get(k)) !== canonical(b.get(k)))
    .sort()
    .map((address) => {
      const x = b.get(address)!;
      const y = a.get(address)!;
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => k !== "//" && canonical(x[k]) !== canonical(y[k])).sort();
      return { address, attributes: keys };
    });
  const status = !before ? "added" : !after ? "removed" : added.length + removed.length + changed.length ? "changed" : "unchanged";
  return { stack, status, added, removed, changed };
}

const flowKey = (f: FlowFact) => `${f.direction}|${f.groupLabel}|${f.peer}|${f.protocol}|${f.ports}`;
const flowText = (f: FlowFact) => `${f.peer} → ${f.groupLabel} on ${f.ports}/${f.protocol === "-1" ? "all" : f.protocol}${f.agentGroup ? ` (agent group ${f.agentGroup})` : f.description ? ` (${f.description})` : ""}`;
const egressText = (f: FlowFact) => `${f.groupLabel} → ${f.peer} on ${f.ports}/${f.protocol === "-1" ? "all" : f.protocol}`;
const tlsRank = (policy?: string) => (policy && minTlsVersion(policy) ? Number(minTlsVersion(policy)!.split(".")[1]) : -1);

/** Records one change; its kind is the section's unless the text is about encryption. */
type Add = (severity: ChangeSeverity, text: string, address?: string) => void;

/** What changed for security between two plans of one stack, section by section. */
function securityChanges(stack: string, x: Facts, y: Facts, px?: StackResult, py?: StackResult): SecurityChange[] {
  const out: SecurityChange[] = [];
  const adder =
    (kind: ChangeKind): Add =>
    (severity, text, address) => {
      const k: ChangeKind = /encrypt|customer key/.test(text) ? "encryption" : kind;
      out.push(address === undefined ? { severity, kind: k, stack, text } : { severity, kind: k, stack, text, address });
    };
  reachabilityChanges(x, y, adder("reachability"));
  tlsChanges(x, y, adder("tls"));
  secretChanges(x, y, adder("secrets"));
  logChanges(x, y, adder("logs"));
  iamChanges(x, y, adder("iam"));
  policyChanges(adder("policy"), px, py);
  return out;
}

function reachabilityChanges(x: Facts, y: Facts, add: Add): void {
  const beforeFlows = new Map([...x.ingress, ...x.egress].map((f) => [flowKey(f), f]));
  const afterFlows = new Map([...y.ingress, ...y.egress].map((f) => [flowKey(f), f]));
  const byAddressBefore = new Map([...x.ingress, ...x.egress].map((f) => [f.address, f]));
  for (const [k, f] of afterFlows) {
    if (beforeFlows.has(k)) continue;
    const old = byAddressBefore.get(f.address);
    const critical = f.flags.some((fl) => fl.severity === "critical");
    if (old && old.peer === f.peer && old.ports !== f.ports) add(critical ? "critical" : "high", `${f.direction} port changed from ${old.ports} to ${f.ports}: ${flowText(f)}`, f.address);
    else if (f.direction === "ingress") add(critical ? "critical" : "high", `new ingress source: ${flowText(f)}${f.flags.length ? ` [${f.flags.map((fl) => fl.text).join("; ")}]` : ""}`, f.address);
    else add(f.flags.length ? "high" : "medium", `new egress: ${egressText(f)}${f.flags.length ? ` [${f.flags.map((fl) => fl.text).join("; ")}]` : ""}`, f.address);
  }
  const afterAddresses = new Set([...y.ingress, ...y.egress].map((f) => f.address));
  for (const [k, f] of beforeFlows) {
    if (afterFlows.has(k) || afterAddresses.has(f.address)) continue;
    add("low", `${f.direction} removed: ${f.direction === "ingress" ? flowText(f) : egressText(f)}`, f.address);
  }
  for (const lb of y.loadBalancers) {
    const old = x.loadBalancers.find((l) => l.address === lb.address);
    if (lb.internal !== true && (!old || old.internal === true)) add("critical", `load balancer ${lb.label} is internet-facing`, lb.address);
    if (old && old.dropInvalidHeaders === true && lb.dropInvalidHeaders !== true) add("medium", `load balancer ${lb.label} no longer drops invalid headers`, lb.address);
    if (old && old.accessLogs && !lb.accessLogs) add("medium", `load balancer ${lb.label} access logs turned off`, lb.address);
  }
  // Rules pack the ranges of a tier's groups (lib/tiers.ts routingRules), so ranges move between rules as groups come
  // and go: a range routed to the same target group before and after, by whichever rule, is no change of reach.
  const routed = (tiers: Facts["tiers"]) => new Set(tiers.flatMap((o) => o.sources.map((c) => `${c}\u0000${o.targetGroup}`)));
  const routedBefore = routed(x.tiers);
  const routedAfter = routed(y.tiers);
  for (const t of y.tiers) {
    const old = x.tiers.find((o) => o.address === t.address && o.targetGroup === t.targetGroup) ?? x.tiers.find((o) => o.address === t.address);
    const route = `${t.sources.join(", ")} → ${t.targetGroup} (${t.toolsets.join(", ") || "no SELECTED_TOOLSETS"}, risk ${t.risk})`;
    const wasRouted = (c: string) => routedBefore.has(`${c}\u0000${t.targetGroup}`);
    if (!old) {
      if (t.sources.every(wasRouted)) add("low", `tier route regrouped, same reach: ${route}`, t.address);
      else add(t.risk === "critical" || t.risk === "high" ? "high" : "medium", `new tier route: ${route}`, t.address);
      continue;
    }
    const added = t.sources.filter((c) => !old.sources.includes(c) && !wasRouted(c));
    const removed = old.sources.filter((c) => !t.sources.includes(c) && !routedAfter.has(`${c}\u0000${old.targetGroup}`));
    if (added.length) add("high", `tier route now also from ${added.join(", ")}: ${route}`, t.address);
    if (removed.length) add("low", `tier route no longer from ${removed.join(", ")}`, t.address);
    if (old.targetGroup !== t.targetGroup) add("high", `tier route ${t.sources.join(", ")} moved from ${old.targetGroup} to ${t.targetGroup}`, t.address);
    if (old.toolsets.join(",") !== t.toolsets.join(","))
      add(
        ["high", "critical"].includes(t.risk) && t.risk !== old.risk ? "critical" : "high",
        `toolsets for ${t.agentGroups.join(", ")} changed from ${old.toolsets.join(", ") || "none"} to ${t.toolsets.join(", ") || "none"} (risk ${old.risk} → ${t.risk})`,
        t.address,
      );
  }
}

function tlsChanges(x: Facts, y: Facts, add: Add): void {
  for (const l of y.listeners) {
    const old = x.listeners.find((o) => o.address === l.address);
    if (!old) {
      add(
        l.protocol === "HTTPS" || l.protocol === "TLS" ? (atLeastTls12(l.sslPolicy) ? "medium" : "high") : "critical",
        `new listener ${l.loadBalancer}:${l.port} ${l.protocol}${l.sslPolicy ? ` ${l.sslPolicy} (TLS ${l.minTls ?? "?"}+)` : ""}`,
        l.address,
      );
      continue;
    }
    if (old.protocol !== l.protocol) add(l.protocol === "HTTPS" || l.protocol === "TLS" ? "medium" : "critical", `listener ${l.loadBalancer}:${l.port} protocol ${old.protocol} → ${l.protocol}`, l.address);
    if (old.port !== l.port) add("high", `listener port changed from ${old.port} to ${l.port}`, l.address);
    if (old.sslPolicy !== l.sslPolicy) add(tlsRank(l.sslPolicy) < tlsRank(old.sslPolicy) ? "critical" : "medium", `TLS policy ${old.sslPolicy ?? "none"} → ${l.sslPolicy ?? "none"} (lowest TLS ${old.minTls ?? "?"} → ${l.minTls ?? "?"})`, l.address);
    if (old.certificate !== l.certificate) add("medium", `certificate changed: ${l.certificate}`, l.address);
  }
  for (const l of x.listeners) if (!y.listeners.some((o) => o.address === l.address)) add("medium", `listener removed: ${l.loadBalancer}:${l.port} ${l.protocol}`, l.address);
}

function secretChanges(x: Facts, y: Facts, add: Add): void {
  for (const s of y.secrets) {
    const old = x.secrets.find((o) => o.address === s.address);
    if (!old) {
      add("medium", `secret added: ${s.name}${s.rotation ? `, rotates every ${s.rotation.days !== undefined ? `${s.rotation.days} days` : s.rotation.schedule}` : s.alerts.length ? ", age alert" : ", not rotated"}`, s.address);
      continue;
    }
    if (old.customerKey && !s.customerKey) add("critical", `secret ${s.name} no longer encrypted with a customer key (${s.kmsKey})`, s.address);
    const od = old.rotation?.days;
    const nd = s.rotation?.days;
    if (old.rotation && !s.rotation) add("high", `rotation removed from ${s.name}${s.alerts.length ? " (age alert remains)" : ""}`, s.address);
    else if (!old.rotation && s.rotation) add("low", `rotation added to ${s.name}: every ${nd !== undefined ? `${nd} days` : s.rotation.schedule}`, s.address);
    else if (od !== nd || old.rotation?.schedule !== s.rotation?.schedule)
      add(nd !== undefined && od !== undefined && nd < od ? "low" : "high", `rotation of ${s.name} changed from ${od ?? old.rotation?.schedule} to ${nd ?? s.rotation?.schedule} days`, s.address);
    if (old.alerts.length && !s.alerts.length && !s.rotation) add("high", `age alert removed from ${s.name}`, s.address);
    const newReaders = s.readers.filter((r) => !old.readers.includes(r));
    if (newReaders.length) add("medium", `${s.name} now also read by ${newReaders.join(", ")}`, s.address);
    const newGrantees = s.grantees.filter((r) => !old.grantees.includes(r));
    if (newGrantees.length) add("medium", `${s.name} now also readable by role ${newGrantees.join(", ")}`, s.address);
    // Evaluated access (IAM, resource and key policies together): a new writer can change what every reader gets.
    const newWriters = s.access.write.filter((w) => !old.access.write.includes(w));
    if (newWriters.length) add("high", `${s.name} can now be written by ${newWriters.join(", ")}`, s.address);
    const newAccess = s.access.read.filter((r) => !old.access.read.includes(r) && !newGrantees.includes(r));
    if (newAccess.length) add("medium", `${s.name} can now be read by ${newAccess.join(", ")}`, s.address);
  }
  for (const s of x.secrets) if (!y.secrets.some((o) => o.address === s.address)) add("high", `secret removed: ${s.name} (whoever reads it fails; a scheduled deletion starts)`, s.address);
  for (const k of y.keys) {
    const old = x.keys.find((o) => o.address === k.address);
    if (old?.rotation === true && k.rotation !== true) add("high", `KMS key ${k.label} rotation turned off`, k.address);
  }
}

function logChanges(x: Facts, y: Facts, add: Add): void {
  for (const g of y.logGroups) {
    const old = x.logGroups.find((o) => o.address === g.address);
    if (!old) {
      if (g.retentionDays === undefined || g.retentionDays < MIN_LOG_RETENTION_DAYS || !g.kmsKey.startsWith("alias/")) add("medium", `log group added: ${g.name}, ${g.retentionDays ?? "unlimited"} days, ${g.kmsKey}`, g.address);
      continue;
    }
    if (old.retentionDays !== g.retentionDays) {
      const shorter = g.retentionDays !== undefined && (old.retentionDays === undefined || g.retentionDays < old.retentionDays);
      add(shorter ? (g.retentionDays! < MIN_LOG_RETENTION_DAYS ? "critical" : "high") : "low", `retention of ${g.name} changed from ${old.retentionDays ?? "never expires"} to ${g.retentionDays ?? "never expires"} days`, g.address);
    }
    if (old.kmsKey !== g.kmsKey)
      add(g.kmsKey.startsWith("CloudWatch Logs default") ? "critical" : "medium", `encryption of ${g.name}: ${old.kmsKey} → ${g.kmsKey}${g.kmsKey.startsWith("CloudWatch Logs default") ? " (customer key removed)" : ""}`, g.address);
  }
  for (const g of x.logGroups) if (!y.logGroups.some((o) => o.address === g.address)) add("high", `log group removed: ${g.name} (its events are deleted with it)`, g.address);
  for (const b of y.buckets) {
    const old = x.buckets.find((o) => o.address === b.address);
    if (!old) continue;
    if (old.encryption !== b.encryption) add(old.customerKey && !b.customerKey ? "critical" : "medium", `encryption of bucket ${b.name}: ${old.encryption} → ${b.encryption}`, b.address);
    if (b.publicAccessBlocked < old.publicAccessBlocked) add("critical", `bucket ${b.name} public access blocks ${old.publicAccessBlocked} → ${b.publicAccessBlocked} of 4`, b.address);
    if (old.versioning === "Enabled" && b.versioning !== "Enabled") add("high", `versioning of bucket ${b.name}: ${old.versioning} → ${b.versioning}`, b.address);
    if (old.expirationDays !== b.expirationDays)
      add(
        b.expirationDays !== undefined && (old.expirationDays === undefined || b.expirationDays < old.expirationDays) ? "high" : "low",
        `bucket ${b.name} objects expire after ${old.expirationDays ?? "never"} → ${b.expirationDays ?? "never"} days`,
        b.address,
      );
    if (old.tlsOnly && !b.tlsOnly) add("high", `bucket ${b.name} no longer denies non-TLS access`, b.address);
    if (old.objectLock && !b.objectLock) add("high", `object lock removed from bucket ${b.name}`, b.address);
    if (old.accessLogging.startsWith("to ") && b.accessLogging === "off") add("medium", `bucket ${b.name} no longer logs access`, b.address);
  }
  for (const b of x.buckets) if (!y.buckets.some((o) => o.address === b.address)) add("high", `bucket removed: ${b.name}`, b.address);
  for (const t of y.topics) {
    const old = x.topics.find((o) => o.address === t.address);
    if (!old) continue;
    if (old.customerKey && !t.customerKey) add("high", `topic ${t.name} no longer encrypted with a customer key`, t.address);
    const gone = old.subscriptions.filter((s) => !t.subscriptions.some((n) => n.endpoint === s.endpoint));
    const fresh = t.subscriptions.filter((s) => !old.subscriptions.some((n) => n.endpoint === s.endpoint));
    if (gone.length) add("medium", `alert subscribers removed from ${t.name}: ${gone.map((s) => s.endpoint).join(", ")}`, t.address);
    if (fresh.length) add("low", `alert subscribers added to ${t.name}: ${fresh.map((s) => s.endpoint).join(", ")}`, t.address);
  }
  for (const al of x.alarms) if (!y.alarms.some((o) => o.address === al.address)) add("high", `alarm removed: ${al.name}`, al.address);
  for (const al of y.alarms) {
    const old = x.alarms.find((o) => o.address === al.address);
    if (old && old.condition !== al.condition) add("medium", `alarm ${al.name} now fires when ${al.condition} (was ${old.condition})`, al.address);
    if (old && old.topics.length && !al.topics.length) add("high", `alarm ${al.name} notifies no one`, al.address);
  }
}

function iamChanges(x: Facts, y: Facts, add: Add): void {
  const wkey = (w: { address: string; sid: string; what: string }) => `${w.address}|${w.sid}|${w.what}`;
  for (const w of y.iam.wildcardActions) if (!x.iam.wildcardActions.some((o) => wkey(o) === wkey(w))) add("critical", `IAM wildcard action added: ${w.what} in ${w.sid}`, w.address);
  for (const w of y.iam.wildcardResources) if (!x.iam.wildcardResources.some((o) => wkey(o) === wkey(w))) add("medium", `IAM statement ${w.sid} on every resource ("*"): ${w.what}`, w.address);
}

function policyChanges(add: Add, px?: StackResult, py?: StackResult): void {
  if (px && py) {
    for (const r of py.results) {
      const old = px.results.find((o) => o.rule.id === r.rule.id);
      if (old && old.verdict === "pass" && r.verdict === "fail") add("critical", `policy weakened: ${r.rule.id} (${r.rule.title}) passed, now fails: ${r.violations.map((v) => v.address).join(", ")}`);
      else if (!old && r.verdict === "fail") add("critical", `policy rule ${r.rule.id} fails: ${r.violations.map((v) => v.address).join(", ")}`);
      else if (old && old.verdict === "fail" && r.verdict === "pass") add("low", `policy rule ${r.rule.id} now passes`);
      for (const s of r.suppressed) if (!old?.suppressed.some((o) => o.address === s.address)) add("high", `new suppression of ${r.rule.id} on ${s.address}: ${s.reason}`, s.address);
    }
    for (const r of px.results) if (r.verdict !== "not-applicable" && !py.results.some((o) => o.rule.id === r.rule.id)) add("medium", `policy rule ${r.rule.id} no longer runs`);
  } else if (py && !py.passed) {
    for (const r of py.results.filter((o) => o.verdict === "fail")) add("critical", `policy rule ${r.rule.id} fails: ${r.violations.map((v) => v.address).join(", ")}`);
  }
}

export function diffPlans(before: DiffInput, after: DiffInput): DiffResult {
  const stacks = [...new Set([...Object.keys(before.plans), ...Object.keys(after.plans)])].sort();
  const security: SecurityChange[] = [];
  const changes: ResourceChanges[] = [];
  for (const stack of stacks) {
    const pb = before.plans[stack];
    const pa = after.plans[stack];
    changes.push(resourceChanges(stack, pb, pa));
    if (!pa) {
      security.push({ severity: "high", kind: "stack", stack, text: `stack ${stack} removed: everything it deploys is destroyed` });
      continue;
    }
    security.push(...securityChanges(stack, extractFacts(stack, pb ?? EMPTY), extractFacts(stack, pa), before.policy?.[stack], after.policy?.[stack]));
  }
  security.sort(
    (x, y) => ORDER.indexOf(x.severity) - ORDER.indexOf(y.severity) || CHANGE_KINDS.indexOf(x.kind) - CHANGE_KINDS.indexOf(y.kind) || (x.stack < y.stack ? -1 : x.stack > y.stack ? 1 : 0) || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0),
  );
  return { security, stacks: changes };
}

/** The change report as Markdown; `labels` name the two sides (e.g. the directories compared). */
export function renderDiff(result: DiffResult, labels: { readonly before: string; readonly after: string }): string {
  const out: string[] = [`# Change report: ${esc(labels.before)} → ${esc(labels.after)}`, ""];
  const counts = ORDER.map((s) => `${result.security.filter((c) => c.severity === s).length} ${s}`).join(", ");
  out.push(`## Security-relevant changes (${result.security.length}: ${counts})`, "");
  out.push(
    table(
      ["Severity", "Stack", "Kind", "Change", "Resource"],
      result.security.map((c) => [c.severity === "critical" || c.severity === "high" ? strong(c.severity) : c.severity, c.stack, c.kind, c.text, c.address ? code(c.address) : ""]),
      "_No security-relevant change._",
    ),
    "",
  );
  out.push("## Resources", "");
  out.push(
    table(
      ["Stack", "Status", "Added", "Removed", "Changed"],
      result.stacks.map((s) => [s.stack, s.status, s.added.length, s.removed.length, s.changed.length]),
    ),
    "",
  );
  for (const s of result.stacks.filter((x) => x.added.length + x.removed.length + x.changed.length > 0)) {
    out.push(`### ${esc(s.stack)}`, "");
    const rows = [...s.added.map((a) => ["added", code(a), ""] as const), ...s.removed.map((a) => ["removed", code(a), ""] as const), ...s.changed.map((c) => ["changed", code(c.address), list(c.attributes.map(code))] as const)].sort(
      byKey((r) => `${r[0]}\u0000${r[1].md}`),
    );
    out.push(
      table(
        ["Change", "Resource", "Attributes"],
        rows.map((r) => [r[0], r[1], r[2]]),
      ),
      "",
    );
  }
  return out.join("\n").trimEnd() + "\n";
}
