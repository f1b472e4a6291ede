/**
 * `npm run check -- <plan | stack folder | folder of stack folders | cdktf.out> [--json] [--sarif <file|->] [--stage dev|staging|prod] [--agent-cidr <cidr>]…`
 * Judges any synthesized Terraform JSON plan (ours or another project's) with the default rule packs.
 * Exit codes: 0 every rule passes, 1 a rule fails, 2 bad input (missing file, not JSON, not Terraform, bad flag).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkStack, formatViolations } from "./engine";
import { isObject, view } from "./plan";
import { isMain, wantsHelp } from "../lib/args";
import { toSarif } from "./sarif";
import { PolicyContext, StackResult, TerraformJson } from "./types";

export const USAGE = [
  "usage: npm run check -- <plan> [--json] [--sarif <file|->] [--stage dev|staging|prod] [--agent-cidr <cidr>]...",
  "  <plan>: a cdk.tf.json, a stack folder holding one, a folder of stack folders (cdktf.out/stacks) or a cdktf.out.",
  "  Exit 0 when every rule passes, 1 when one fails, 2 on bad input.",
].join("\n");
export const VERSION = "0.1.0";

/** Bad input: exit code 2. */
export class InputError extends Error {}

interface Options {
  target: string;
  json: boolean;
  /** "-" for stdout. */
  sarif?: string;
  ctx: PolicyContext;
}

export function parseArgs(argv: readonly string[]): Options {
  let target: string | undefined;
  let json = false;
  let sarif: string | undefined;
  let stage: PolicyContext["stage"];
  const agentCidrs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--sarif" || a.startsWith("--sarif=")) {
      const v = a === "--sarif" ? argv[++i] : a.slice("--sarif=".length);
      if (!v || (v.startsWith("--") && v !== "-")) throw new InputError(`--sarif takes a file to write, or - for standard output\n${USAGE}`);
      sarif = v;
    } else if (a === "--stage") {
      const v = argv[++i];
      if (v !== "dev" && v !== "staging" && v !== "prod") throw new InputError(`--stage takes dev, staging or prod (got ${JSON.stringify(v)})\n${USAGE}`);
      stage = v;
    } else if (a === "--agent-cidr") {
      const v = argv[++i];
      if (!v || v.startsWith("--")) throw new InputError(`--agent-cidr takes a CIDR block\n${USAGE}`);
      agentCidrs.push(v);
    } else if (a.startsWith("--")) throw new InputError(`unknown option ${a}\n${USAGE}`);
    else if (target === undefined) target = a;
    else throw new InputError(`one plan or directory at a time (got ${JSON.stringify(target)} and ${JSON.stringify(a)})\n${USAGE}`);
  }
  if (target === undefined) throw new InputError(`no plan given\n${USAGE}`);
  if (json && sarif === "-") throw new InputError(`--json and --sarif - both write to standard output; write the SARIF to a file\n${USAGE}`);
  return { target, json, sarif, ctx: { ...(stage ? { stage } : {}), ...(agentCidrs.length ? { agentCidrs } : {}) } };
}

/** Every `<dir>/<stack>/cdk.tf.json`, in name order. */
function stackPlans(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((s) => path.join(dir, s, "cdk.tf.json"))
    .filter((f) => fs.existsSync(f));
}

/**
 * The plan files under `target`: the file itself, a stack folder's `cdk.tf.json`, every `<stack>/cdk.tf.json` of a
 * folder of stack folders (`cdktf.out/stacks`), or every `stacks/<stack>/cdk.tf.json` of a cdktf.out.
 */
export function findPlans(target: string): string[] {
  if (!fs.existsSync(target)) throw new InputError(`${target}: does not exist`);
  if (fs.statSync(target).isFile()) return [target];
  const direct = path.join(target, "cdk.tf.json");
  if (fs.existsSync(direct)) return [direct];
  const stacks = path.join(target, "stacks");
  const found = stackPlans(stacks);
  if (found.length) return found;
  const children = stackPlans(target);
  if (children.length) return children;
  throw new InputError(`${target}: holds no cdk.tf.json (looked in ${direct}, ${path.join(target, "*", "cdk.tf.json")} and ${path.join(stacks, "*", "cdk.tf.json")})`);
}

