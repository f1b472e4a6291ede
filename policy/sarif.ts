/**
 * SARIF 2.1.0 output of a policy run, so code hosts can annotate pull requests. One run, one result per finding;
 * findings carry a logical location (the Terraform address, qualified by the stack) and a physical one (the
 * cdk.tf.json it came from). Suppressed findings are results with a `suppressions` entry and their reason.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { Rule, Severity, StackResult } from "./types";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
export const TOOL_NAME = "ibmi-mcp-policy";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
/** GitHub code scanning reads this property to rank security findings (0–10). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

export interface SarifInput {
  readonly stack: StackResult;
  /** The plan file the stack was read from, relative to the repository root when possible. */
  readonly file?: string;
}

type RuleMeta = Pick<Rule, "id" | "title" | "severity" | "references" | "remediation">;

export function toSarif(inputs: readonly SarifInput[], version: string): Record<string, unknown> {
  const rules: RuleMeta[] = [];
  for (const i of inputs) for (const r of i.stack.results) if (!rules.some((x) => x.id === r.rule.id)) rules.push(r.rule);
  const index = new Map(rules.map((r, n) => [r.id, n]));
  const results = inputs.flatMap(({ stack, file }) =>
    stack.results.flatMap((r) => {
      const base = (address: string, message: string) => ({
        ruleId: r.rule.id,
        ruleIndex: index.get(r.rule.id)!,
        level: LEVEL[r.rule.severity],
        message: { text: `${address}: ${message}. Fix: ${r.rule.remediation}` },
        locations: [
          {
            ...(file ? { physicalLocation: { artifactLocation: { uri: file.split("\\").join("/") } } } : {}),
            logicalLocations: [{ name: address, fullyQualifiedName: `${stack.stack}/${address}`, kind: "resource" }],
          },
        ],
        partialFingerprints: { "terraformAddress/v1": `${stack.stack}/${r.rule.id}/${address}` },
      });
      return [
        ...r.violations.map((v) => base(v.address, v.message)),
        ...r.suppressed.map((v) => ({
          ...base(v.address, v.message),
          suppressions: [{ kind: v.source === "resource" ? "inSource" : "external", status: "accepted", justification: v.reason }],
        })),
      ];
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]/g, ""),
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.title}.${r.references.length ? ` Corresponds to ${r.references.join(", ")}.` : ""}` },
              help: { text: r.remediation, markdown: `**Fix:** ${r.remediation}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ["security", "terraform", ...r.references], severity: r.severity, "security-severity": SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results,
        properties: { stacks: inputs.map((i) => ({ stack: i.stack.stack, passed: i.stack.passed })) },
      },
    ],
  };
}
