/**
 * Suppressions declared in code (lib/resource-meta.ts `suppress`), next to the resource they excuse, read back from
 * the resource's `//` metadata, so `npm run check` on the synthesized JSON sees them too, and the review report
 * lists them with their reasons.
 */
import { checkSuppression, SUPPRESSIONS_KEY } from "../lib/resource-meta";
import { isObject, PlanView } from "../plan/terraform";
import { Suppression } from "./types";

/** Declared in lib/resource-meta.ts (constructs import it there); kept importable from here. */
export { checkSuppression, MIN_REASON_LENGTH, RULE_ID, suppress, SUPPRESSIONS_KEY } from "../lib/resource-meta";

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
