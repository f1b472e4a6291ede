import { defineRule } from "../rule";
import { show } from "../plan";

/** Resources that give the VPC a path to or from the internet. */
const INTERNET_TYPES = ["aws_internet_gateway", "aws_internet_gateway_attachment", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_eip_association"];

export const rule = defineRule(
  {
    id: "MCP-NET-006",
    title: "No internet gateway, NAT gateway or elastic IP: the VPC has no internet path",
    severity: "high",
    references: ["AWS-0164", "CKV2_AWS_19", "cdk-nag VPC7"],
    remediation: "Remove the internet path; reach AWS services through VPC endpoints and remote networks through the transit or VPN gateway.",
  },
  (plan, _ctx, report) => {
    for (const r of plan.resources(...INTERNET_TYPES)) report(r.address, `is an ${r.type}; the kit's VPC must have no internet path`);
    const routes = plan.resources("aws_route");
    for (const r of routes) {
      // Gateways created outside this plan show up only as literal ids on routes.
      for (const attr of ["gateway_id", "nat_gateway_id", "egress_only_gateway_id"]) {
        const v = r.body[attr];
        if (typeof v === "string" && /^(igw|nat|eigw)-/.test(v)) report(r.address, `routes ${show(r.body.destination_cidr_block ?? r.body.destination_ipv6_cidr_block)} to ${v}, an internet or NAT gateway`);
      }
    }
    return plan.resources("aws_vpc").length + routes.length + plan.resources(...INTERNET_TYPES).length > 0;
  },
);
