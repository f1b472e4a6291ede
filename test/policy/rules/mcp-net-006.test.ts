import { rule } from "../../../policy/rules/mcp-net-006";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-NET-006 no internet path", () => {
  it("fails internet and NAT gateways, elastic IPs and routes to gateways outside the plan", () => {
    const r = judge(
      rule,
      plan({
        aws_vpc: { v: {} },
        aws_internet_gateway: { igw: { vpc_id: ref("aws_vpc.v") } },
        aws_nat_gateway: { nat: { subnet_id: "${aws_subnet.a.id}" } },
        aws_eip: { ip: { domain: "vpc" } },
        aws_route: { r: { route_table_id: "${aws_route_table.t.id}", destination_cidr_block: "0.0.0.0/0", gateway_id: "igw-0123456789abcdef0" } },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_internet_gateway.igw: is an aws_internet_gateway; the kit's VPC must have no internet path",
      "aws_nat_gateway.nat: is an aws_nat_gateway; the kit's VPC must have no internet path",
      "aws_eip.ip: is an aws_eip; the kit's VPC must have no internet path",
      "aws_route.r: routes 0.0.0.0/0 to igw-0123456789abcdef0, an internet or NAT gateway",
    ]);
  });

  it("passes a VPC routed only through a transit gateway", () => {
    const r = judge(rule, plan({ aws_vpc: { v: {} }, aws_route: { r: { destination_cidr_block: "10.50.0.0/24", transit_gateway_id: "tgw-0123456789abcdef0" } } }));
    expect(r.verdict).toBe("pass");
  });

  it("is not applicable to a plan without networking", () => {
    expect(judge(rule, plan({ aws_s3_bucket: { b: {} } })).verdict).toBe("not-applicable");
  });
});
