/**
 * Suppressions declared in code, next to the resource they excuse. They travel inside the resource's `//`
 * metadata (Terraform ignores `//` keys), so `npm run check` on the synthesized JSON sees them too, and the
 * review report lists them with their reasons.
 */
import { TerraformResource } from "cdktf";
import { isObject, PlanView } from "./plan";
import { Suppression } from "./types";

/** Where in a resource's `//` metadata suppressions live: `{ "<rule id>": "<reason>" }`. */
export const SUPPRESSIONS_KEY = "suppressions";
export const MIN_REASON_LENGTH = 10;
export const RULE_ID = /^MCP-[A-Z0-9]+-\d{3}$/;

/** Throws unless the rule id looks like one and the reason says something. */
export function checkSuppression(ruleId: string, reason: string, where: string): void {
  if (!RULE_ID.test(ruleId)) throw new Error(`${where}: "${ruleId}" is not a rule id (expected e.g. "MCP-NET-001")`);
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH)
    throw new Error(`${where}: the reason for suppressing ${ruleId} must say why in at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason)})`);
}

/**
 * Accepts rule `ruleId`'s findings on `resource`, with a written reason (≥ 10 characters). The finding still
 * shows in every report, marked suppressed.
 */
export function suppress(resource: TerraformResource, ruleId: string, reason: string): void {
  checkSuppression(ruleId, reason, resource.node.path);
  // Terraform ignores keys named "//", so the suppression rides in the plan without changing what is deployed.
  resource.addOverride(`//.${SUPPRESSIONS_KEY}.${ruleId}`, reason.trim());
}

/** Every suppression recorded on the plan's resources (source "resource"); malformed entries are reported in `invalid`. */
export function resourceSuppressions(plan: PlanView): { suppressions: Suppression[]; invalid: string[] } {
  const suppressions: Suppression[] = [];
  const invalid: string[] = [];
  for (const r of plan.all()) {
    const meta = r.body["//"];
    const entries = isObject(meta) && isObject(meta[SUPPRESSIONS_KEY]) ? meta[SUPPRESSIONS_KEY] : undefined;
    if (!entries) continue;
    for (const [ruleId, reason] of Object.entries(entries)) {
      try {
        checkSuppression(ruleId, String(reason), r.address);
        suppressions.push({ ruleId, address: r.address, reason: String(reason), source: "resource" });
      } catch (e) {
        invalid.push(`${(e as Error).message}; the suppression is ignored`);
      }
    }
  }
  return { suppressions, invalid };
}
