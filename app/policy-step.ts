/**
 * The plan and policy steps of the synth pipeline (app/synth.ts). After every stack is synthesized into the temporary
 * directory, the plan step records in each stack's Terraform JSON the context its config gives (stage, agent
 * sources, environment suppressions), so `npm run check` later judges the file alike; then the policy step judges
 * that final plan with the same context and returns each stack's result as a value. A violation throws a
 * PolicyError listing every one; app/synth.ts then deletes the temporary directory, so nothing is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { McpConfig } from "../config/schema";
import { loadToolCatalogue, recordCatalogue } from "../lib/tool-catalogue";
import { isObject } from "../plan/terraform";
import { checkStack, PLAN_CONTEXT_KEY, PolicyError } from "../policy/engine";
import { PolicyContext, RulePack, StackResult, TerraformJson } from "../policy/types";

/** What a stack's config tells the rules. */
export function policyContextOf(config: McpConfig): PolicyContext {
  return {
    stage: config.stage,
    agentCidrs: config.agents.flatMap((a) => a.cidrs),
    agentSecurityGroupIds: config.agents.flatMap((a) => a.securityGroupIds),
    mcpPort: config.mcpServer.port,
    agentGrants: config.agents.map((a) => ({ name: a.name, cidrs: a.cidrs, toolsets: a.toolsets, readOnly: a.readOnly })),
    toolCatalogue: recordCatalogue(loadToolCatalogue()),
    suppressions: (config.suppressions ?? []).map((s) => ({ ruleId: s.rule, address: s.address, reason: s.reason, source: "config" as const })),
  };
}

/** A stack as the steps need it: its name, config, and its Terraform JSON when no file was written (HCL output). */
export interface SynthesizedStack {
  readonly node: { readonly id: string };
  readonly config: McpConfig;
  toTerraform(): any;
}

export interface PolicyStepOptions {
  /** Overrides the default packs (tests). @default DEFAULT_PACKS */
  readonly packs?: readonly RulePack[];
  /** Receives one summary line per stack and any suppression warnings. @default none */
  readonly log?: (line: string) => void;
}

/** One stack's plan, with the context the policy judges it under. */
interface JudgedPlan {
  readonly name: string;
  readonly plan: TerraformJson;
  readonly ctx: PolicyContext;
}

/** The plan step: each stack's plan read from `dir`, its context recorded in the file (not when no file was written). */
export function recordPlans(dir: string, stacks: readonly SynthesizedStack[]): JudgedPlan[] {
  return stacks.map((stack) => {
    const name = stack.node.id;
    const file = path.join(dir, "stacks", name, "cdk.tf.json");
    const ctx = policyContextOf(stack.config);
    if (!fs.existsSync(file)) return { name, plan: stack.toTerraform(), ctx };
    const plan = withContext(JSON.parse(fs.readFileSync(file, "utf8")), ctx);
    fs.writeFileSync(file, JSON.stringify(plan, null, 2));
    return { name, plan, ctx };
  });
}

/** The policy step: judges each plan and returns the results by stack name; throws a PolicyError on any violation. */
export function judgePlans(plans: readonly JudgedPlan[], opts: PolicyStepOptions = {}): ReadonlyMap<string, StackResult> {
  const results = plans.map(({ name, plan, ctx }) => {
    const result = checkStack(name, plan, ctx, opts.packs);
    const counts = { pass: 0, fail: 0, "not-applicable": 0 };
    for (const r of result.results) counts[r.verdict]++;
    const suppressed = result.results.reduce((n, r) => n + r.suppressed.length, 0);
    opts.log?.(`policy ${name}: ${counts.pass} passed, ${counts.fail} failed, ${counts["not-applicable"]} not applicable${suppressed ? `, ${suppressed} suppressed` : ""}`);
    for (const w of result.warnings ?? []) opts.log?.(`policy ${name}: warning: ${w}`);
    return result;
  });
  if (results.some((r) => !r.passed)) throw new PolicyError(results);
  return new Map(results.map((r) => [r.stack, r]));
}

/** The plan with the context in its top-level `//` metadata (Terraform ignores it); the input is not changed. */
function withContext(plan: TerraformJson, ctx: PolicyContext): TerraformJson {
  const json = plan as Record<string, any>;
  const meta = isObject(json["//"]) ? json["//"] : {};
  const { suppressions, ...rest } = ctx;
  return { ...json, "//": { ...meta, [PLAN_CONTEXT_KEY]: { ...rest, suppressions: (suppressions ?? []).map((s) => ({ ruleId: s.ruleId, address: s.address, reason: s.reason })) } } } as TerraformJson;
}
