/** The network around the groups: internet and NAT gateways, public subnets, attachments, flow logs, endpoints, the default group. */
import type { Facts } from "../facts";
import { blocks, bool, literal, PlanIndex } from "../plan-index";
import { endpointService, labelOf } from "./labels";

export function networkFacts(idx: PlanIndex): Facts["network"] {
  const defaultGroups = idx.all("aws_default_security_group");
  return {
    internetGateways: [...idx.all("aws_internet_gateway"), ...idx.all("aws_egress_only_internet_gateway")].map((r) => r.address),
    natGateways: idx.all("aws_nat_gateway").map((r) => r.address),
    publicSubnets: idx
      .all("aws_subnet")
      .filter((s) => bool(s.body.map_public_ip_on_launch) === true)
      .map((s) => s.address),
    attachments: [...idx.all("aws_ec2_transit_gateway_vpc_attachment"), ...idx.all("aws_vpn_gateway_attachment"), ...idx.all("aws_vpc_peering_connection")].map((r) => r.address),
    flowLogs: idx.all("aws_flow_log").map((f) => {
      const lg = idx.target(f.body.log_destination, "aws_cloudwatch_log_group");
      return { address: f.address, traffic: literal(f.body.traffic_type), destination: lg ? labelOf(lg, lg.address) : (literal(f.body.log_destination) ?? "?") };
    }),
    endpoints: idx
      .all("aws_vpc_endpoint")
      .map((e) => endpointService(e.body.service_name, e.address))
      .sort(),
    defaultGroupEmpty: defaultGroups.length ? defaultGroups.every((g) => blocks(g.body.ingress).length === 0 && blocks(g.body.egress).length === 0) : undefined,
  };
}
