/**
 * Security group rules in every form the AWS provider accepts, flattened to one shape: inline `ingress`/`egress`
 * blocks of `aws_security_group` and `aws_default_security_group`, `aws_security_group_rule`, and
 * `aws_vpc_security_group_ingress_rule`/`_egress_rule`.
 * https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/vpc_security_group_ingress_rule
 */
import { blocks, isInterpolated, num, PlanResource, PlanView } from "./terraform";

export interface SgRule {
  /** The resource that declares the rule. */
  readonly resource: PlanResource;
  /** Where in the resource, for messages: "" for a rule resource, `ingress[1]` for an inline block. */
  readonly where: string;
  readonly direction: "ingress" | "egress";
  /** The group the rule belongs to: the declaring group itself for inline rules, else its `security_group_id` value. */
  readonly group: PlanResource | unknown;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** Source (ingress) or destination (egress) CIDR values, IPv4 and IPv6. */
  readonly cidrs: readonly unknown[];
  /** Referenced security groups (ids or references). */
  readonly groups: readonly unknown[];
  readonly prefixLists: readonly unknown[];
  readonly self: boolean;
  readonly description: unknown;
  /** Set when the rule list itself is an expression (e.g. `${var.ingress}`): nothing else can be read. */
  readonly unknown?: string;
}

/** Names a rule in messages: `aws_x.y ingress[0]` or just the address. */
export function ruleLabel(r: SgRule): string {
  return r.where ? `${r.where}` : r.direction;
}

const cache = new WeakMap<PlanView, SgRule[]>();

export function sgRules(plan: PlanView): SgRule[] {
  let cached = cache.get(plan);
  if (!cached) {
    cached = readRules(plan);
    cache.set(plan, cached);
  }
  return cached;
}

function readRules(plan: PlanView): SgRule[] {
  // Source ranges written as references to a literal (e.g. the VPC's cidr_block) are judged by that literal.
  const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).map((x) => plan.resolve(x));
  const out: SgRule[] = [];
  for (const r of plan.resources("aws_security_group", "aws_default_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      const v = r.body[direction];
      if (isInterpolated(v)) {
        out.push({ resource: r, where: direction, direction, group: r, protocol: undefined, fromPort: undefined, toPort: undefined, cidrs: [], groups: [], prefixLists: [], self: false, description: undefined, unknown: v });
        continue;
      }
      blocks(v).forEach((b, i) =>
        out.push({
          resource: r,
          where: `${direction}[${i}]`,
          direction,
          group: r,
          protocol: b.protocol,
          fromPort: b.from_port,
          toPort: b.to_port,
          cidrs: [...list(b.cidr_blocks), ...list(b.ipv6_cidr_blocks)],
          groups: list(b.security_groups),
          prefixLists: list(b.prefix_list_ids),
          self: b.self === true || b.self === "true",
          description: b.description,
        }),
      );
    }
  }
  for (const r of plan.resources("aws_security_group_rule")) {
    const b = r.body;
    out.push({
      resource: r,
      where: "",
      direction: b.type === "egress" ? "egress" : "ingress",
      group: b.security_group_id,
      protocol: b.protocol,
      fromPort: b.from_port,
      toPort: b.to_port,
      cidrs: [...list(b.cidr_blocks), ...list(b.ipv6_cidr_blocks)],
      groups: list(b.source_security_group_id),
      prefixLists: list(b.prefix_list_ids),
      self: b.self === true || b.self === "true",
      description: b.description,
    });
  }
  for (const [type, direction] of [
    ["aws_vpc_security_group_ingress_rule", "ingress"],
    ["aws_vpc_security_group_egress_rule", "egress"],
  ] as const) {
    for (const r of plan.resources(type)) {
      const b = r.body;
      out.push({
        resource: r,
        where: "",
        direction,
        group: b.security_group_id,
        protocol: b.ip_protocol,
        fromPort: b.from_port,
        toPort: b.to_port,
        cidrs: [...list(b.cidr_ipv4), ...list(b.cidr_ipv6)],
        groups: list(b.referenced_security_group_id),
        prefixLists: list(b.prefix_list_id),
        self: false,
        description: b.description,
      });
    }
  }
  return out;
}

/** "-1", -1 and "all" mean every protocol and every port. */
export function allTraffic(r: SgRule): boolean {
  return r.protocol === "-1" || r.protocol === -1 || r.protocol === "all";
}

/**
 * Whether traffic to `port` over TCP can match the rule: true, false, or "unknown" when protocol or ports are
 * expressions.
 */
export function coversPort(r: SgRule, port: number): boolean | "unknown" {
  if (r.unknown) return "unknown";
  if (allTraffic(r)) return true;
  if (isInterpolated(r.protocol)) return "unknown";
  const p = String(r.protocol).toLowerCase();
  if (p !== "tcp" && p !== "6") return false;
  const from = num(r.fromPort);
  const to = num(r.toPort);
  if (from === undefined || to === undefined) return "unknown";
  return from <= port && port <= to;
}

/** The security group a rule belongs to, when it can be followed within the plan. */
export function owningGroup(plan: PlanView, r: SgRule): PlanResource | undefined {
  if (r.group && typeof r.group === "object" && "address" in (r.group as object)) return r.group as PlanResource;
  return plan.target(r.group, "aws_security_group", "aws_default_security_group");
}