/** Reads one plan; throws InputError when it is not JSON or not a Terraform JSON document. */
export function readPlan(file: string): TerraformJson {
  const text = fs.readFileSync(file, "utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(value) || !("resource" in value || "terraform" in value)) throw new InputError(`${file}: is not a Terraform JSON plan (it has no "resource" or "terraform" key)`);
  try {
    view(value as TerraformJson);
  } catch (e) {
    throw new InputError(`${file}: is not a Terraform JSON plan (${(e as Error).message})`);
  }
  return value as TerraformJson;
}

/** The stack's name: its folder under `stacks/`, the plan's own stackName metadata, or the file path. */
function stackNameOf(file: string, plan: TerraformJson): string {
  const parts = path.resolve(file).split(path.sep);
  if (parts.length >= 3 && parts[parts.length - 3] === "stacks") return parts[parts.length - 2];
  const meta = (plan as Record<string, any>)["//"];
  if (isObject(meta) && isObject(meta.metadata) && typeof meta.metadata.stackName === "string") return meta.metadata.stackName;
  return file;
}

const CELL: Record<string, string> = { pass: "pass", fail: "FAIL", "not-applicable": "n/a" };

/** The human-readable report: a table of rules × stacks, then every violation, suppression and warning. */
export function renderTable(results: readonly StackResult[]): string {
  const rules = results[0]?.results.map((r) => r.rule) ?? [];
  const header = ["rule", "severity", ...results.map((r) => r.stack), "title"];
  const rows = rules.map((rule, i) => [
    rule.id,
    rule.severity,
    ...results.map((s) => {
      const r = s.results[i];
      return `${CELL[r.verdict]}${r.suppressed.length ? ` (${r.suppressed.length} suppressed)` : ""}`;
    }),
    rule.title,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === cells.length - 1 ? x : x.padEnd(widths[c]))).join("  ");
  const out = [line(header), line(widths.map((w, c) => (c === widths.length - 1 ? "-----" : "-".repeat(w)))), ...rows.map(line)];
  for (const s of results) {
    const v = formatViolations(s);
    if (v.length) out.push("", `${s.stack}: ${v.length} violation${v.length === 1 ? "" : "s"}`, ...v.map((l) => `  - ${l}`));
    const sup = s.results.flatMap((r) => r.suppressed.map((x) => `  - ${r.rule.id} ${x.address}: ${x.message} (suppressed in ${x.source}: ${x.reason})`));
    if (sup.length) out.push("", `${s.stack}: ${sup.length} suppressed`, ...sup);
    for (const w of s.warnings ?? []) out.push(`${s.stack}: warning: ${w}`);
  }
  const failed = results.filter((r) => !r.passed).map((r) => r.stack);
  out.push("", failed.length ? `FAILED: ${failed.join(", ")}` : `passed: ${results.map((r) => r.stack).join(", ")}`);
  return out.join("\n");
}

/** Runs the command; returns the exit code. Output goes through `out`/`err` so tests can capture it. */
export function run(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (wantsHelp(argv)) {
    out(`${USAGE}\n`);
    return 0;
  }
  try {
    const opts = parseArgs(argv);
    const files = findPlans(opts.target);
    const checked = files.map((file) => {
      const plan = readPlan(file);
      return { file, stack: checkStack(stackNameOf(file, plan), plan, opts.ctx) };
    });
    const results = checked.map((c) => c.stack);
    if (opts.sarif !== undefined) {
      const doc =
        JSON.stringify(
          toSarif(
            checked.map((c) => ({ stack: c.stack, file: path.relative(process.cwd(), c.file) || c.file })),
            VERSION,
          ),
          null,
          2,
        ) + "\n";
      if (opts.sarif === "-") out(doc);
      else fs.writeFileSync(opts.sarif, doc);
    }
    if (opts.json) out(JSON.stringify({ passed: results.every((r) => r.passed), stacks: results }, null, 2) + "\n");
    else if (opts.sarif !== "-") out(renderTable(results) + "\n");
    return results.every((r) => r.passed) ? 0 : 1;
  } catch (e) {
    if (e instanceof InputError) {
      err(`check: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (isMain(module)) process.exitCode = run(process.argv.slice(2));
