/** Shared test helpers: load the shipped configs, synthesize stacks in memory, and query the Terraform JSON. */
import { Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { loadConfigs } from "../config/load";
import { McpConfig } from "../config/schema";
import { McpStack } from "../stacks/mcp-stack";
import { TerraformJson } from "../policy/types";

import { CONFIG_DIR } from "./paths";

export { CONFIG_DIR } from "./paths";
export { resourceAt, resources } from "./plans";

/** The shipped example configs (config/*.json), validated, keyed by environment. */
export function shippedConfigs(): Record<string, McpConfig> {
  return Object.fromEntries(loadConfigs(CONFIG_DIR).map((c) => [c.environment, c]));
}

/** A deep copy of a shipped config with changes applied by `edit`; for tests of one option. */
export function variant(env: string, edit: (c: any) => void): McpConfig {
  const c = JSON.parse(JSON.stringify(shippedConfigs()[env]));
  edit(c);
  return c;
}

/**
 * Synthesizes one stack (aspects and validations run) and returns it with its Terraform JSON exactly as
 * `cdk.tf.json` would hold it, `//` metadata included (Testing.synth strips it, and suppressions live there).
 */
export function synthStack(config: McpConfig): { stack: McpStack; plan: TerraformJson } {
  const stack = new McpStack(Testing.app(), config);
  invokeAspects(stack);
  stack.runAllValidations();
  const plan = JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
  return { stack, plan };
}
