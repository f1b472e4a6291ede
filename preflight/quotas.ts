/**
 * Service quotas the plan would exceed. Quota codes from the Service Quotas console
 * (https://docs.aws.amazon.com/servicequotas/latest/userguide/gs-request-quota.html):
 * vpc L-F678F1CE VPCs per Region (5), vpc L-29B6F2EB interface VPC endpoints per VPC (50),
 * fargate L-3032A538 Fargate On-Demand vCPU resource count, elasticloadbalancing L-7EED9B64 rules per ALB (100)
 * and L-B6DF7632 listeners per ALB (50), vpc L-0EA8095F inbound or outbound rules per security group (60) and
 * L-2AFB9258 security groups per network interface (5; the load balancer's nodes carry all of its groups;
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups). Lambda
 * concurrency is read from the account itself (concurrency.ts). Counts come from the synthesized plan; without one
 * only the VPC quota is checked (every stack creates exactly one VPC).
 */
import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { couldNotCheck, isError } from "./aws";
import { stackVpcIds } from "./network";
import { planResources, refName } from "./plan";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";
import type { TerraformJson } from "../policy/types";

const GROUP = "quotas";

export const QUOTAS = {
  vpcs: { service: "vpc", code: "L-F678F1CE", name: "VPCs per Region" },
  interfaceEndpoints: { service: "vpc", code: "L-29B6F2EB", name: "Interface VPC endpoints per VPC" },
  fargateVcpu: { service: "fargate", code: "L-3032A538", name: "Fargate On-Demand vCPU resource count" },
  albRules: { service: "elasticloadbalancing", code: "L-7EED9B64", name: "Rules per Application Load Balancer" },
  albListeners: { service: "elasticloadbalancing", code: "L-B6DF7632", name: "Listeners per Application Load Balancer" },
  securityGroupRules: { service: "vpc", code: "L-0EA8095F", name: "Inbound or outbound rules per security group" },
  securityGroupsPerInterface: { service: "vpc", code: "L-2AFB9258", name: "Security groups per network interface" },
} as const;
type Quota = (typeof QUOTAS)[keyof typeof QUOTAS];

/** What the plan asks for, per quota. Pure, so it is tested on fixture plans. */
export interface PlannedUsage {
  readonly vpcs: number;
  /** Interface endpoints of the VPC that has the most. */
  readonly interfaceEndpointsPerVpc: number;
  /** Σ desired_count × task cpu / 1024 over the ECS services (Fargate counts reserved vCPU). */
  readonly fargateVcpu: number;
  /** Listener rules (not counting default actions) of the load balancer that has the most, with its address. */
  readonly albRules: { readonly lb?: string; readonly count: number };
  readonly albListeners: { readonly lb?: string; readonly count: number };
  /** Rules in one direction of the security group that has the most (the quota counts inbound and outbound apart). */
  readonly securityGroupRules: { readonly group?: string; readonly direction?: "inbound" | "outbound"; readonly count: number };
  /** Security groups on one network interface: the load balancer's, a service's tasks', a function's. */
  readonly securityGroupsPerInterface: { readonly resource?: string; readonly count: number };
}

