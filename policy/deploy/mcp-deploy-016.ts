import { isObject, show } from "../plan";
import { defineRule } from "../rule";
import { DOCS, referencedAddresses, stringsIn } from "./support";

/**
 * Terraform refuses a configuration with a reference to a resource, data source, variable, local or module it does
 * not declare ("Reference to undeclared resource"), before it plans anything: a typo in an override or escape hatch,
 * or a construct of one stack used in another. cdktf's prepare pass would turn the latter into remote state;
 * McpStack skips that pass (every environment's stack stands alone), so this rule catches such a reference at synth.
 * It cannot see one to a construct every stack has (the address is the same in each, so it resolves to the stack's
 * own copy): test/stacks/prepare.test.ts rules that out for the kit's own code by running the real pass.
 * https://developer.hashicorp.com/terraform/language/expressions/references
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-016",
    title: "Every reference names something the stack declares",
    severity: "critical",
    references: [],
    remediation: `Create the resource in the stack that uses it, or pass a literal (an ARN or id from config) instead of another stack's construct; see ${DOCS.references}`,
  },
  (plan, _ctx, report) => {
    const p = plan.plan as Record<string, unknown>;
    const declared = new Set(plan.all().map((r) => r.address));
    for (const name of keysOf(p.variable)) declared.add(`var.${name}`);
    for (const name of keysOf(p.locals)) declared.add(`local.${name}`);
    for (const name of keysOf(p.module)) declared.add(`module.${name}`);
    const check = (where: string, value: unknown) => {
      for (const s of stringsIn(value)) {
        for (const ref of new Set(referencedAddresses(s))) if (!declared.has(ref)) report(where, `references ${ref}, which this stack does not declare (${show(s)})`);
      }
    };
    for (const r of plan.all()) {
      check(r.address, r.body);
      // depends_on names addresses without ${…}.
      const deps = r.body.depends_on;
      if (Array.isArray(deps)) for (const d of deps) if (typeof d === "string" && !declared.has(d)) report(r.address, `depends_on ${d}, which this stack does not declare`);
    }
    for (const section of ["output", "locals", "provider", "module"] as const) check(section, p[section]);
    return true;
  },
);

function keysOf(section: unknown): string[] {
  const list = Array.isArray(section) ? section : [section];
  return list.flatMap((o) => (isObject(o) ? Object.keys(o) : []));
}
