/** Policy verdicts: a rule that passed and now fails, new suppressions, rules that no longer run. */
import { StackResult } from "../../policy/types";
import { Add } from "./add";

export function policyChanges(add: Add, px?: StackResult, py?: StackResult): void {
  if (px && py) {
    for (const r of py.results) {
      const old = px.results.find((o) => o.rule.id === r.rule.id);
      if (old && old.verdict === "pass" && r.verdict === "fail") add("critical", `policy weakened: ${r.rule.id} (${r.rule.title}) passed, now fails: ${r.violations.map((v) => v.address).join(", ")}`);
      else if (!old && r.verdict === "fail") add("critical", `policy rule ${r.rule.id} fails: ${r.violations.map((v) => v.address).join(", ")}`);
      else if (old && old.verdict === "fail" && r.verdict === "pass") add("low", `policy rule ${r.rule.id} now passes`);
      for (const s of r.suppressed) if (!old?.suppressed.some((o) => o.address === s.address)) add("high", `new suppression of ${r.rule.id} on ${s.address}: ${s.reason}`, s.address);
    }
    for (const r of px.results) if (r.verdict !== "not-applicable" && !py.results.some((o) => o.rule.id === r.rule.id)) add("medium", `policy rule ${r.rule.id} no longer runs`);
  } else if (py && !py.passed) {
    for (const r of py.results.filter((o) => o.verdict === "fail")) add("critical", `policy rule ${r.rule.id} fails: ${r.violations.map((v) => v.address).join(", ")}`);
  }
}
