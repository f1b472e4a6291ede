import { defineRule } from "../rule";
import { isInterpolated, show, unverifiable } from "../plan";
import { sgRules } from "../security-groups";

/** `0.0.0.0/0`, `::/0`, or any other spelling of a zero-length prefix. */
export function isWorld(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}

export const rule = defineRule(
  {
    id: "MCP-NET-001",
    title: "No security group admits traffic from 0.0.0.0/0 or ::/0",
    severity: "critical",
    references: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AWS-0107", "cdk-nag EC23"],
    remediation: "Admit only the agent or operator ranges (or security groups) that need the port; never a /0 range.",
  },
  (plan, _ctx, report) => {
    const rules = sgRules(plan).filter((r) => r.direction === "ingress");
    for (const r of rules) {
      const at = r.where ? `${r.where} ` : "";
      if (r.unknown) {
        report(r.resource.address, unverifiable(`${at}rule list`, r.unknown));
        continue;
      }
      for (const c of r.cidrs) {
        if (isInterpolated(c)) report(r.resource.address, unverifiable(`${at}source range`, c));
        else if (typeof c === "string" && isWorld(c)) report(r.resource.address, `${at}admits ${show(c)}, i.e. every address`);
      }
    }
    return rules.length > 0;
  },
);
