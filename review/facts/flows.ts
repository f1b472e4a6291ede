/**
 * Every flow in and out of the plan's security groups (the separate rule resources the kit writes, and the older
 * inline and aws_security_group_rule forms), each with what a reviewer should look at: open or public ranges, port
 * ranges, tasks reached around the load balancer, and (with the config's intent) ranges the config did not ask for.
 */
import { isPrivate, toCidr } from "../../lib/cidr";
import { factsOf, FACTS_KEY } from "../../lib/resource-meta";
import type { Flag, FlowFact, ReviewContext } from "../facts";
import { byKey } from "../markdown";
import { blocks, literal, num, PlanIndex } from "../plan-index";
import { endpointService, portsText } from "./labels";
import { SecurityGroups } from "./security-groups";

export interface Flows {
  /** Every flow in the order the plan declares them (the tiers name ranges by the last rule that admits them). */
  readonly all: readonly FlowFact[];
  readonly ingress: FlowFact[];
  readonly egress: FlowFact[];
}

type Peer = { peerKind: FlowFact["peerKind"]; peer: string; peerAddress?: string };
type RawFlow = Omit<FlowFact, "flags" | "agentGroup" | "groupLabel" | "ports"> & { readonly agentGroup?: string };

/** What to flag on one flow; `agentGroup` is the group it admits, `ports` its port text. */
function flowFlags(f: RawFlow, agentGroup: string | undefined, ports: string, sg: SecurityGroups, ctx: ReviewContext, agentCidrs: ReadonlyMap<string, string>, mcpPort: number, gatewayPort: number): Flag[] {
  const flags: Flag[] = [];
  const wideCidr = f.peerKind === "cidr" && (f.peer.endsWith("/0") || f.peer === "::/0");
  if (f.direction === "ingress") {
    if (wideCidr) flags.push({ severity: "critical", text: `open to every address (${f.peer})` });
    else if (f.peerKind === "cidr" && !f.peer.includes(":") && toCidr(f.peer) && !isPrivate(toCidr(f.peer)!)) flags.push({ severity: "high", text: "public source range" });
    if (ports === "all" || (f.fromPort !== undefined && f.toPort !== undefined && f.fromPort !== f.toPort)) flags.push({ severity: "high", text: `more than one port (${ports})` });
    const onMcp = f.fromPort !== undefined && f.fromPort <= mcpPort && (f.toPort ?? f.fromPort) >= mcpPort;
    if (onMcp && !sg.isTasks(f.group) && f.peerKind !== "security-group" && !agentGroup) flags.push({ severity: "medium", text: "names no agent group in its description" });
    if (sg.isTasks(f.group) && f.peerKind === "cidr") flags.push({ severity: "high", text: "reaches the tasks directly, bypassing the load balancer" });
    if (ctx.agents && onMcp && f.peerKind === "cidr" && !sg.isTasks(f.group)) {
      const owner = agentCidrs.get(f.peer);
      if (!owner) flags.push({ severity: "high", text: "not an agent range in the config" });
      else if (agentGroup && owner !== agentGroup) flags.push({ severity: "medium", text: `config grants this range to agent group ${owner}, the description says ${agentGroup}` });
    }
    const onGateway = f.fromPort !== undefined && f.fromPort <= gatewayPort && (f.toPort ?? f.fromPort) >= gatewayPort;
    if (ctx.gatewayClientCidrs && onGateway && f.peerKind === "cidr" && !sg.isTasks(f.group) && !ctx.gatewayClientCidrs.includes(f.peer)) flags.push({ severity: "high", text: "not a gateway client range in the config" });
  } else {
    if (wideCidr) flags.push({ severity: "high", text: `to every address (${f.peer})` });
    else if (f.peerKind === "cidr" && !f.peer.includes(":") && toCidr(f.peer) && !isPrivate(toCidr(f.peer)!)) flags.push({ severity: "medium", text: "public destination" });
    if (ports === "all") flags.push({ severity: "medium", text: "all ports and protocols" });
    if (ctx.egressCidrs && f.peerKind === "cidr" && !wideCidr && !ctx.egressCidrs.includes(f.peer)) flags.push({ severity: "medium", text: "destination not in the config (network.ibmi.cidr)" });
  }
  return flags;
}

