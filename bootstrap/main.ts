/**
 * `npm run bootstrap`: synthesizes the CI bootstrap stack (stacks/ci-bootstrap-stack.ts) from `bootstrap/ci.json`
 * (MCP_BOOTSTRAP_CONFIG) and the environments it names in `config/` (MCP_CONFIG_DIR), into `cdktf.bootstrap.out`
 * (CDKTF_OUTDIR), after the policy check. Deploy it with
 *   npx cdktf deploy --app "node scripts/run.cjs bootstrap" --output cdktf.bootstrap.out ci-bootstrap
 * It never writes into the environments' output: `npm run synth` replaces that folder whole.
 */
import { disableTokenTraces } from "../lib/cdktf-compat";
disableTokenTraces();
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { ConfigError } from "../config/load";
import { checkStack, PolicyError } from "../policy/engine";
import { TerraformJson } from "../policy/types";
import { ImagesStack } from "../stacks/images-stack";
import { McpStack, REQUIRED_TERRAFORM_VERSION } from "../stacks/mcp-stack";
import { BOOTSTRAP_STACK, CiBootstrapStack, CiEnvironment, CiStack } from "../stacks/ci-bootstrap-stack";
import { isMain, wantsHelp } from "../lib/args";
import { assertKnown, backendState, typesOf } from "../lib/deploy-permissions";
import { makeScratchOutdir } from "../lib/scratch-outdir";
import { swapInto, writeVersionsFile } from "../lib/synth";
import { BootstrapConfig, loadBootstrap } from "./config";
import { McpConfig } from "../config/schema";

export const DEFAULT_BOOTSTRAP_OUTDIR = "cdktf.bootstrap.out";

/**
 * Each environment's stacks as `npm run synth` builds them (lib/synth.ts): its image repositories (`mcp-<env>-images`)
 * and the environment (`mcp-<env>`), each with the types of its plan and its backend. The roles cover both.
 */
export function ciEnvironments(environments: readonly McpConfig[]): CiEnvironment[] {
  // Never synthesized (toTerraform() alone gives the plan); constructs may still stage asset files in its folder.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ci-bootstrap-environments-"));
  try {
    const app = new App({ outdir: scratch, hclOutput: false, skipValidation: true });
    return environments.map((config) => ({ config, stacks: [new ImagesStack(app, config), new McpStack(app, config)].map(ciStackOf) }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A stack's plan types (every one known to lib/deploy-permissions.ts) and its backend. */
function ciStackOf(stack: TerraformStack): CiStack {
  const name = stack.node.id;
  const plan = stack.toTerraform() as TerraformJson;
  const types = typesOf(plan);
  assertKnown(types, name);
  return { name, types, state: backendState(plan) };
}

/** Refuses an output folder that holds other stacks (the environments' cdktf.out): the swap would delete them. */
export function checkOutdir(outdir: string): void {
  const manifest = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifest)) return;
  const stacks = Object.keys(JSON.parse(fs.readFileSync(manifest, "utf8")).stacks ?? {});
  const others = stacks.filter((s) => s !== BOOTSTRAP_STACK);
  if (others.length)
    throw new Error(`${outdir} holds the stacks ${others.join(", ")}; the bootstrap would replace them. Fix: give the bootstrap its own output, e.g. CDKTF_OUTDIR=${DEFAULT_BOOTSTRAP_OUTDIR} or cdktf --output ${DEFAULT_BOOTSTRAP_OUTDIR}`);
}

export function synthesizeBootstrap(opts: { file: string; configDir: string; outdir: string }): { config: BootstrapConfig; plan: TerraformJson } {
  const { config, environments } = loadBootstrap(opts.file, opts.configDir);
  checkOutdir(opts.outdir);
  const outdir = path.resolve(opts.outdir);
  const tmp = makeScratchOutdir(outdir);
  try {
    const app = new App({ outdir: tmp, hclOutput: false, skipValidation: false });
    new CiBootstrapStack(app, config, ciEnvironments(environments));
    app.synth();
    const dir = path.join(tmp, "stacks", BOOTSTRAP_STACK);
    writeVersionsFile(dir, REQUIRED_TERRAFORM_VERSION);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as TerraformJson;
    // The strictest stage: no rule may be relaxed for the roles that deploy production.
    const result = checkStack(BOOTSTRAP_STACK, plan, { stage: "prod" });
    const suppressed = result.results.reduce((n, r) => n + r.suppressed.length, 0);
    // Standard output: the cdktf CLI shows an app's standard error as [ERROR] lines.
    console.log(`policy ${BOOTSTRAP_STACK}: ${result.results.filter((r) => r.verdict === "pass").length} passed, ${result.results.filter((r) => r.verdict === "fail").length} failed${suppressed ? `, ${suppressed} suppressed` : ""}`);
    if (!result.passed) throw new PolicyError([result]);
    swapInto(tmp, outdir);
    return { config, plan };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export const USAGE = [
  "usage: npm run bootstrap",
  "  synthesizes the CI bootstrap stack from bootstrap/ci.json (MCP_BOOTSTRAP_CONFIG) and the environments it names",
  `  in config/ (MCP_CONFIG_DIR) into ${DEFAULT_BOOTSTRAP_OUTDIR} (CDKTF_OUTDIR), after the policy check.`,
].join("\n");

function main(argv: readonly string[]): number {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length) {
    console.error(`bootstrap: unknown argument ${argv.join(" ")}\n${USAGE}`);
    return 2;
  }
  const file = process.env.MCP_BOOTSTRAP_CONFIG ?? path.join("bootstrap", "ci.json");
  const configDir = process.env.MCP_CONFIG_DIR ?? "config";
  const outdir = process.env.CDKTF_OUTDIR ?? DEFAULT_BOOTSTRAP_OUTDIR;
  try {
    const { config } = synthesizeBootstrap({ file, configDir, outdir });
    console.log(`synthesized ${BOOTSTRAP_STACK} (${config.environments.map((e) => `ci-mcp-${e}-plan, ci-mcp-${e}-apply`).join(", ")}) into ${outdir}`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof PolicyError) {
      console.error(`${e.message}\nNothing was written; ${outdir} is unchanged.`);
      return 1;
    }
    console.error(`bootstrap: ${(e as Error).message}`);
    return 1;
  }
}

if (isMain(module)) process.exitCode = main(process.argv.slice(2));
