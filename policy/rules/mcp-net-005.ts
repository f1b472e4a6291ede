import { defineRule } from "../rule";
import { bool, show, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-NET-005",
    title: "Subnets do not give public IP addresses to what launches in them",
    severity: "high",
    references: ["CKV_AWS_130", "AWS-0164"],
    remediation: "Set map_public_ip_on_launch = false on every subnet (the Network construct's private subnets do).",
  },
  (plan, _ctx, report) => {
    const subnets = plan.resources("aws_subnet");
    for (const s of subnets) {
      const v = s.body.map_public_ip_on_launch;
      if (v === undefined || bool(v) === false) continue;
      report(s.address, bool(v) === true ? "sets map_public_ip_on_launch = true" : unverifiable("map_public_ip_on_launch", v));
    }
    // A default subnet maps public addresses unless told otherwise.
    const defaults = plan.resources("aws_default_subnet");
    for (const s of defaults) if (bool(s.body.map_public_ip_on_launch) !== false) report(s.address, `is a default subnet with map_public_ip_on_launch ${show(s.body.map_public_ip_on_launch)} (AWS default: true)`);
    return subnets.length + defaults.length > 0;
  },
);
