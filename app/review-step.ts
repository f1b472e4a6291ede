/**
 * The review step of the synth pipeline (app/synth.ts): writes `review/` into the temporary output before it is
 * swapped into place, so a synth that fails (config, policy) writes no report either. Each stack's config tells the
 * report what was asked for, so it can flag anything wider; the policy step's results arrive as a value.
 */
import { StackResult } from "../policy/types";
import { reviewPolicy } from "../review/policy-source";
import { contextFromConfig, writeReviews } from "../review/write";
import { McpStack } from "../stacks/mcp-stack";

export function reviewStep(dir: string, stacks: readonly McpStack[], policy: ReadonlyMap<string, StackResult> = new Map()): void {
  // The policy step's results of this run where it ran (same plan, same context); otherwise judge here.
  writeReviews(dir, { contexts: Object.fromEntries(stacks.map((s) => [s.node.id, contextFromConfig(s.config)])), policy: (name, plan) => policy.get(name) ?? reviewPolicy(name, plan) });
}
