/** Shared test helpers: synthesize a stack in memory; re-exports the config and plan helpers. */
import { Testing } from "cdktf";
import { invokeAspects } from "../lib/cdktf-compat";
import { McpConfig } from "../config/schema";
import { McpStack } from "../stacks/mcp-stack";
import { TerraformJson } from "../policy/types";

export { shippedConfigs, variant } from "./configs";
export { CONFIG_DIR } from "./paths";
export { addressAt, refAt, resourceAt, resources } from "./plans";

/**
 * Synthesizes one stack (aspects and validations run) and returns it with its Terraform JSON exactly as
 * `cdk.tf.json` would hold it, `//` metadata included (Testing.synth strips it, and suppressions live there).
 * `extend` adds to the stack before synthesis (e.g. a role granted a secret).
 */
export function synthStack(config: McpConfig, extend: (stack: McpStack) => void = () => undefined): { stack: McpStack; plan: TerraformJson } {
  const stack = new McpStack(Testing.app(), config);
  extend(stack);
  invokeAspects(stack);
  stack.runAllValidations();
  const plan = JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
  return { stack, plan };
}
