/**
 * The policy engine: runs rule packs over one synthesized Terraform JSON document, applies suppressions (declared
 * on resources in code, or per environment in config) and returns one verdict per rule. Pure: no file access.
 */
import { DEFAULT_PACKS } from "./packs";
import { isObject, view } from "./plan";
import { resourceSuppressions } from "./suppress";
import { readRecordedCatalogue } from "../lib/tool-catalogue";
import { AgentGrant, PolicyContext, Rule, RulePack, RuleResult, StackResult, Suppression, TerraformJson, Violation } from "./types";

const STAGES = ["dev", "staging", "prod"] as const;

/** Where a stack records its policy context in the plan (`"//": { "policy": {...} }`), for `npm run check`. */
export const PLAN_CONTEXT_KEY = "policy";

/** The rules of several packs in order; throws on a duplicate id. */
export function rulesOf(packs: readonly RulePack[]): Rule[] {
  const seen = new Map<string, string>();
  const out: Rule[] = [];
  for (const p of packs) {
    for (const r of p.rules) {
      if (seen.has(r.id)) throw new Error(`rule ${r.id} is in pack "${p.name}" and in pack "${seen.get(r.id)}"; rule ids must be unique`);
      seen.set(r.id, p.name);
      out.push(r);
    }
  }
  return out;
}

function stageOf(v: unknown): PolicyContext["stage"] | undefined {
  return (STAGES as readonly unknown[]).includes(v) ? (v as PolicyContext["stage"]) : undefined;
}

/** The first `aws` provider block without an alias. cdktf writes a list; hand-written JSON may use an object. */
function awsProvider(plan: TerraformJson): Record<string, any> | undefined {
  const p = isObject(plan.provider) ? plan.provider.aws : undefined;
  const list = Array.isArray(p) ? p : p ? [p] : [];
  return list.find((x) => isObject(x) && !x.alias) ?? list.find(isObject);
}

/** Recorded agent grants; a malformed entry is dropped, so a rule never judges against a grant it misread. */
function grantsOf(v: unknown): AgentGrant[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const strings = (x: unknown) => Array.isArray(x) && x.every((y) => typeof y === "string");
  return v
    .filter((g): g is AgentGrant => isObject(g) && typeof g.name === "string" && strings(g.cidrs) && strings(g.toolsets) && typeof g.readOnly === "boolean")
    .map((g) => ({ name: g.name, cidrs: g.cidrs, toolsets: g.toolsets, readOnly: g.readOnly }));
}

/**
 * The context rules see: the caller's values first, then what the plan records (its `//.policy` block, then
 * the aws provider's default tags `stage`, else `environment` when it is dev, staging or prod).
 */
export function resolveContext(plan: TerraformJson, ctx: PolicyContext = {}): PolicyContext {
  const meta = (plan as Record<string, any>)["//"];
  const recorded: Record<string, any> = isObject(meta) && isObject(meta[PLAN_CONTEXT_KEY]) ? meta[PLAN_CONTEXT_KEY] : {};
  const tags = (() => {
    const dt = awsProvider(plan)?.default_tags;
    const first = Array.isArray(dt) ? dt[0] : dt;
    return isObject(first) && isObject(first.tags) ? first.tags : {};
  })();
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined);
  return {
    stage: ctx.stage ?? stageOf(recorded.stage) ?? stageOf(tags.stage) ?? stageOf(tags.environment),
    agentCidrs: ctx.agentCidrs ?? strings(recorded.agentCidrs),
    agentSecurityGroupIds: ctx.agentSecurityGroupIds ?? strings(recorded.agentSecurityGroupIds),
    mcpPort: ctx.mcpPort ?? (typeof recorded.mcpPort === "number" ? recorded.mcpPort : undefined),
    agentGrants: ctx.agentGrants ?? grantsOf(recorded.agentGrants),
    toolCatalogue: ctx.toolCatalogue ?? readRecordedCatalogue(recorded.toolCatalogue),
    suppressions:
      ctx.suppressions ??
      (Array.isArray(recorded.suppressions) ? recorded.suppressions.filter(isObject).map((s) => ({ ruleId: String(s.ruleId ?? s.rule), address: String(s.address), reason: String(s.reason), source: "config" as const })) : undefined),
  };
}

/** A suppression matches a finding by rule id and by the resource's address or construct path. */
function matches(s: Suppression, ruleId: string, v: Violation, paths: Map<string, string>): boolean {
  return s.ruleId === ruleId && (s.address === v.address || (paths.has(v.address) && s.address === paths.get(v.address)));
}

