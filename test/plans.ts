/**
 * The shipped environments as the real pipeline wrote them (test/global-setup.ts), without loading cdktf:
 * for tests that only read plans or reports. Tests of a variant config synthesize it with test/helpers.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformJson } from "../policy/types";
import { fileInZip } from "./support/unzip";

/** The `cdktf.out` the pipeline wrote for the shipped configs; treat it as read-only. */
export function shippedOutdir(): string {
  const root = process.env.MCP_TEST_ROOT;
  if (!root) throw new Error("MCP_TEST_ROOT is not set: run the tests through jest (jest.config.js globalSetup)");
  return path.join(root, "cdktf.out");
}

const cache = new Map<string, TerraformJson>();

/** The parsed `cdk.tf.json` of a shipped environment. Callers must not mutate it. */
export function shippedPlan(env: string): TerraformJson {
  let plan = cache.get(env);
  if (!plan) {
    plan = JSON.parse(fs.readFileSync(path.join(shippedOutdir(), "stacks", `mcp-${env}`, "cdk.tf.json"), "utf8")) as TerraformJson;
    cache.set(env, plan);
  }
  return plan;
}

/** The shipped environment names, from the pipeline's manifest. */
export function shippedEnvironments(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(shippedOutdir(), "manifest.json"), "utf8"));
  return Object.keys(manifest.stacks)
    .map((s) => s.replace(/^mcp-/, ""))
    .sort();
}

/** Every resource of one type: [address, body] pairs, address as `type.name`. */
export function resources(plan: TerraformJson, type: string): [string, any][] {
  return Object.entries(plan.resource?.[type] ?? {}).map(([name, body]) => [`${type}.${name}`, body]);
}

/** The single resource of a type whose construct path ends with `pathSuffix` (e.g. "network/vpc"), as [address, body]. */
function entryAt(plan: TerraformJson, type: string, pathSuffix: string): [string, any] {
  const found = resources(plan, type).filter(([, r]) => String(r["//"]?.metadata?.path ?? "").endsWith(pathSuffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at */${pathSuffix}, found ${found.length}`);
  return found[0];
}

/** The single resource of a type whose construct path ends with `pathSuffix` (e.g. "network/vpc"). */
export function resourceAt(plan: TerraformJson, type: string, pathSuffix: string): any {
  return entryAt(plan, type, pathSuffix)[1];
}

/** Its address (`<type>.<name>`). */
export function addressAt(plan: TerraformJson, type: string, pathSuffix: string): string {
  return entryAt(plan, type, pathSuffix)[0];
}

/** A reference to one of its attributes, as the plan writes it: `${<type>.<name>.<attr>}`. */
export function refAt(plan: TerraformJson, type: string, pathSuffix: string, attr = "arn"): string {
  return `\${${addressAt(plan, type, pathSuffix)}.${attr}}`;
}

/** File `name` packed in the deployment package of a shipped plan's Lambda function `fn` (its `filename`, beside the plan). */
export function packedFile(env: string, fn: { filename: string }, name: string): string {
  return fileInZip(fs.readFileSync(path.join(shippedOutdir(), "stacks", `mcp-${env}`, fn.filename)), name);
}
