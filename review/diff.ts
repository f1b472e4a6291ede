/**
 * The change report between two synthesized outputs (e.g. main and a pull request): resources added, removed and
 * changed per stack, with the security-relevant changes first, most severe on top: a new ingress source or port,
 * weaker TLS, shorter retention, lost encryption, a secret added or removed, rotation changed, an IAM wildcard, a
 * policy rule that passed and now fails. Pure: plans in, Markdown out.
 */
import { StackResult, TerraformJson } from "../policy/types";
import { extractFacts, Facts } from "./facts";
import { byKey, code, esc, list, strong, table } from "./markdown";
import { Add } from "./changes/add";
import { alarmChanges, topicChanges } from "./changes/alerts";
import { bucketChanges } from "./changes/buckets";
import { iamChanges } from "./changes/iam";
import { logGroupChanges } from "./changes/logs";
import { policyChanges } from "./changes/policy";
import { flowChanges, loadBalancerChanges } from "./changes/reachability";
import { keyChanges, secretChanges } from "./changes/secrets";
import { tierRouteChanges } from "./changes/tier-routes";
import { tlsChanges } from "./changes/tls";

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

/** What changed for security between two plans of one stack, domain by domain (review/changes/*.ts), in this order. */
function securityChanges(stack: string, x: Facts, y: Facts, px?: StackResult, py?: StackResult): SecurityChange[] {
  const out: SecurityChange[] = [];
  const adder =
    (kind: ChangeKind): Add =>
    (severity, text, address) => {
      const k: ChangeKind = /encrypt|customer key/.test(text) ? "encryption" : kind;
      out.push(address === undefined ? { severity, kind: k, stack, text } : { severity, kind: k, stack, text, address });
    };
  const reachability = adder("reachability");
  flowChanges(x, y, reachability);
  loadBalancerChanges(x, y, reachability);
  tierRouteChanges(x, y, reachability);
  tlsChanges(x, y, adder("tls"));
  const secrets = adder("secrets");
  secretChanges(x, y, secrets);
  keyChanges(x, y, secrets);
  const logs = adder("logs");
  logGroupChanges(x, y, logs);
  bucketChanges(x, y, logs);
  topicChanges(x, y, logs);
  alarmChanges(x, y, logs);
  iamChanges(x, y, adder("iam"));
  policyChanges(adder("policy"), px, py);
  return out;
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
