/**
 * The synth pipeline, in one straight line: validate every config → its stacks → synthesize into a temporary
 * directory → the plan (context recorded) → policy(plan, context) → review(plan, policy results) → swap the result
 * into place. Any failure leaves the previous output untouched.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformBackend, TerraformStack } from "cdktf";
import { ConfigError, ConfigProblem, loadConfigs, sourceFile } from "../config/load";
import { McpConfig } from "../config/schema";
import { makeScratchOutdir } from "../lib/scratch-outdir";
import { writeHcl } from "../lib/hcl";
import { stateLocation, swapInto, writeVersionsFile } from "../lib/synth";
import { StackResult } from "../policy/types";
import { ImagesStack } from "../stacks/images-stack";
import { McpStack, REQUIRED_TERRAFORM_VERSION } from "../stacks/mcp-stack";
import { judgePlans, PolicyStepOptions, recordPlans } from "./policy-step";
import { reviewStep } from "./review-step";

export interface SynthOptions {
  readonly configDir: string;
  readonly outdir: string;
  /**
   * Also write plain Terraform to `<outdir>/hcl/<stack>/cdk.tf` (lib/hcl.ts); the JSON plan is always written.
   * SYNTH_HCL_OUTPUT "true" or "1" (set by `cdktf synth --hcl`) turns it on too. @default false
   */
  readonly hcl?: boolean;
  /** Write the reviewer report to `<outdir>/review/` after the checks (app/review-step.ts). @default true */
  readonly review?: boolean;
  /**
   * Record each plan's context and judge it (app/policy-step.ts); a violation aborts the run and nothing is
   * written. Without it the plans are not judged here, and the review judges them itself. @default not judged
   */
  readonly policy?: PolicyStepOptions;
  /** Runs over the synthesized directory after the policy step, before it replaces `outdir`; throwing aborts the run. */
  readonly afterSynth?: readonly ((dir: string, stacks: readonly KitStack[]) => void)[];
  /** Receives each warning as it is found (also returned in the result). @default none */
  readonly warn?: (message: string) => void;
}

/** Every stack synth writes: per environment its image repositories (`mcp-<env>-images`) and the environment. */
export type KitStack = McpStack | ImagesStack;

export interface SynthResult {
  readonly configs: readonly McpConfig[];
  readonly stacks: readonly string[];
  /** What deploys but deserves a look: overlapping VPC ranges, stacks gone from the output whose state remains. */
  readonly warnings: readonly string[];
  /** Each judged stack's policy result (empty without `policy`). */
  readonly policy: ReadonlyMap<string, StackResult>;
}

/** Builds one main stack per config into `app` (not the `mcp-<env>-images` stacks, which synthesize adds). Exported for tests and the benchmark. */
export function buildStacks(app: App, configs: readonly McpConfig[]): McpStack[] {
  return configs.map((c) => new McpStack(app, c));
}

export function synthesize(opts: SynthOptions): SynthResult {
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.warn?.(m);
  };
  const configs = loadConfigs(opts.configDir, { warn });
  const outdir = path.resolve(opts.outdir);
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  // Same parent directory, so the final rename is atomic on one file system.
  const tmp = makeScratchOutdir(outdir);
  try {
    const envHcl = process.env.SYNTH_HCL_OUTPUT;
    // `cdktf synth --hcl` says so through SYNTH_HCL_OUTPUT only; main.ts passes `--hcl` of `npm run synth`.
    const hcl = opts.hcl === true || envHcl === "true" || envHcl === "1";
    // Always JSON: the checks and the review read it. Stacks read SYNTH_HCL_OUTPUT when constructed, so pin it.
    process.env.SYNTH_HCL_OUTPUT = "false";
    let app: App;
    let stacks: KitStack[];
    try {
      app = new App({ outdir: tmp, hclOutput: false, skipValidation: false });
      // Each environment's image repositories come first: they are applied before its images are pushed (lib/images.ts).
      stacks = configs.flatMap((c) => [new ImagesStack(app, c), new McpStack(app, c)]);
    } finally {
      if (envHcl === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = envHcl;
    }
    const shared = sharedState(app.node.children.filter(TerraformStack.isStack));
    if (shared.length) throw new ConfigError(shared);
    app.synth();
    for (const s of stacks) writeVersionsFile(path.join(tmp, "stacks", s.node.id), REQUIRED_TERRAFORM_VERSION);
    const policy: ReadonlyMap<string, StackResult> = opts.policy ? judgePlans(recordPlans(tmp, stacks), opts.policy) : new Map();
    for (const hook of opts.afterSynth ?? []) hook(tmp, stacks);
    if (opts.review ?? true) reviewStep(tmp, policy);
    if (hcl) writeHcl(tmp, stacks);
    const names = app.node.children.filter(TerraformStack.isStack).map((s) => s.node.id);
    for (const gone of disappeared(outdir, names)) warn(gone);
    swapInto(tmp, outdir);
    return { configs, stacks: stacks.map((s) => s.node.id), warnings, policy };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Two stacks with one state would each plan against the other's resources: a deploy of one destroys what the other
 * made. Every stack's backend is compared (an environment may have more than one stack), and the problem names both
 * config files.
 */
function sharedState(stacks: readonly TerraformStack[]): ConfigProblem[] {
  const seen = new Map<string, { stack: string; file: string }>();
  const problems: ConfigProblem[] = [];
  for (const stack of stacks) {
    const backend = stack.node.children.find(TerraformBackend.isBackend)?.toTerraform()?.terraform?.backend;
    const where = stateLocation(backend, stack.node.id);
    if (!where) continue;
    const config = (stack as { config?: McpConfig }).config;
    const file = (config && sourceFile(config)) ?? stack.node.id;
    const first = seen.get(where);
    if (!first) {
      seen.set(where, { stack: stack.node.id, file });
      continue;
    }
    problems.push({
      file,
      path: config?.state?.key ? "state.key" : "state",
      value: config?.state?.key,
      problem: `puts the state of stack ${stack.node.id} at ${where}, where stack ${first.stack} of ${first.file} keeps its own; deploying either would plan against the other's resources and destroy them`,
      fix: `give each environment its own state key, e.g. "ibmi-mcp/${config?.environment ?? "<env>"}.tfstate"`,
    });
  }
  return problems;
}

/**
 * Stacks the previous output held that this run does not make (a config file removed or renamed): their resources
 * and state outlive the folder, and nothing would say so.
 */
function disappeared(outdir: string, now: readonly string[]): string[] {
  const dir = path.join(outdir, "stacks");
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const stack of fs.readdirSync(dir).sort()) {
    if (now.includes(stack)) continue;
    let where: string | undefined;
    try {
      where = stateLocation(JSON.parse(fs.readFileSync(path.join(dir, stack, "cdk.tf.json"), "utf8"))?.terraform?.backend, stack);
    } catch {
      where = undefined;
    }
    out.push(
      `${stack} was in ${path.basename(outdir)} and is no longer synthesized (its config file was removed or renamed). Its Terraform state still exists${where ? ` (${where})` : ""}, and so do its resources: to remove them, restore the config and run npx cdktf destroy ${stack}; to keep them, keep the state.`,
    );
  }
  return out;
}
