import { defineRule } from "../rule";
import { isInterpolated, PlanResource, show, unverifiable } from "../plan";
import { owningGroup, sgRules } from "../security-groups";
import { caches, dataOwners, securityGroupAttr } from "../databases";

/**
 * A database or cache is reached only by the tasks that use it: the security groups attached to it admit other
 * security groups (the gateway's), never address ranges or prefix lists, so a host that lands in a subnet or a
 * routed network reaches nothing. Aurora members are reached through their cluster's groups.
 */
export const rule = defineRule(
  {
    id: "MCP-DB-007",
    title: "Database and cache security groups admit only other security groups (the gateway's), no address ranges",
    severity: "high",
    references: ["cdk-nag RDS8"],
    remediation: "Attach a security group of the plan to the database or cache (vpc_security_group_ids / security_group_ids) and admit only the gateway tasks' group on its port (SecurityGroup.allowFrom(gatewayGroup, port, description)).",
  },
  (plan, _ctx, report) => {
    const targets: PlanResource[] = [...dataOwners(plan), ...caches(plan)];
    const rules = sgRules(plan).filter((r) => r.direction === "ingress");
    for (const t of targets) {
      const attr = securityGroupAttr(t);
      const v = t.body[attr];
      const list: unknown[] = v === undefined ? [] : Array.isArray(v) ? v : [v];
      if (isInterpolated(v) && !Array.isArray(v)) {
        report(t.address, unverifiable(attr, v));
        continue;
      }
      if (list.length === 0) report(t.address, `sets no ${attr}: it would get the VPC's default security group`);
      for (const id of list) {
        const g = plan.target(id, "aws_security_group");
        if (!g) {
          report(t.address, `${attr} holds ${show(id)}, a security group outside the plan whose rules cannot be verified`);
          continue;
        }
        for (const r of rules) {
          if (owningGroup(plan, r) !== g) continue;
          const where = `${r.resource.address}${r.where ? ` ${r.where}` : ""}`;
          if (r.unknown) report(t.address, `${g.address}: ${where} is ${show(r.unknown)}, which is only known at apply time and cannot be verified`);
          for (const c of r.cidrs) report(t.address, `${g.address} admits the address range ${show(c)} (${where}); admit the gateway's security group instead`);
          for (const src of r.groups) if (!plan.target(src, "aws_security_group")) report(t.address, `${g.address} admits ${show(src)} (${where}), a security group outside the plan: who is in it cannot be verified`);
          for (const p of r.prefixLists) report(t.address, `${g.address} admits the prefix list ${show(p)} (${where}); admit the gateway's security group instead`);
        }
      }
    }
    return targets.length > 0;
  },
);
