import { rule } from "../../../policy/rules/mcp-net-005";
import { judge, lines, plan } from "../fixtures";

describe("MCP-NET-005 no public IPs on launch", () => {
  it("fails subnets that map public IPs, unknown values and default subnets", () => {
    const r = judge(
      rule,
      plan({
        aws_subnet: { pub: { map_public_ip_on_launch: true }, str: { map_public_ip_on_launch: "true" }, unk: { map_public_ip_on_launch: "${var.public}" } },
        aws_default_subnet: { d: { availability_zone: "us-east-1a" } },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_subnet.pub: sets map_public_ip_on_launch = true",
      "aws_subnet.str: sets map_public_ip_on_launch = true",
      "aws_subnet.unk: map_public_ip_on_launch is ${var.public}, which is only known at apply time and cannot be verified",
      "aws_default_subnet.d: is a default subnet with map_public_ip_on_launch unset (AWS default: true)",
    ]);
  });

  it("passes private subnets (false or unset)", () => {
    expect(judge(rule, plan({ aws_subnet: { a: { map_public_ip_on_launch: false }, b: {} } })).verdict).toBe("pass");
  });
});
