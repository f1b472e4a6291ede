import { defineRule } from "../rule";
import { sgRules } from "../security-groups";

/** What the provider writes when a group is created without a description. */
const PROVIDER_DEFAULT = "Managed by Terraform";

export const rule = defineRule(
  {
    id: "MCP-NET-004",
    title: "Every security group and security group rule has a description",
    severity: "low",
    references: ["CKV_AWS_23", "AWS-0099", "AWS-0124"],
    remediation: "Give each group and rule a description naming who it admits and why (SecurityGroup.allowFrom(peer, port, description)).",
  },
  (plan, _ctx, report) => {
    const groups = plan.resources("aws_security_group");
    for (const g of groups) {
      const d = g.body.description;
      if (typeof d !== "string" || !d.trim() || d === PROVIDER_DEFAULT) report(g.address, `has no description of its own${d === PROVIDER_DEFAULT ? ` ("${PROVIDER_DEFAULT}" is the provider's default)` : ""}`);
    }
    const rules = sgRules(plan).filter((r) => !r.unknown);
    for (const r of rules) {
      const d = r.description;
      if (typeof d !== "string" || !d.trim()) report(r.resource.address, `${r.where ? `${r.where} ` : `${r.direction} rule `}has no description`);
    }
    return groups.length + rules.length > 0;
  },
);
