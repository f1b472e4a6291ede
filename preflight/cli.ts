/**
 * `npm run preflight -- <stack> [--json] [--plan <cdk.tf.json>]`: read-only checks of the target AWS account
 * before `npx cdktf deploy <stack>`. Exit 0 when nothing FAILs, 1 when something does, 2 on a usage or config error.
 * MCP_CONFIG_DIR picks the config directory (default config/), CDKTF_OUTDIR the synth output (default cdktf.out).
 */
import * as path from "node:path";
import { loadEnvironment } from "../config/load";
import { wantsHelp } from "../lib/args";
import { createClients } from "./clients";
import { readPlan } from "./plan";
import { formatJson, formatText, runPreflight } from "./run";

const USAGE = ["usage: npm run preflight -- <stack, e.g. mcp-prod or prod> [--json] [--plan <path to cdk.tf.json>]", "  read-only checks of the target AWS account (credentials of that account) before npx cdktf deploy <stack>."].join("\n");

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const json = argv.includes("--json");
  const planAt = argv.indexOf("--plan");
  const planArg = planAt >= 0 ? argv[planAt + 1] : undefined;
  const positional = argv.filter((a, i) => !a.startsWith("--") && (planAt < 0 || i !== planAt + 1));
  if (positional.length !== 1 || (planAt >= 0 && !planArg)) {
    console.error(USAGE);
    return 2;
  }
  const configDir = process.env.MCP_CONFIG_DIR ?? "config";
  const found = loadEnvironment(configDir, positional[0]);
  if ("error" in found) {
    console.error(found.unknownEnvironment ? `${found.error}\n${USAGE}` : found.error);
    return 2;
  }
  const { config } = found;
  const env = config.environment;
  const planFile = planArg ?? path.join(process.env.CDKTF_OUTDIR ?? "cdktf.out", "stacks", `mcp-${env}`, "cdk.tf.json");
  const plan = readPlan(planFile);
  const clients = createClients(config.region, config.state?.region ?? config.region);
  const report = await runPreflight({ config, clients, plan, planFile: plan ? planFile : undefined });
  console.log(json ? formatJson(report) : formatText(report));
  return report.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 2;
  },
);
