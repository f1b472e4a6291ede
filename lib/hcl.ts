/**
 * Plain Terraform (HCL) beside the JSON plan, for reviewers who read HCL and as the way off CDK for Terraform:
 * `<outdir>/hcl/<stack>/cdk.tf` plus the stack's `assets/`, a self-contained root module at the same depth as
 * `stacks/<stack>` so relative paths (local state, Lambda zips) resolve the same. The JSON stays the deployable
 * and what the policy check and the review read.
 *
 * Why not cdktf's own `hclOutput`: in cdktf 0.21 the App option renames the file to `cdk.tf` but stacks read only
 * SYNTH_HCL_OUTPUT, so `new App({ hclOutput: true })` writes JSON into `cdk.tf`; and its renderer writes any
 * `terraform` block attribute other than required_providers/backend/cloud as `0 = "required_version"`
 * (renderTerraform passes the key list instead of the attributes), which Terraform rejects; and it escapes
 * strings wrongly: not at all when they contain `${` (IAM policies and container definitions that reference
 * other resources), and never their backslashes (JSON inside a string). Seen in
 * node_modules/cdktf/lib/synthesize/synthesizer.js and lib/hcl/render.js (the internals used: lib/cdktf-compat.ts). We keep cdktf's renderer for the
 * structure (it knows blocks from attributes) and re-quote every string it got wrong, from the JSON plan's values.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { cdktfRenderedString, renderHclAttributes } from "./cdktf-compat";

export const HCL_DIR = "hcl";
const BLOCK_ATTRIBUTES = ["required_providers", "backend", "cloud"];

/** The HCL of one stack, with the `terraform` block's plain attributes (required_version, …) rendered correctly. */
export function stackHcl(stack: TerraformStack, terraformBlock: Record<string, unknown> | undefined): string {
  const { hcl } = stack.toHclTerraform();
  const others = Object.fromEntries(Object.entries(terraformBlock ?? {}).filter(([k]) => !BLOCK_ATTRIBUTES.includes(k)));
  if (Object.keys(others).length === 0) return hcl;
  const bad = `\n${renderHclAttributes(Object.keys(others))}\n}`;
  const at = hcl.indexOf(bad);
  // The terraform block comes first; the broken attributes must sit inside it, before any provider or resource.
  const firstBlock = hcl.search(/\n(provider|resource|data|module|output|variable|locals) /);
  if (!hcl.startsWith("terraform {") || at < 0 || (firstBlock >= 0 && at > firstBlock)) {
    throw new Error(`${stack.node.id}: unexpected terraform block from cdktf's HCL renderer; cannot patch it (cdktf version changed?)`);
  }
  return `${hcl.slice(0, at)}\n${renderHclAttributes(others)}\n}${hcl.slice(at + bad.length)}`;
}

/**
 * A Terraform JSON string as an HCL quoted template with the same value: literal text escaped (\\, \", \n, \r, \t),
 * `${…}` and `%{…}` sequences kept verbatim since both syntaxes interpolate them alike.
 */
export function hclQuote(str: string): string {
  let out = "";
  let i = 0;
  while (i < str.length) {
    const two = str.slice(i, i + 2);
    if ((two === "${" || two === "%{") && str[i - 1] !== two[0]) {
      let depth = 0;
      let j = i + 1;
      let quote = false;
      for (; j < str.length; j++) {
        const c = str[j];
        if (quote) {
          if (c === "\\") j++;
          else if (c === '"') quote = false;
        } else if (c === '"') quote = true;
        else if (c === "{") depth++;
        else if (c === "}" && --depth === 0) break;
      }
      out += str.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const c = str[i];
    out += c === "\\" ? "\\\\" : c === '"' ? '\\"' : c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : c;
    i++;
  }
  return `"${out}"`;
}

function stringsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") stringsIn(v, out);
  return out;
}

/** Re-quotes every string of the plan that cdktf rendered wrongly; longest first, so a short one never matches inside a long one. */
export function requoteStrings(hcl: string, plan: Record<string, unknown>): string {
  const strings = [...stringsIn(plan, new Set())].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  let out = hcl;
  for (const s of strings) {
    const bad = cdktfRenderedString(s);
    const good = hclQuote(s);
    if (bad !== good && out.includes(bad)) out = out.split(bad).join(good);
  }
  return out;
}

/** Writes `<outdir>/hcl/<stack>/cdk.tf` (and a copy of the stack's assets) for every stack already synthesized as JSON. */
export function writeHcl(outdir: string, stacks: readonly TerraformStack[]): string[] {
  const written: string[] = [];
  for (const stack of stacks) {
    const id = stack.node.id;
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8"));
    const dir = path.join(outdir, HCL_DIR, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cdk.tf"), requoteStrings(stackHcl(stack, json.terraform), json));
    // The stack's other Terraform files (versions.tf, from lib/synth.ts) belong to the same root module.
    for (const f of fs.readdirSync(path.join(outdir, "stacks", id)).filter((n) => n.endsWith(".tf"))) fs.copyFileSync(path.join(outdir, "stacks", id, f), path.join(dir, f));
    const assets = path.join(outdir, "stacks", id, "assets");
    if (fs.existsSync(assets)) fs.cpSync(assets, path.join(dir, "assets"), { recursive: true });
    written.push(`${HCL_DIR}/${id}/cdk.tf`);
  }
  return written;
}
