/** review/facts/network.ts: gateways, public subnets, attachments, flow logs, endpoints and the default group. */
import { networkFacts } from "../../../review/facts/network";
import { PlanIndex } from "../../../review/plan-index";

describe("networkFacts", () => {
  it("lists what opens the VPC to the internet and what connects it", () => {
    const n = networkFacts(
      new PlanIndex({
        resource: {
          aws_internet_gateway: { igw: {} },
          aws_subnet: { pub: { map_public_ip_on_launch: true }, priv: {} },
          aws_ec2_transit_gateway_vpc_attachment: { tgw: {} },
          aws_cloudwatch_log_group: { flow: { name: "/vpc/flow" } },
          aws_flow_log: { vpc: { traffic_type: "ALL", log_destination: "${aws_cloudwatch_log_group.flow.arn}" } },
          aws_vpc_endpoint: { sts: { service_name: "com.amazonaws.eu-west-1.sts" }, logs: { service_name: "com.amazonaws.eu-west-1.logs" } },
          aws_default_security_group: { d: { ingress: [], egress: [] } },
        },
      }),
    );
    expect(n).toEqual({
      internetGateways: ["aws_internet_gateway.igw"],
      natGateways: [],
      publicSubnets: ["aws_subnet.pub"],
      attachments: ["aws_ec2_transit_gateway_vpc_attachment.tgw"],
      flowLogs: [{ address: "aws_flow_log.vpc", traffic: "ALL", destination: "/vpc/flow" }],
      endpoints: ["logs", "sts"],
      defaultGroupEmpty: true,
    });
  });

  it("says the default group is not emptied when it keeps a rule, and nothing when the plan does not manage it", () => {
    expect(networkFacts(new PlanIndex({ resource: { aws_default_security_group: { d: { egress: [{ protocol: "-1" }] } } } })).defaultGroupEmpty).toBe(false);
    expect(networkFacts(new PlanIndex({ resource: {} })).defaultGroupEmpty).toBeUndefined();
  });
});
