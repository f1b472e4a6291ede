/**
 * The policy at synth: after every stack is synthesized into the temporary directory, judge each stack's
 * Terraform JSON with the context its config gives (stage, agent sources, environment suppressions), record that
 * context in the plan for `npm run check`, and throw a PolicyError listing every violation. lib/synth.ts then
 * deletes the temporary directory, so nothing is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { McpConfig } from "../config/schema";
import { loadToolCatalogue, recordCatalogue } from "../lib/tool-catalogue";
import { checkStack, PLAN_CONTEXT_KEY, PolicyError } from "./engine";
import { isObject } from "./plan";
import { PolicyContext, RulePack, TerraformJson, StackResult } from "./types";

/** The result of each stack's check in this run, so the review step does not judge the same plan again. */
const resultsByStack = new WeakMap<object, StackResult>();

/** The policy result the hook computed for `stack` in this process, if it ran. */
export function policyResultOf(stack: object): StackResult | undefined {
  return resultsByStack.get(stack);
}

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

/** A stack as the hook needs it: its name, config, and its Terraform JSON when no file was written (HCL output). */
export interface SynthesizedStack {
  readonly node: { readonly id: string };
  readonly config: McpConfig;
  toTerraform(): any;
}

/**
 * Builds the after-synth hook. `packs` overrides the default packs (tests); `log` receives one summary line per
 * stack and any suppression warnings.
 */
export function policyHook(opts: { packs?: readonly RulePack[]; log?: (line: string) => void } = {}) {
  return (dir: string, stacks: readonly SynthesizedStack[]): void => {
    const results = stacks.map((stack) => {
      const name = stack.node.id;
      const file = path.join(dir, "stacks", name, "cdk.tf.json");
      const onDisk = fs.existsSync(file);
      const plan: TerraformJson = onDisk ? JSON.parse(fs.readFileSync(file, "utf8")) : stack.toTerraform();
      const ctx = policyContextOf(stack.config);
      const result = checkStack(name, plan, ctx, opts.packs);
      resultsByStack.set(stack, result);
      if (onDisk) recordContext(file, plan, ctx);
      const counts = { pass: 0, fail: 0, "not-applicable": 0 };
      for (const r of result.results) counts[r.verdict]++;
      const suppressed = result.results.reduce((n, r) => n + r.suppressed.length, 0);
      opts.log?.(`policy ${name}: ${counts.pass} passed, ${counts.fail} failed, ${counts["not-applicable"]} not applicable${suppressed ? `, ${suppressed} suppressed` : ""}`);
      for (const w of result.warnings ?? []) opts.log?.(`policy ${name}: warning: ${w}`);
      return result;
    });
    if (results.some((r) => !r.passed)) throw new PolicyError(results);
  };
}

/** Writes the context into the plan's top-level `//` metadata (Terraform ignores it), so a later check judges the file alike. */
function recordContext(file: string, plan: TerraformJson, ctx: PolicyContext): void {
  const json = plan as Record<string, any>;
  const meta = isObject(json["//"]) ? json["//"] : {};
  const { suppressions, ...rest } = ctx;
  json["//"] = { ...meta, [PLAN_CONTEXT_KEY]: { ...rest, suppressions: (suppressions ?? []).map((s) => ({ ruleId: s.ruleId, address: s.address, reason: s.reason })) } };
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
}
