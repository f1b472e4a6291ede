import { contains, toCidr } from "../../lib/cidr";
import { defineRule } from "../rule";
import { isInterpolated, PlanResource, PlanView, show, unverifiable } from "../plan";
import { LB_TYPES } from "../load-balancers";
import { coversPort, owningGroup, SgRule, sgRules } from "../security-groups";
import { PolicyContext } from "../types";

function isLoadBalancerGroup(plan: PlanView, group: PlanResource): boolean {
  return plan.resources(...LB_TYPES).some((lb) => (Array.isArray(lb.body.security_groups) ? lb.body.security_groups : []).some((g: unknown) => plan.refersTo(g, group)));
}

/**
 * A group of the plan may reach the MCP port when it is a load balancer's group; when what it admits on the port
 * comes only from agent sources (the load balancer's group before the load balancer is declared); or when it
 * admits nothing on the port and everything it admits comes from such groups (a workload reached only through the
 * load balancer, e.g. the gateway that federates the MCP server).
 */
function acceptableGroup(plan: PlanView, ctx: PolicyContext, group: PlanResource, port: number, seen: Set<string>): boolean {
  if (isLoadBalancerGroup(plan, group)) return true;
  if (seen.has(group.address)) return false;
  const inner = new Set([...seen, group.address]);
  const ingress = sgRules(plan).filter((u) => u.direction === "ingress" && owningGroup(plan, u)?.address === group.address);
  const onPort = ingress.filter((u) => coversPort(u, port) !== false);
  if (onPort.length) return onPort.every((u) => coversPort(u, port) === true && judgeRule(plan, ctx, u, port, inner).length === 0);
  return (
    ingress.length > 0 &&
    ingress.every(
      (u) =>
        !u.unknown &&
        u.cidrs.length === 0 &&
        u.prefixLists.length === 0 &&
        !u.self &&
        u.groups.every((g) => {
          const t = plan.target(g, "aws_security_group");
          return !!t && acceptableGroup(plan, ctx, t, port, inner);
        }),
    )
  );
}

/**
 * Why a source on the MCP port is not an agent source, or undefined when it is. A referenced group of the plan
 * is accepted when it is a load balancer's group, or when everything it admits on the port is itself an agent
 * source (the group in front of the tasks before the load balancer is declared).
 */
function judgeRule(plan: PlanView, ctx: PolicyContext, r: SgRule, port: number, seen: Set<string>): string[] {
  const problems: string[] = [];
  const at = r.where ? `${r.where} ` : "";
  const agents = ctx.agentCidrs;
  for (const c of r.cidrs) {
    if (isInterpolated(c)) problems.push(unverifiable(`${at}source range on port ${port}`, c));
    else if (!agents) problems.push(`${at}admits ${show(c)} on port ${port}, and no agent ranges are known to verify it against`);
    else {
      const cidr = typeof c === "string" ? toCidr(c) : undefined;
      if (
        !cidr ||
        !agents.some((a) => {
          const ac = toCidr(a);
          return !!ac && contains(ac, cidr);
        })
      )
        problems.push(`${at}admits ${show(c)} on port ${port}, which is not an agent range (agents: ${agents.join(", ") || "none"})`);
    }
  }
  const groupSources = [...r.groups, ...(r.self ? [owningGroup(plan, r) ?? r.group] : [])];
  for (const g of groupSources) {
    const target = g && typeof g === "object" && "address" in (g as object) ? (g as PlanResource) : plan.target(g, "aws_security_group");
    if (target) {
      if (!acceptableGroup(plan, ctx, target, port, seen)) problems.push(`${at}admits security group ${target.address} on port ${port}, which is neither a load balancer's group nor reached only from agent ranges or the load balancer`);
    } else if (typeof g === "string" && !isInterpolated(g)) {
      if (!(ctx.agentSecurityGroupIds ?? []).includes(g)) problems.push(`${at}admits security group ${g} on port ${port}, which is not an agent security group`);
    } else problems.push(unverifiable(`${at}source security group on port ${port}`, g));
  }
  for (const p of r.prefixLists) problems.push(`${at}admits prefix list ${show(p)} on port ${port}, whose ranges cannot be verified as agent ranges`);
  return problems;
}

export const rule = defineRule(
  {
    id: "MCP-NET-002",
    title: "The MCP port (3010) is reachable only from agent ranges or the load balancer",
    severity: "critical",
    references: ["CKV_AWS_277", "AWS-0107"],
    remediation: "Admit the MCP port only from the agent groups' ranges in config (agents[].cidrs / securityGroupIds), and on the tasks only from the load balancer's group.",
  },
  (plan, ctx, report) => {
    const port = ctx.mcpPort ?? 3010;
    const rules = sgRules(plan).filter((r) => r.direction === "ingress");
    let applicable = false;
    for (const r of rules) {
      const covers = coversPort(r, port);
      if (covers === false) continue;
      applicable = true;
      if (covers === "unknown") {
        report(r.resource.address, unverifiable(`${r.where ? `${r.where} ` : ""}protocol/port range`, r.unknown ?? `${show(r.protocol)} ${show(r.fromPort)}-${show(r.toPort)}`));
        continue;
      }
      for (const p of judgeRule(plan, ctx, r, port, new Set(owningGroup(plan, r) ? [owningGroup(plan, r)!.address] : []))) report(r.resource.address, p);
    }
    return applicable;
  },
);
