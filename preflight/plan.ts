/** Reads what the preflight needs from a synthesized stack (cdk.tf.json): pure functions, no AWS. */
import * as fs from "node:fs";
import { parseReference, TerraformJson, view, withAliases } from "../plan/terraform";

/** The stack's synthesized plan, or undefined when it was not synthesized yet. */
export function readPlan(file: string): TerraformJson | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson;
}

/** Every resource of one type (and its older aliases: aws_alb for aws_lb) as [name, body], read by plan/terraform.ts. */
export function planResources(plan: TerraformJson | undefined, type: string): [string, Record<string, any>][] {
  return plan
    ? view(plan)
        .resources(...withAliases(type))
        .map((r) => [r.name, r.body])
    : [];
}

/** `${aws_lb.x.arn}` → "x" when the whole value references an attribute of a resource of `type` (or an alias); undefined otherwise. */
export function refName(value: unknown, type: string): string | undefined {
  const ref = parseReference(value);
  return ref && ref.mode === "managed" && ref.attr !== "" && withAliases(type).includes(ref.type) ? ref.name : undefined;
}

/** True when a value is (or contains) a Terraform expression, i.e. unknown until apply. */
export function isToken(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}
