/** Reads what the preflight needs from a synthesized stack (cdk.tf.json): pure functions, no AWS. */
import * as fs from "node:fs";
import type { TerraformJson } from "../policy/types";

/** The stack's synthesized plan, or undefined when it was not synthesized yet. */
export function readPlan(file: string): TerraformJson | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson;
}

/** Every resource of one type as [name, body]. */
export function planResources(plan: TerraformJson | undefined, type: string): [string, Record<string, any>][] {
  return Object.entries(plan?.resource?.[type] ?? {});
}

/** `${aws_lb.x.arn}` → "x" when the reference is to a resource of `type`; undefined otherwise. */
export function refName(value: unknown, type: string): string | undefined {
  const m = typeof value === "string" ? /^\$\{([a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}$/.exec(value) : null;
  return m && m[1] === type ? m[2] : undefined;
}

/** True when a value is (or contains) a Terraform expression, i.e. unknown until apply. */
export function isToken(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}
