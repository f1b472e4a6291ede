/**
 * `npm run drift -- <outdir> <stack> <refresh-only plan as JSON> [--out <file>]`: what changed in AWS behind
 * Terraform's back, in the review's change-report format with its security weight.
 *
 * Input: the synthesized plan (`<outdir>/stacks/<stack>/cdk.tf.json`) and `terraform show -json` of a
 * `terraform plan -refresh-only` of that stack (its `resource_drift`). The drifted values are laid over the
 * synthesized plan, and the result is compared with the plan by the same diff as `npm run review -- --diff`, so a
 * CIDR added by hand to a security group is reported like a pull request adding it would be.
 *
 * What it cannot see: resources created outside Terraform that nothing in the state refers to (a new security
 * group, an IAM user). Rules added by hand to one of the kit's security groups are seen, through the group's
 * refreshed `ingress`/`egress` lists. Values Terraform marks sensitive are named, never shown or laid over.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformJson } from "../policy/types";
import { diffPlans, DiffResult, renderDiff } from "./diff";
import { reviewPolicy } from "./policy-source";
import { isMain, takeOption, wantsHelp } from "../lib/args";

/** One `resource_drift` entry of `terraform show -json` (Terraform's JSON output format, "Change representation"). */
export interface DriftEntry {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly after_sensitive?: unknown;
    readonly before_sensitive?: unknown;
  };
}

export interface DriftedResource {
  readonly address: string;
  /** "changed" or "deleted" (deleted outside Terraform). */
  readonly status: "changed" | "deleted";
  /** Top-level attributes whose value differs, sorted; sensitive ones are suffixed " (sensitive)". */
  readonly attributes: readonly string[];
}

export interface DriftResult {
  readonly stack: string;
  readonly drifted: readonly DriftedResource[];
  /** The plan with the drifted values laid over it: what AWS holds now, as far as the plan can express it. */
  readonly actual: TerraformJson;
  readonly diff: DiffResult;
}

const META = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"]);
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
const isSensitive = (flags: unknown, key: string): boolean => flags === true || (typeof flags === "object" && flags !== null && (flags as Record<string, unknown>)[key] !== undefined && (flags as Record<string, unknown>)[key] !== false);

/** The drift entries of `terraform show -json` output; throws a readable error when it is not one. */
export function driftEntries(show: unknown): DriftEntry[] {
  if (typeof show !== "object" || show === null || !("format_version" in show)) throw new Error("is not `terraform show -json` output (no format_version)");
  const list = (show as { resource_drift?: unknown }).resource_drift ?? [];
  if (!Array.isArray(list)) throw new Error("resource_drift is not a list");
  return (list as DriftEntry[]).filter((d) => (d.mode ?? "managed") === "managed" && !d.change.actions.every((a) => a === "no-op"));
}

/**
 * A config value in the synthesized plan's shape, from the state's: state holds each nested block as a list, the
 * kit's JSON a single block as an object. References (`${…}`) stay as the plan wrote them.
 */
function overlay(config: unknown, state: unknown): unknown {
  if (typeof config === "string" && config.includes("${")) return config;
  if (config && typeof config === "object" && !Array.isArray(config)) {
    const s = Array.isArray(state) && state.length === 1 ? state[0] : state;
    if (!s || typeof s !== "object" || Array.isArray(s)) return config;
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, k in s ? overlay(v, (s as Record<string, unknown>)[k]) : v]));
  }
  return state;
}

/** Security group rules present in the refreshed `ingress`/`egress` of a group but in no rule of the plan: added by hand. */
function handAddedRules(entry: DriftEntry, actual: Record<string, any>): void {
  const before = entry.change.before ?? {};
  const after = entry.change.after ?? {};
  for (const direction of ["ingress", "egress"] as const) {
    const known = new Set(((before[direction] as unknown[]) ?? []).map(canonical));
    const added = ((after[direction] as Record<string, any>[]) ?? []).filter((r) => !known.has(canonical(r)));
    const type = `aws_vpc_security_group_${direction}_rule`;
    added.forEach((r, i) => {
      const peers: Record<string, unknown>[] = [
        ...((r.cidr_blocks as string[]) ?? []).map((c) => ({ cidr_ipv4: c })),
        ...((r.ipv6_cidr_blocks as string[]) ?? []).map((c) => ({ cidr_ipv6: c })),
        ...((r.security_groups as string[]) ?? []).map((g) => ({ referenced_security_group_id: g })),
        ...((r.prefix_list_ids as string[]) ?? []).map((p) => ({ prefix_list_id: p })),
        ...(r.self === true ? [{ referenced_security_group_id: `\${aws_security_group.${entry.name}.id}` }] : []),
      ];
      peers.forEach((peer, j) => {
        actual.resource[type] ??= {};
        actual.resource[type][`drift_${entry.name}_${direction}_${i}_${j}`] = {
          security_group_id: `\${aws_security_group.${entry.name}.id}`,
          ip_protocol: r.protocol,
          ...(r.protocol === "-1" ? {} : { from_port: r.from_port, to_port: r.to_port }),
          ...(r.description ? { description: r.description } : {}),
          ...peer,
        };
      });
    });
  }
}

