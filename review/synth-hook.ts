/**
 * The review step of the synth pipeline: writes `review/` into the temporary output before it is swapped into place,
 * so a synth that fails (config, policy) writes no report either. Each stack's config tells the report what was
 * asked for, so it can flag anything wider.
 */
import { policyResultOf } from "../policy/synth-hook";
import { McpStack } from "../stacks/mcp-stack";
import { reviewPolicy } from "./policy-source";
import { contextFromConfig, writeReviews } from "./write";

export function reviewHook(dir: string, stacks: readonly McpStack[]): void {
  // The policy hook's results of this run where it ran (same plan, same context); otherwise judge here.
  const checked = new Map(stacks.flatMap((s) => { const r = policyResultOf(s); return r ? [[s.node.id, r] as const] : []; }));
  writeReviews(dir, { contexts: Object.fromEntries(stacks.map((s) => [s.node.id, contextFromConfig(s.config)])), policy: (name, plan) => checked.get(name) ?? reviewPolicy(name, plan) });
}
