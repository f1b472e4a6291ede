/**
 * What the stack's network joins but does not create: the agents' security groups, the transit or VPN gateway,
 * and a route through it to the IBM i network and the agents. Routing is checked where it can be read without
 * writing anything: a transit gateway's default association route table, or the VPN connections' static routes.
 */
import { DescribeSecurityGroupsCommand, DescribeTransitGatewaysCommand, DescribeVpcsCommand, DescribeVpnConnectionsCommand, DescribeVpnGatewaysCommand, SearchTransitGatewayRoutesCommand } from "@aws-sdk/client-ec2";
import type { TransitGateway, VpnGateway } from "@aws-sdk/client-ec2";
import { contains, toCidr } from "../lib/cidr";
import { PROJECT_TAG } from "./tags";
import { couldNotCheck, isError } from "./aws";
import { CheckResult, fail, pass, PreflightContext } from "./types";

const GROUP = "network";

export async function checkNetwork(ctx: PreflightContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  out.push(...(await checkAgentGroups(ctx)));
  const net = ctx.config.network;
  if (net.transitGatewayId) out.push(...(await checkTransitGateway(ctx, net.transitGatewayId)));
  else if (net.vpnGatewayId) out.push(...(await checkVpnGateway(ctx, net.vpnGatewayId)));
  else
    out.push(
      fail(
        GROUP,
        "gateway",
        "config names neither network.transitGatewayId nor network.vpnGatewayId, so nothing routes to the IBM i network or the agents",
        "set the transit gateway (or VPN gateway) that reaches the IBM i network in network.transitGatewayId (or vpnGatewayId)",
      ),
    );
  return out;
}

/** Remote networks the stack routes to: the IBM i network first, then agents and operators. */
function remoteCidrs(ctx: PreflightContext): { cidr: string; what: string }[] {
  const c = ctx.config;
  const list = [{ cidr: c.network.ibmi.cidr, what: "IBM i network" }, ...c.agents.flatMap((a) => a.cidrs.map((cidr) => ({ cidr, what: `agent group ${a.name}` }))), ...c.gateway.clientCidrs.map((cidr) => ({ cidr, what: "gateway operators" }))];
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(x.cidr) && seen.add(x.cidr));
}

async function checkAgentGroups(ctx: PreflightContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const agent of ctx.config.agents) {
    for (const id of agent.securityGroupIds) {
      const check = `agent group ${agent.name} ${id}`;
      try {
        const res = await ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
        const sg = res?.SecurityGroups?.[0];
        if (!sg) out.push(fail(GROUP, check, `security group ${id} does not exist in ${ctx.config.region}`, `correct agents[].securityGroupIds of "${agent.name}" (a referenced group must be in this region: this account or a peered VPC)`));
        else out.push(pass(GROUP, check, `exists (${sg.GroupName ?? "unnamed"}, ${sg.VpcId ?? "no VPC"})`));
      } catch (e) {
        if (isError(e, "InvalidGroup.NotFound", "InvalidGroupId.Malformed")) {
          out.push(fail(GROUP, check, `security group ${id} does not exist in ${ctx.config.region}`, `correct agents[].securityGroupIds of "${agent.name}" (a referenced group must be in this region: this account or a peered VPC)`));
        } else out.push(couldNotCheck(GROUP, check, e, "ec2:DescribeSecurityGroups"));
      }
    }
  }
  return out;
}

async function checkTransitGateway(ctx: PreflightContext, id: string): Promise<CheckResult[]> {
  let tgw: TransitGateway | undefined;
  try {
    tgw = (await ctx.clients.ec2.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [id] })))?.TransitGateways?.[0];
  } catch (e) {
    if (!isError(e, "InvalidTransitGatewayID.NotFound", "InvalidTransitGatewayID.Malformed")) return [couldNotCheck(GROUP, `transit gateway ${id}`, e, "ec2:DescribeTransitGateways")];
  }
  if (!tgw)
    return [
      fail(
        GROUP,
        `transit gateway ${id}`,
        `does not exist in ${ctx.config.region} (or is not shared with account ${ctx.accountId})`,
        "correct network.transitGatewayId, or ask the network team to share the transit gateway with this account through AWS RAM",
      ),
    ];
  if (tgw.State !== "available") return [fail(GROUP, `transit gateway ${id}`, `is ${tgw.State}, not available`, "wait until it is available, or use another transit gateway")];
  const out = [pass(GROUP, `transit gateway ${id}`, `available (owner ${tgw.OwnerId})`)];
  const opts = tgw.Options ?? {};
  if (tgw.OwnerId && tgw.OwnerId !== ctx.accountId && opts.AutoAcceptSharedAttachments !== "enable") {
    out.push(
      fail(
        GROUP,
        "attachment acceptance",
        `the transit gateway belongs to account ${tgw.OwnerId} and does not auto-accept shared attachments; the deploy would wait on the VPC attachment until it times out`,
        `ask the owner of ${id} to accept the attachment as soon as the deploy creates it, or to enable AutoAcceptSharedAttachments`,
      ),
    );
  }
  const table = opts.DefaultRouteTableAssociation === "enable" ? opts.AssociationDefaultRouteTableId : undefined;
  if (!table) {
    out.push(
      fail(
        GROUP,
        "routes",
        `${id} does not associate new attachments with a default route table, so the VPC attachment would route nowhere`,
        "ask the network team which route table to associate the attachment with, and to add routes to the IBM i network there (or enable default route table association)",
      ),
    );
    return out;
  }
  for (const { cidr, what } of remoteCidrs(ctx)) {
    try {
      const res = await ctx.clients.ec2.send(new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: table, Filters: [{ Name: "route-search.longest-prefix-match", Values: [cidr] }] }));
      const route = (res?.Routes ?? []).find((r) => r.DestinationCidrBlock && contains(toCidr(r.DestinationCidrBlock)!, toCidr(cidr)!));
      if (!route) out.push(fail(GROUP, `route to ${cidr}`, `${table} has no route to the ${what} (${cidr})`, `ask the network team to propagate or add a route to ${cidr} in ${table} (towards the VPN or Direct Connect attachment)`));
      else if (route.State !== "active") out.push(fail(GROUP, `route to ${cidr}`, `the route ${route.DestinationCidrBlock} in ${table} is ${route.State}`, `fix the route to ${cidr} in ${table}: a ${route.State} route drops the traffic`));
      else out.push(pass(GROUP, `route to ${cidr}`, `${what} via ${route.DestinationCidrBlock} in ${table}`));
    } catch (e) {
      out.push(couldNotCheck(GROUP, `route to ${cidr}`, e, "ec2:SearchTransitGatewayRoutes"));
    }
  }
  return out;
}