/** Lays the drift over the plan; pure. */
export function applyDrift(plan: TerraformJson, entries: readonly DriftEntry[]): { actual: TerraformJson; drifted: DriftedResource[] } {
  const actual = JSON.parse(JSON.stringify(plan)) as Record<string, any>;
  actual.resource ??= {};
  const drifted: DriftedResource[] = [];
  for (const e of entries) {
    const name = e.name;
    const body = actual.resource[e.type]?.[name] as Record<string, unknown> | undefined;
    if (e.change.actions.includes("delete") && !e.change.actions.includes("create")) {
      if (body) delete actual.resource[e.type][name];
      drifted.push({ address: e.address, status: "deleted", attributes: [] });
      continue;
    }
    const before = e.change.before ?? {};
    const after = e.change.after ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !META.has(k) && canonical(before[k]) !== canonical(after[k])).sort();
    const sensitive = (k: string) => isSensitive(e.change.after_sensitive, k) || isSensitive(e.change.before_sensitive, k);
    drifted.push({ address: e.address, status: "changed", attributes: keys.map((k) => (sensitive(k) ? `${k} (sensitive)` : k)) });
    if (!body) continue;
    for (const k of keys) if (k in body && !sensitive(k)) body[k] = overlay(body[k], after[k]);
    if (e.type === "aws_security_group" && (keys.includes("ingress") || keys.includes("egress"))) handAddedRules(e, actual);
  }
  return { actual: actual as TerraformJson, drifted };
}

export function detectDrift(stack: string, plan: TerraformJson, show: unknown): DriftResult {
  const { actual, drifted } = applyDrift(plan, driftEntries(show));
  const diff = diffPlans({ plans: { [stack]: plan }, policy: { [stack]: reviewPolicy(stack, plan) } }, { plans: { [stack]: actual }, policy: { [stack]: reviewPolicy(stack, actual) } });
  return { stack, drifted, actual, diff };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderDrift(result: DriftResult): string {
  const out = [`# Drift of ${result.stack}`, ""];
  if (result.drifted.length === 0) {
    out.push("_No drift: AWS matches the state of every resource Terraform manages._", "");
    return out.join("\n");
  }
  out.push(`${result.drifted.length} resource(s) differ from what Terraform last applied. Either bring the change into config and merge it through review, or run the deploy to put AWS back.`, "");
  out.push("| Resource | Status | Attributes changed outside Terraform |", "|---|---|---|");
  for (const d of result.drifted) out.push(`| \`${cell(d.address)}\` | ${d.status} | ${d.attributes.map((a) => `\`${cell(a)}\``).join(", ")} |`);
  // One heading level down: the change report becomes a section of this one.
  out.push("", renderDiff(result.diff, { before: `${result.stack} as planned`, after: `${result.stack} in AWS now` }).replace(/^(#+) /gm, "#$1 "));
  return out.join("\n").trimEnd() + "\n";
}

const SEVERITIES = ["critical", "high", "medium", "low"] as const;

export const USAGE = [
  "usage: npm run drift -- <outdir> <stack> <terraform show -json file> [--out <file>]",
  "  explains a refresh-only plan (terraform show -json) of <stack> against <outdir>/stacks/<stack>/cdk.tf.json",
  "  in the change-report format; --out also writes it to a file.",
].join("\n");

export function main(argv: readonly string[]): number {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const args = [...argv];
  const take = (flag: string) => takeOption(args, flag);
  const outFile = take("--out");
  const usage = (m: string) => {
    console.error(`${m}\n${USAGE}`);
    return 2;
  };
  if (args.some((a) => a.startsWith("--"))) return usage(`unknown option ${args.find((a) => a.startsWith("--"))}`);
  if (args.length !== 3) return usage("give the output directory, the stack and the JSON of the refresh-only plan");
  const [outdir, stack, showFile] = args;
  try {
    const planFile = path.join(outdir, "stacks", stack, "cdk.tf.json");
    if (!fs.existsSync(planFile)) throw new Error(`${planFile} does not exist; run npm run synth first`);
    const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as TerraformJson;
    let show: unknown;
    try {
      show = JSON.parse(fs.readFileSync(showFile, "utf8"));
    } catch (e) {
      throw new Error(`${showFile}: is not JSON (${(e as Error).message}); write it with terraform show -json <plan file>`);
    }
    let result: DriftResult;
    try {
      result = detectDrift(stack, plan, show);
    } catch (e) {
      throw new Error(`${showFile}: ${(e as Error).message}`);
    }
    const markdown = renderDrift(result);
    if (outFile) {
      fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
      fs.writeFileSync(outFile, markdown);
    }
    process.stdout.write(markdown);
    const worst = SEVERITIES.find((s) => result.diff.security.some((c) => c.severity === s));
    console.error(`drift ${stack}: ${result.drifted.length} resource(s) drifted, ${result.diff.security.length} security-relevant change(s)${worst ? `, worst ${worst}` : ""}`);
    return 0;
  } catch (e) {
    console.error(`drift: ${(e as Error).message}`);
    return 1;
  }
}

if (isMain(module)) process.exitCode = main(process.argv.slice(2));