function runRule(rule: Rule, plan: TerraformJson, ctx: PolicyContext): { applicable: boolean; violations: Violation[] } {
  try {
    return rule.check(plan, ctx);
  } catch (e) {
    // A rule that crashes fails: an unreadable plan must never pass by accident.
    return { applicable: true, violations: [{ address: "(plan)", message: `the rule could not evaluate the plan: ${(e as Error).message}` }] };
  }
}

/** Runs `rules` (default: every rule of the default packs) and applies the suppressions of plan and context. */
export function evaluate(plan: TerraformJson, ctx: PolicyContext, rules?: readonly Rule[]): RuleResult[] {
  return evaluateWithWarnings(plan, ctx, rules).results;
}

function evaluateWithWarnings(plan: TerraformJson, ctx: PolicyContext, rules?: readonly Rule[]): { results: RuleResult[]; context: PolicyContext; warnings: string[] } {
  const list = rules ?? rulesOf(DEFAULT_PACKS);
  rulesOf([{ name: "rules", rules: list }]);
  const context = resolveContext(plan, ctx);
  const v = view(plan);
  const fromResources = resourceSuppressions(v);
  const suppressions = [...fromResources.suppressions, ...(context.suppressions ?? [])];
  const paths = new Map(v.all().flatMap((r) => (isObject(r.body["//"]) && isObject(r.body["//"].metadata) && typeof r.body["//"].metadata.path === "string" ? [[r.address, r.body["//"].metadata.path as string] as const] : [])));
  const used = new Set<Suppression>();
  const results = list.map((rule): RuleResult => {
    const { applicable, violations } = runRule(rule, plan, context);
    const open: Violation[] = [];
    const suppressed: (Violation & { reason: string; source: Suppression["source"] })[] = [];
    for (const violation of violations) {
      const s = suppressions.find((x) => matches(x, rule.id, violation, paths));
      if (s) {
        used.add(s);
        suppressed.push({ ...violation, reason: s.reason, source: s.source });
      } else open.push(violation);
    }
    const meta = { id: rule.id, title: rule.title, severity: rule.severity, references: rule.references, remediation: rule.remediation };
    const verdict = open.length > 0 ? "fail" : applicable || suppressed.length > 0 ? "pass" : "not-applicable";
    return { rule: meta, verdict, violations: open, suppressed };
  });
  const ids = new Set(list.map((r) => r.id));
  // A suppression of a rule that did not apply here (a prod rule in dev) is not stale.
  const idle = new Set(results.filter((r) => r.verdict === "not-applicable").map((r) => r.rule.id));
  const warnings = [
    ...fromResources.invalid,
    ...suppressions.filter((s) => !used.has(s) && !idle.has(s.ruleId)).map((s) => `suppression of ${s.ruleId} on ${s.address} (${s.source}) ${ids.has(s.ruleId) ? "matched no finding" : "names no rule of the packs"}; remove it`),
  ];
  return { results, context, warnings };
}

/** Judges one stack's plan: every rule of `packs` (default: the security pack and any other default pack). */
export function checkStack(name: string, plan: TerraformJson, ctx: PolicyContext, packs: readonly RulePack[] = DEFAULT_PACKS): StackResult {
  const { results, context, warnings } = evaluateWithWarnings(plan, ctx, rulesOf(packs));
  return { stack: name, results, passed: results.every((r) => r.verdict !== "fail"), context, warnings };
}

/** One line per open violation: rule id, resource address, what is wrong, how to fix it. */
export function formatViolations(result: StackResult): string[] {
  return result.results.flatMap((r) => r.violations.map((v) => `${r.rule.id} ${v.address}: ${v.message}. Fix: ${r.rule.remediation}`));
}

/** Thrown by the synth hook when a stack fails the policy; the message lists every violation. */
export class PolicyError extends Error {
  constructor(readonly results: readonly StackResult[]) {
    const failed = results.filter((r) => !r.passed);
    const lines = failed.flatMap((r) => formatViolations(r).map((l) => `  - ${r.stack}: ${l}`));
    super(`policy check failed: ${lines.length} violation${lines.length === 1 ? "" : "s"} in ${failed.map((r) => r.stack).join(", ")}:\n${lines.join("\n")}`);
    this.name = "PolicyError";
  }
}
