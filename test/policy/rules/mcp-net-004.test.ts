import { rule } from "../../../policy/rules/mcp-net-004";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-NET-004 descriptions on groups and rules", () => {
  it("fails groups and rules without a description", () => {
    const r = judge(
      rule,
      plan({
        aws_security_group: {
          a: { description: "Managed by Terraform", egress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.0.0.0/8"] }] },
          b: {},
        },
        aws_security_group_rule: { r: { type: "ingress", security_group_id: ref("aws_security_group.b"), protocol: "tcp", from_port: 1, to_port: 1, cidr_blocks: ["10.0.0.0/8"], description: " " } },
        aws_vpc_security_group_ingress_rule: { i: { security_group_id: ref("aws_security_group.b"), ip_protocol: "tcp", from_port: 1, to_port: 1, cidr_ipv4: "10.0.0.0/8" } },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_security_group.a: has no description of its own ("Managed by Terraform" is the provider\'s default)',
      "aws_security_group.b: has no description of its own",
      "aws_security_group.a: egress[0] has no description",
      "aws_security_group_rule.r: ingress rule has no description",
      "aws_vpc_security_group_ingress_rule.i: ingress rule has no description",
    ]);
  });

  it("passes described groups and rules", () => {
    const r = judge(
      rule,
      plan({
        aws_security_group: { a: { description: "Internal load balancer" } },
        aws_vpc_security_group_ingress_rule: { i: { security_group_id: ref("aws_security_group.a"), ip_protocol: "tcp", from_port: 1, to_port: 1, cidr_ipv4: "10.0.0.0/8", description: "MCP from agent group ops" } },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