export function plannedUsage(plan: TerraformJson): PlannedUsage {
  const count = (type: string) => planResources(plan, type).length;
  const endpointsPerVpc = new Map<string, number>();
  for (const [, ep] of planResources(plan, "aws_vpc_endpoint")) {
    if (ep.vpc_endpoint_type !== "Interface") continue;
    const vpc = String(ep.vpc_id);
    endpointsPerVpc.set(vpc, (endpointsPerVpc.get(vpc) ?? 0) + 1);
  }
  const taskDefs = Object.fromEntries(planResources(plan, "aws_ecs_task_definition"));
  let vcpu = 0;
  for (const [, svc] of planResources(plan, "aws_ecs_service")) {
    const td = taskDefs[refName(svc.task_definition, "aws_ecs_task_definition") ?? ""];
    const cpu = Number(td?.cpu ?? 0);
    vcpu += (Number(svc.desired_count ?? 1) * cpu) / 1024;
  }
  const listenerLb = Object.fromEntries(planResources(plan, "aws_lb_listener").map(([name, l]) => [name, refName(l.load_balancer_arn, "aws_lb")]));
  const rulesPerLb = new Map<string, number>();
  for (const [, rule] of planResources(plan, "aws_lb_listener_rule")) {
    const lb = listenerLb[refName(rule.listener_arn, "aws_lb_listener") ?? ""];
    if (lb) rulesPerLb.set(lb, (rulesPerLb.get(lb) ?? 0) + 1);
  }
  const listenersPerLb = new Map<string, number>();
  for (const lb of Object.values(listenerLb)) if (lb) listenersPerLb.set(lb, (listenersPerLb.get(lb) ?? 0) + 1);
  const most = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([lb, n]) => ({ lb: `aws_lb.${lb}`, count: n }))[0] ?? { count: 0 };
  return {
    vpcs: count("aws_vpc"),
    interfaceEndpointsPerVpc: Math.max(0, ...endpointsPerVpc.values()),
    fargateVcpu: vcpu,
    albRules: most(rulesPerLb),
    albListeners: most(listenersPerLb),
    securityGroupRules: mostRules(plan),
    securityGroupsPerInterface: mostGroups(plan),
  };
}

function mostGroups(plan: TerraformJson): PlannedUsage["securityGroupsPerInterface"] {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const block = (v: unknown): Record<string, any> => (Array.isArray(v) ? v[0] : v) ?? {};
  const all = [
    ...planResources(plan, "aws_lb").map(([n, b]) => [`aws_lb.${n}`, list(b.security_groups).length] as const),
    ...planResources(plan, "aws_ecs_service").map(([n, b]) => [`aws_ecs_service.${n}`, list(block(b.network_configuration).security_groups).length] as const),
    ...planResources(plan, "aws_lambda_function").map(([n, b]) => [`aws_lambda_function.${n}`, list(block(b.vpc_config).security_group_ids).length] as const),
  ].sort((a, b) => b[1] - a[1]);
  return all.length && all[0][1] > 0 ? { resource: all[0][0], count: all[0][1] } : { count: 0 };
}

/** The security group with the most rules in one direction: separate rule resources and inline blocks alike. */
function mostRules(plan: TerraformJson): PlannedUsage["securityGroupRules"] {
  const counts = new Map<string, number>();
  const add = (group: string | undefined, direction: "inbound" | "outbound", n = 1) => {
    if (group) counts.set(`${group} ${direction}`, (counts.get(`${group} ${direction}`) ?? 0) + n);
  };
  for (const [, r] of planResources(plan, "aws_vpc_security_group_ingress_rule")) add(refName(r.security_group_id, "aws_security_group"), "inbound");
  for (const [, r] of planResources(plan, "aws_vpc_security_group_egress_rule")) add(refName(r.security_group_id, "aws_security_group"), "outbound");
  // A legacy rule with several CIDR blocks is one AWS rule per block.
  for (const [, r] of planResources(plan, "aws_security_group_rule")) add(refName(r.security_group_id, "aws_security_group"), r.type === "egress" ? "outbound" : "inbound", Math.max(1, (r.cidr_blocks ?? []).length));
  for (const [name, g] of planResources(plan, "aws_security_group")) {
    for (const [block, direction] of [
      ["ingress", "inbound"],
      ["egress", "outbound"],
    ] as const) {
      for (const rule of [g[block] ?? []].flat()) add(name, direction, Math.max(1, (rule?.cidr_blocks ?? []).length));
    }
  }
  const [key, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!key) return { count: 0 };
  const [group, direction] = key.split(" ") as [string, "inbound" | "outbound"];
  return { group: `aws_security_group.${group}`, direction, count: count! };
}

async function quotaValue(ctx: PreflightContext, q: Quota): Promise<number | undefined> {
  try {
    const res = await ctx.clients.quotas.send(new GetServiceQuotaCommand({ ServiceCode: q.service, QuotaCode: q.code }));
    if (res?.Quota?.Value !== undefined) return res.Quota.Value;
  } catch (e) {
    if (!isError(e, "NoSuchResourceException")) throw e;
  }
  // Accounts that never changed a quota may have no applied value: the AWS default applies.
  const def = await ctx.clients.quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: q.service, QuotaCode: q.code }));
  return def?.Quota?.Value;
}

