/** The shipped example configs, and variants of them, without loading cdktf (test/helpers.ts synthesizes). */
import { loadConfigs } from "../config/load";
import { McpConfig } from "../config/schema";
import { CONFIG_DIR } from "./paths";

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
