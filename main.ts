/**
 * Entry point of `npm run synth` and `npx cdktf synth|diff|deploy`: synthesizes one stack per config file.
 * MCP_CONFIG_DIR picks the config directory (default config/), CDKTF_OUTDIR the output (default cdktf.out).
 */
import { disableTokenTraces } from "./lib/cdktf-compat";
disableTokenTraces();
import { ConfigError } from "./config/load";
import { synthesize } from "./app/synth";
import { PolicyError } from "./policy/engine";

function main(): number {
  const configDir = process.env.MCP_CONFIG_DIR ?? "config";
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  try {
    const result = synthesize({ configDir, outdir, hcl: process.argv.includes("--hcl"), policy: { log: (l) => console.error(l) }, warn: (w) => console.error(`warning: ${w}`) });
    console.log(`synthesized ${result.stacks.join(", ")} into ${outdir}`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof PolicyError) {
      console.error(`${e.message}\nNothing was written; ${outdir} is unchanged.`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main();