function compare(q: Quota, needed: number, limit: number | undefined, what: string, otherwise = "or shrink the plan"): CheckResult {
  const check = q.name;
  if (limit === undefined) return skip(GROUP, check, `Service Quotas returned no value for ${q.service}/${q.code}`);
  if (needed > limit) {
    return fail(GROUP, check, `${what} needs ${needed}, the quota is ${limit}`, `request an increase of ${q.service} ${q.code} (${q.name}) in the Service Quotas console, ${otherwise}`);
  }
  return pass(GROUP, check, `${what} needs ${needed} of ${limit}`);
}

export async function checkQuotas(ctx: PreflightContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const q = QUOTAS;
  const guarded = async (quota: Quota, iamAction: string, fn: () => Promise<CheckResult>) => {
    try {
      out.push(await fn());
    } catch (e) {
      out.push(couldNotCheck(GROUP, quota.name, e, iamAction));
    }
  };
  const planned = ctx.plan ? plannedUsage(ctx.plan) : undefined;

  await guarded(q.vpcs, "ec2:DescribeVpcs, servicequotas:GetServiceQuota", async () => {
    const existing = await countVpcs(ctx);
    const ours = (await stackVpcIds(ctx)).length;
    const adds = Math.max(0, (planned?.vpcs ?? 1) - ours);
    return compare(q.vpcs, existing + adds, await quotaValue(ctx, q.vpcs), `${existing} existing VPC(s) + ${adds} new`);
  });
  if (!planned) {
    out.push(skip(GROUP, "plan-based quotas", "no synthesized plan: endpoint, Fargate and load balancer quotas not checked", "run npm run synth, then the preflight again"));
    return out;
  }
  await guarded(q.interfaceEndpoints, "servicequotas:GetServiceQuota", async () => compare(q.interfaceEndpoints, planned.interfaceEndpointsPerVpc, await quotaValue(ctx, q.interfaceEndpoints), "the stack's VPC"));
  if (planned.fargateVcpu > 0) {
    // Only what this plan runs: tasks elsewhere in the account and region count against the same quota.
    await guarded(q.fargateVcpu, "servicequotas:GetServiceQuota", async () => compare(q.fargateVcpu, planned.fargateVcpu, await quotaValue(ctx, q.fargateVcpu), "the plan's services (without other workloads of the account)"));
  }
  if (planned.albListeners.count > 0) {
    await guarded(q.albListeners, "servicequotas:GetServiceQuota", async () => compare(q.albListeners, planned.albListeners.count, await quotaValue(ctx, q.albListeners), planned.albListeners.lb ?? "the load balancer"));
  }
  if (planned.albRules.count > 0) {
    await guarded(q.albRules, "servicequotas:GetServiceQuota", async () => compare(q.albRules, planned.albRules.count, await quotaValue(ctx, q.albRules), `${planned.albRules.lb}'s listener rules`));
  }
  if (planned.securityGroupsPerInterface.count > 0) {
    const g = planned.securityGroupsPerInterface;
    await guarded(q.securityGroupsPerInterface, "servicequotas:GetServiceQuota", async () =>
      compare(q.securityGroupsPerInterface, g.count, await quotaValue(ctx, q.securityGroupsPerInterface), g.resource ?? "a network interface", "or merge agent ranges so fewer groups hold them"),
    );
  }
  if (planned.securityGroupRules.count > 0) {
    const sg = planned.securityGroupRules;
    await guarded(q.securityGroupRules, "servicequotas:GetServiceQuota", async () =>
      compare(q.securityGroupRules, sg.count, await quotaValue(ctx, q.securityGroupRules), `${sg.group}'s ${sg.direction} rules`, "or spread the rules over more security groups (the kit spreads agent ranges by itself: MCP-DEPLOY-019)"),
    );
  }
  return out;
}

async function countVpcs(ctx: PreflightContext): Promise<number> {
  let n = 0;
  let NextToken: string | undefined;
  do {
    const res = await ctx.clients.ec2.send(new DescribeVpcsCommand({ NextToken }));
    n += res?.Vpcs?.length ?? 0;
    NextToken = res?.NextToken;
  } while (NextToken);
  return n;
}