/** The peers of one rule body: CIDRs, security groups, prefix lists, itself. */
function peersOf(idx: PlanIndex, sg: SecurityGroups, b: Record<string, any>): Peer[] {
  const prefixListLabel = (value: unknown) => {
    const ep = idx.target(value, "aws_vpc_endpoint");
    if (ep) return `${endpointService(ep.body.service_name, ep.address).toUpperCase()} prefix list (${ep.address})`;
    return literal(value) ?? String(value);
  };
  const out: Peer[] = [];
  for (const c of [b.cidr_ipv4, b.cidr_ipv6].filter((x) => x !== undefined)) out.push({ peerKind: "cidr", peer: literal(c) ?? String(c) });
  for (const c of [...(b.cidr_blocks ?? []), ...(b.ipv6_cidr_blocks ?? [])]) out.push({ peerKind: "cidr", peer: literal(c) ?? String(c) });
  for (const s of [b.referenced_security_group_id, b.source_security_group_id, ...(b.security_groups ?? [])].filter((x) => x !== undefined)) {
    const g = idx.target(s, "aws_security_group");
    out.push(g ? { peerKind: "security-group", peer: sg.label(g.address), peerAddress: g.address } : { peerKind: "security-group", peer: literal(s) ?? String(s) });
  }
  for (const p of [b.prefix_list_id, ...(b.prefix_list_ids ?? [])].filter((x) => x !== undefined)) out.push({ peerKind: "prefix-list", peer: prefixListLabel(p) });
  if (b.self === true) out.push({ peerKind: "security-group", peer: "itself" });
  return out.length ? out : [{ peerKind: "unknown", peer: "?" }];
}

export function flowFacts(idx: PlanIndex, sg: SecurityGroups, ctx: ReviewContext, mcpPort: number, gatewayPort: number): Flows {
  const agentCidrs = new Map<string, string>();
  for (const a of ctx.agents ?? []) for (const c of a.cidrs) agentCidrs.set(c, a.name);
  const flows: FlowFact[] = [];
  // A plan the kit wrote carries facts: then descriptions are prose for people and never read for a finding.
  const structured = idx.view.all().some((r) => FACTS_KEY in (r.body["//"] ?? {}));
  const addFlow = (f: RawFlow) => {
    const agentGroup = structured ? f.agentGroup : /agent group ([A-Za-z0-9_.-]+)/.exec(f.description ?? "")?.[1];
    const ports = portsText(f.protocol, f.fromPort, f.toPort);
    const flags = flowFlags(f, agentGroup, ports, sg, ctx, agentCidrs, mcpPort, gatewayPort);
    flows.push({ ...f, groupLabel: sg.label(f.group), ports, agentGroup, flags });
  };
  const ruleFlows = (type: string, direction: "ingress" | "egress" | undefined) => {
    for (const r of idx.all(type)) {
      const b = r.body;
      const dir = direction ?? (b.type === "egress" ? "egress" : "ingress");
      const g = idx.target(b.security_group_id, "aws_security_group");
      for (const p of peersOf(idx, sg, b)) {
        addFlow({
          address: r.address,
          direction: dir,
          group: g?.address ?? String(b.security_group_id),
          protocol: String(b.ip_protocol ?? b.protocol ?? "tcp"),
          fromPort: num(b.from_port),
          toPort: num(b.to_port),
          description: literal(b.description),
          agentGroup: factsOf(b).agentGroup,
          ...p,
        });
      }
    }
  };
  ruleFlows("aws_vpc_security_group_ingress_rule", "ingress");
  ruleFlows("aws_vpc_security_group_egress_rule", "egress");
  ruleFlows("aws_security_group_rule", undefined);
  for (const g of idx.all("aws_security_group")) {
    for (const dir of ["ingress", "egress"] as const) {
      for (const b of blocks(g.body[dir])) {
        for (const p of peersOf(idx, sg, b))
          addFlow({ address: `${g.address} (inline ${dir})`, direction: dir, group: g.address, protocol: String(b.protocol ?? "tcp"), fromPort: num(b.from_port), toPort: num(b.to_port), description: literal(b.description), ...p });
      }
    }
  }
  const flowOrder = byKey<FlowFact>((f) => `${f.groupLabel}\u0000${String(f.fromPort ?? 0).padStart(5, "0")}\u0000${f.peer}\u0000${f.address}`);
  return { all: flows, ingress: flows.filter((f) => f.direction === "ingress").sort(flowOrder), egress: flows.filter((f) => f.direction === "egress").sort(flowOrder) };
}
