import { TerraformJson } from "../../policy/types";
import { synthStack, variant } from "../helpers";
import { resourceAt, resources, shippedPlan } from "../plans";

describe("Network", () => {
  let dev: TerraformJson;
  let prod: TerraformJson;
  beforeAll(() => {
    dev = shippedPlan("dev");
    prod = shippedPlan("prod");
  });

  it("creates one private subnet per zone, never mapping public addresses", () => {
    const subnets = resources(prod, "aws_subnet").map(([, s]) => [s.availability_zone, s.cidr_block, s.map_public_ip_on_launch]);
    expect(subnets).toEqual([
      ["us-east-1a", "10.42.0.0/22", false],
      ["us-east-1b", "10.42.4.0/22", false],
      ["us-east-1c", "10.42.8.0/22", false],
    ]);
  });

  it("has no way to or from the internet", () => {
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_egress_only_internet_gateway"]) expect(resources(prod, type)).toEqual([]);
    const routes = resources(prod, "aws_route").map(([, r]) => r.destination_cidr_block);
    expect(routes).not.toContain("0.0.0.0/0");
  });

  it("reaches AWS services through private endpoints", () => {
    const endpoints = resources(prod, "aws_vpc_endpoint").map(([, e]) => [e.service_name, e.vpc_endpoint_type, e.private_dns_enabled ?? null]);
    expect(endpoints).toEqual(
      expect.arrayContaining([
        ["com.amazonaws.us-east-1.ecr.api", "Interface", true],
        ["com.amazonaws.us-east-1.ecr.dkr", "Interface", true],
        ["com.amazonaws.us-east-1.logs", "Interface", true],
        ["com.amazonaws.us-east-1.secretsmanager", "Interface", true],
        ["com.amazonaws.us-east-1.kms", "Interface", true],
        ["com.amazonaws.us-east-1.sts", "Interface", true],
        ["com.amazonaws.us-east-1.s3", "Gateway", null],
      ]),
    );
    const rule = resourceAt(prod, "aws_vpc_security_group_ingress_rule", "network/endpoints/in-443-10-42-0-0-20");
    expect([rule.from_port, rule.to_port, rule.cidr_ipv4]).toEqual([443, 443, "10.42.0.0/20"]);
  });

  it("strips every rule from the default security group", () => {
    const [[, sg]] = resources(prod, "aws_default_security_group");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });

  it("logs all traffic to the encrypted flow-log group through a role only VPC flow logs can assume", () => {
    const flow = resourceAt(prod, "aws_flow_log", "network/flow-log");
    expect(flow.traffic_type).toBe("ALL");
    expect(flow.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\.audit-logs_vpc-flow-logs_\w+\.arn\}$/);
    const role = resourceAt(prod, "aws_iam_role", "network/flow-log-role/role");
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
    const policy = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "network/flow-log-role/policy").policy);
    expect(policy.Statement[0].Action).toEqual(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
  });

  it("routes the IBM i, agent and operator networks through the transit gateway, attached first", () => {
    const routes = resources(prod, "aws_route").map(([, r]) => [r.destination_cidr_block, r.transit_gateway_id, r.depends_on?.length]);
    expect(routes).toEqual([
      ["10.22.1.0/28", "tgw-0f1e2d3c4b5a69788", 1],
      ["10.22.2.0/28", "tgw-0f1e2d3c4b5a69788", 1],
      ["10.22.5.0/28", "tgw-0f1e2d3c4b5a69788", 1],
      ["10.32.0.0/24", "tgw-0f1e2d3c4b5a69788", 1],
      ["10.52.0.0/24", "tgw-0f1e2d3c4b5a69788", 1],
    ]);
    expect(resources(prod, "aws_ec2_transit_gateway_vpc_attachment")).toHaveLength(1);
  });

  it("attaches and routes through a VPN gateway instead when one is configured", () => {
    expect(resources(dev, "aws_vpn_gateway_attachment")[0][1].vpn_gateway_id).toBe("vgw-0a1b2c3d4e5f60718");
    expect(resources(dev, "aws_route").every(([, r]) => r.gateway_id === "vgw-0a1b2c3d4e5f60718")).toBe(true);
  });

  it("adds no route when neither gateway is configured", () => {
    const { plan } = synthStack(variant("dev", (c) => delete c.network.vpnGatewayId));
    expect(resources(plan, "aws_route")).toEqual([]);
    expect(resources(plan, "aws_vpn_gateway_attachment")).toEqual([]);
  });
});