async function checkVpnGateway(ctx: PreflightContext, id: string): Promise<CheckResult[]> {
  let vgw: VpnGateway | undefined;
  try {
    vgw = (await ctx.clients.ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [id] })))?.VpnGateways?.[0];
  } catch (e) {
    if (!isError(e, "InvalidVpnGatewayID.NotFound", "InvalidVpnGatewayID.Malformed")) return [couldNotCheck(GROUP, `VPN gateway ${id}`, e, "ec2:DescribeVpnGateways")];
  }
  if (!vgw) return [fail(GROUP, `VPN gateway ${id}`, `does not exist in ${ctx.config.region}`, "correct network.vpnGatewayId, or create the virtual private gateway and its VPN connection to the IBM i site first")];
  if (vgw.State !== "available") return [fail(GROUP, `VPN gateway ${id}`, `is ${vgw.State}, not available`, "wait until it is available, or use another gateway")];
  const out = [pass(GROUP, `VPN gateway ${id}`, "available")];
  // A virtual private gateway attaches to one VPC at a time; attached elsewhere, the deploy's attachment fails.
  const attached = (vgw.VpcAttachments ?? []).filter((a) => a.State === "attached" || a.State === "attaching");
  if (attached.length) {
    const ours = await stackVpcIds(ctx);
    const foreign = attached.filter((a) => a.VpcId && !ours.includes(a.VpcId));
    if (foreign.length)
      out.push(
        fail(
          GROUP,
          "VPN gateway attachment",
          `${id} is already attached to ${foreign.map((a) => a.VpcId).join(", ")}; a virtual private gateway attaches to one VPC at a time`,
          `detach it from that VPC, or give this stack its own gateway (or a transit gateway) in network.vpnGatewayId`,
        ),
      );
  }
  let connections;
  try {
    connections = (await ctx.clients.ec2.send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: "vpn-gateway-id", Values: [id] }] })))?.VpnConnections ?? [];
  } catch (e) {
    out.push(couldNotCheck(GROUP, "VPN connections", e, "ec2:DescribeVpnConnections"));
    return out;
  }
  const live = connections.filter((c) => c.State === "available");
  if (!live.length) {
    out.push(fail(GROUP, "VPN connections", `${id} has no available site-to-site VPN connection, so nothing reaches the IBM i network`, `create the site-to-site VPN connection from ${id} to the IBM i site's customer gateway`));
    return out;
  }
  const up = live.filter((c) => (c.VgwTelemetry ?? []).some((t) => t.Status === "UP"));
  if (!up.length) out.push(fail(GROUP, "VPN tunnels", `every tunnel of ${live.map((c) => c.VpnConnectionId).join(", ")} is DOWN`, "bring the tunnels up on the customer gateway (IKE/IPsec settings from the VPN connection's configuration)"));
  else out.push(pass(GROUP, "VPN tunnels", `${up.map((c) => c.VpnConnectionId).join(", ")} has a tunnel UP`));
  for (const { cidr, what } of remoteCidrs(ctx)) {
    const staticConns = live.filter((c) => c.Options?.StaticRoutesOnly);
    if (staticConns.length < live.length) {
      out.push(pass(GROUP, `route to ${cidr}`, `${what}: learned over BGP on a dynamic VPN connection (not readable before the VPC is attached)`));
      continue;
    }
    const route = staticConns.flatMap((c) => c.Routes ?? []).find((r) => r.DestinationCidrBlock && r.State === "available" && contains(toCidr(r.DestinationCidrBlock)!, toCidr(cidr)!));
    if (route) out.push(pass(GROUP, `route to ${cidr}`, `${what} via static route ${route.DestinationCidrBlock}`));
    else out.push(fail(GROUP, `route to ${cidr}`, `no static route of the VPN connection covers the ${what} (${cidr})`, `add ${cidr} as a static route of the VPN connection (aws ec2 create-vpn-connection-route), or use BGP`));
  }
  return out;
}

/** VPCs this stack already deployed (found by its default tags); empty before the first deploy. */
export async function stackVpcIds(ctx: PreflightContext): Promise<string[]> {
  const res = await ctx.clients.ec2.send(
    new DescribeVpcsCommand({
      Filters: [
        { Name: "tag:project", Values: [PROJECT_TAG] },
        { Name: "tag:environment", Values: [ctx.config.environment] },
      ],
    }),
  );
  return (res?.Vpcs ?? []).map((v) => v.VpcId!).filter(Boolean);
}
