/**
 * The review step of the synth pipeline: writes `review/` into the temporary output before it is swapped into place,
 * so a synth that fails (config, policy) writes no report either. Each stack's config tells the report what was
 * asked for, so it can flag anything wider.
 */
import { McpStack } from "../stacks/mcp-stack";
import { reviewPolicy } from "./policy-source";
import { contextFromConfig, writeReviews } from "./write";

export function reviewHook(dir: string, stacks: readonly McpStack[]): void {
  writeReviews(dir, { contexts: Object.fromEntries(stacks.map((s) => [s.node.id, contextFromConfig(s.config)])), policy: reviewPolicy });
}
