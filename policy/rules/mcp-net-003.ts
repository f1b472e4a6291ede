import { defineRule } from "../rule";
import { blocks, isInterpolated, parseReference, unverifiable } from "../plan";
import { sgRules } from "../security-groups";

export const rule = defineRule(
  {
    id: "MCP-NET-003",
    title: "Every VPC's default security group is managed and has no rules",
    severity: "high",
    references: ["CKV2_AWS_12", "AWS-0173"],
    remediation: "Declare aws_default_security_group for the VPC with ingress = [] and egress = [], and attach no rules to it.",
  },
  (plan, _ctx, report) => {
    const vpcs = plan.resources("aws_vpc");
    const defaults = plan.resources("aws_default_security_group");
    for (const vpc of vpcs) {
      // Until Terraform adopts the default group, AWS keeps its allow-all-from-itself and allow-all-out rules.
      if (!defaults.some((d) => plan.refersTo(d.body.vpc_id, vpc, ["id"]))) report(vpc.address, "has no aws_default_security_group, so AWS's default rules (all traffic within the group, all egress) stay in place");
    }
    for (const d of defaults) {
      for (const dir of ["ingress", "egress"] as const) {
        const v = d.body[dir];
        if (isInterpolated(v)) report(d.address, unverifiable(dir, v));
        else if (blocks(v).length > 0) report(d.address, `declares ${blocks(v).length} ${dir} rule(s); the default group must have none`);
      }
    }
    for (const r of sgRules(plan)) {
      if (r.resource.type === "aws_default_security_group") continue;
      const ref = parseReference(r.group);
      const onDefault = ref && (ref.type === "aws_default_security_group" || (ref.type === "aws_vpc" && ref.attr === "default_security_group_id"));
      if (onDefault) report(r.resource.address, `adds an ${r.direction} rule to the default security group ${ref!.address}`);
    }
    return vpcs.length + defaults.length > 0;
  },
);
