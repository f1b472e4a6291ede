/**
 * Runs the real synth pipeline (policy check and review included) once for the whole suite, over the shipped
 * configs, into a temporary directory that every worker reads through test/plans.ts. Loading cdktf costs about
 * a second per test file under jest; tests that only read the shipped plans no longer pay it, nor a synth.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesize } from "../app/synth";
import { disableTokenTraces } from "../lib/cdktf-compat";
import { CONFIG_DIR } from "./paths";

export default function globalSetup(): void {
  disableTokenTraces();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-kit-tests-"));
  const outdir = path.join(root, "cdktf.out");
  synthesize({ configDir: CONFIG_DIR, outdir, policy: { log: () => undefined } });
  // Workers are started after global setup and inherit the environment.
  process.env.MCP_TEST_ROOT = root;
}
