/**
 * Entry point of `npm run synth` and `npx cdktf synth|diff|deploy`: synthesizes one stack per config file.
 * MCP_CONFIG_DIR picks the config directory (default config/), CDKTF_OUTDIR the output (default cdktf.out).
 */
import { disableTokenTraces } from "./lib/cdktf-compat";
disableTokenTraces();
import { ConfigError } from "./config/load";
import { wantsHelp } from "./lib/args";
import { synthesize } from "./app/synth";
import { PolicyError } from "./policy/engine";

export const USAGE = [
  "usage: npm run synth [-- --hcl]",
  "  synthesizes one stack per config file (and its image repositories' stack), runs the policy packs and writes",
  "  the review; nothing is written when a config or a rule fails. --hcl also writes plain Terraform to <outdir>/hcl.",
  "  MCP_CONFIG_DIR picks the config directory (default config), CDKTF_OUTDIR the output (default cdktf.out).",
].join("\n");

function main(argv: readonly string[]): number {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a !== "--hcl");
  if (unknown.length) {
    console.error(`synth: unknown argument ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  const configDir = process.env.MCP_CONFIG_DIR ?? "config";
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  try {
    // The policy summaries go to standard output: the cdktf CLI shows an app's standard error as [ERROR] lines.
    const result = synthesize({ configDir, outdir, hcl: argv.includes("--hcl"), policy: { log: (l) => console.log(l) }, warn: (w) => console.error(`warning: ${w}`) });
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

process.exitCode = main(process.argv.slice(2));
