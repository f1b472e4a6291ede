/** "## Policy result" of a stack's report: every rule's verdict and the suppressions; shared by both kinds of report. */
import { StackResult } from "../policy/types";
import { byKey, code, list, md, strong, table } from "./markdown";

export interface PolicySectionOptions {
  /** The section heading. @default "## 6. Policy result" */
  readonly heading?: string;
  /** List only the rules that judged something, and count the others in one line. @default false */
  readonly applicableOnly?: boolean;
}

export function policySection(policy: StackResult | undefined, opts: PolicySectionOptions = {}): string[] {
  const out = [opts.heading ?? "## 6. Policy result", ""];
  if (!policy) {
    out.push("_The policy engine did not run for this report; run `npm run synth` (or `npm run check`) for the result._", "");
    return out;
  }
  const all = [...policy.results].sort((x, y) => verdictOrder(x.verdict) - verdictOrder(y.verdict) || (x.rule.id < y.rule.id ? -1 : 1));
  const results = opts.applicableOnly ? all.filter((r) => r.verdict !== "not-applicable") : all;
  out.push(
    table(
      ["Rule", "Title", "Severity", "Verdict", "Findings", "References"],
      results.map((r) => [
        code(r.rule.id),
        r.rule.title,
        r.rule.severity,
        r.verdict === "fail" ? strong("fail") : r.verdict,
        list(
          r.violations.map((v) => md(code(v.address), ` ${v.message}`)),
          "; ",
        ),
        r.rule.references.join(", "),
      ]),
    ),
    "",
  );
  if (results.length < all.length) out.push(`${all.length - results.length} more rules are not applicable: they judge resources this plan does not hold.`, "");
  const sup = all.flatMap((r) => r.suppressed.map((s) => ({ id: r.rule.id, ...s }))).sort(byKey((s) => `${s.id}\u0000${s.address}`));
  out.push(
    "### Suppressions",
    "",
    table(
      ["Rule", "Resource", "Reason", "Declared in"],
      sup.map((s) => [code(s.id), code(s.address), s.reason, s.source]),
      "_No suppressions._",
    ),
    "",
  );
  return out;
}

/** Failing rules and suppressed findings, as the summary and the index count them. */
export function policyCounts(policy: StackResult): { readonly passed: boolean; readonly failed: number; readonly suppressed: number } {
  return { passed: policy.passed, failed: policy.results.filter((r) => r.verdict === "fail").length, suppressed: policy.results.reduce((n, r) => n + r.suppressed.length, 0) };
}

function verdictOrder(v: string): number {
  return v === "fail" ? 0 : v === "pass" ? 1 : 2;
}
