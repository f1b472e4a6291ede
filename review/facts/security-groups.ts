/** Security groups and what each is attached to: load balancers, ECS services, endpoints, functions, anything else. */
import type { GroupFact } from "../facts";
import { blocks, literal, PlanIndex, refsIn } from "../plan-index";
import { endpointService, labelOf } from "./labels";

export interface SecurityGroups {
  readonly groups: readonly GroupFact[];
  /** A group's label, by address (the address when the plan declares no such group). */
  readonly label: (address: string) => string;
  /** Whether an ECS service runs its tasks in the group. */
  readonly isTasks: (address: string) => boolean;
}

// Types named by what they are; any other type's group references are named by the type.
const NAMED = new Set(["aws_lb", "aws_alb", "aws_ecs_service", "aws_vpc_endpoint", "aws_lambda_function"]);

function attachments(idx: PlanIndex): Map<string, string[]> {
  const attach = new Map<string, string[]>();
  const addAttach = (groupRefs: unknown, what: string) => {
    for (const r of refsIn(groupRefs)) if (r.type === "aws_security_group") attach.set(r.address, [...(attach.get(r.address) ?? []), what]);
  };
  for (const lb of idx.all("aws_lb")) addAttach(lb.body.security_groups, `load balancer ${labelOf(lb, lb.address)}`);
  for (const svc of idx.all("aws_ecs_service")) for (const nc of blocks(svc.body.network_configuration)) addAttach(nc.security_groups, `ECS service ${labelOf(svc, svc.address)}`);
  for (const ep of idx.all("aws_vpc_endpoint")) addAttach(ep.body.security_group_ids, `VPC endpoint ${endpointService(ep.body.service_name, ep.address)}`);
  for (const fn of idx.all("aws_lambda_function")) for (const vc of blocks(fn.body.vpc_config)) addAttach(vc.security_group_ids, `Lambda ${labelOf(fn, fn.address)}`);
  // Anything else that places network interfaces in a group (EFS mount targets, databases, caches…), named by its type.
  const seenGroups = new Map<string, Set<string>>();
  for (const type of idx.types().filter((t) => !NAMED.has(t))) {
    for (const r of idx.all(type)) {
      const refs = [r.body.security_groups, r.body.vpc_security_group_ids, r.body.security_group_ids].filter((x) => x !== undefined);
      for (const ref of refsIn(refs)) {
        if (ref.type !== "aws_security_group") continue;
        const what = type
          .replace(/^aws_/, "")
          .replace(/_/g, " ")
          .replace(/\b(efs|db|rds|ec2|msk|mq)\b/g, (m) => m.toUpperCase());
        if (!seenGroups.has(ref.address)) seenGroups.set(ref.address, new Set());
        seenGroups.get(ref.address)!.add(what);
      }
    }
  }
  for (const [group, whats] of seenGroups) for (const what of [...whats].sort()) attach.set(group, [...(attach.get(group) ?? []), what]);
  return attach;
}

export function securityGroupFacts(idx: PlanIndex): SecurityGroups {
  const attach = attachments(idx);
  const groups: GroupFact[] = idx.all("aws_security_group").map((g) => {
    const raw = attach.get(g.address) ?? [];
    const endpoints = raw.filter((a) => a.startsWith("VPC endpoint "));
    const others = raw.filter((a) => !a.startsWith("VPC endpoint ")).sort();
    const attachedTo = endpoints.length > 2 ? [...others, `${endpoints.length} VPC endpoints`] : [...others, ...endpoints.sort()];
    return { address: g.address, label: labelOf(g, g.address), description: literal(g.body.description), attachedTo };
  });
  return {
    groups,
    label: (address) => groups.find((g) => g.address === address)?.label ?? address,
    isTasks: (address) => (attach.get(address) ?? []).some((a) => a.startsWith("ECS service ")),
  };
}
