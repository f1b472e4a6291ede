/**
 * File steps of a synth that depend on nothing of the kit: the Terraform version file beside a stack's JSON, where a
 * backend keeps its state, and the swap of a finished output into place. The pipeline itself is app/synth.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The file name of the Terraform version constraint in a stack's directory (and its HCL copy). */
export const VERSIONS_FILE = "versions.tf";

/**
 * `terraform { required_version }` beside the stack's JSON: Terraform reads every .tf and .tf.json file of the
 * directory it runs in, so the constraint holds for `cdktf deploy` as if it were in the JSON (see McpStack).
 */
export function writeVersionsFile(stackDir: string, requiredVersion: string): void {
  const hcl = ["# Written by the kit's synth (lib/synth.ts). Terraform reads it together with cdk.tf.json.", "terraform {", `  required_version = "${requiredVersion}"`, "}", ""].join("\n");
  fs.writeFileSync(path.join(stackDir, VERSIONS_FILE), hcl);
}

/** Replaces `target` with `fresh`: rename the old one aside, rename the new one in, then delete the old. */
export function swapInto(fresh: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  const hadOld = fs.existsSync(target);
  if (hadOld) fs.renameSync(target, old);
  try {
    fs.renameSync(fresh, target);
  } catch (e) {
    if (hadOld) fs.renameSync(old, target);
    throw e;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}

/** Where a stack keeps its state, comparable across stacks: `s3://bucket/key`, or a local file relative to the output's parent. */
export function stateLocation(backend: Record<string, any> | undefined, stack: string): string | undefined {
  const [type, cfg] = Object.entries(backend ?? {})[0] ?? [];
  if (type === "s3" && cfg?.bucket && cfg?.key) return `s3://${cfg.bucket}/${cfg.workspace_key_prefix ? `${cfg.workspace_key_prefix}/` : ""}${cfg.key}`;
  // cdktf runs Terraform in <outdir>/stacks/<stack>: a relative path is relative to that directory.
  if (type === "local" && cfg?.path) return `local file ${path.posix.normalize(path.posix.join("cdktf.out/stacks", stack, cfg.path))}`;
  return undefined;
}
