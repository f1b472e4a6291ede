import { rule } from "../../../policy/rules/mcp-net-001";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-NET-001 no ingress from everywhere", () => {
  it("fails inline, legacy-rule and rule-resource ingress from 0.0.0.0/0 or ::/0, and expressions", () => {
    const r = judge(
      rule,
      plan({
        aws_security_group: { alb: { description: "x", ingress: [{ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["10.0.0.0/8", "0.0.0.0/0"], description: "d" }] } },
        aws_security_group_rule: { v6: { type: "ingress", security_group_id: ref("aws_security_group.alb"), from_port: 3010, to_port: 3010, protocol: "tcp", ipv6_cidr_blocks: ["::/0"] } },
        aws_vpc_security_group_ingress_rule: {
          open: { security_group_id: ref("aws_security_group.alb"), ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" },
          tokens: { security_group_id: ref("aws_security_group.alb"), ip_protocol: "tcp", from_port: 3010, to_port: 3010, cidr_ipv4: "${var.agent_cidr}" },
        },
      }),
    );
    expect(r.verdict).toBe("fail");
    expect(lines(r)).toEqual([
      "aws_security_group.alb: ingress[0] admits 0.0.0.0/0, i.e. every address",
      "aws_security_group_rule.v6: admits ::/0, i.e. every address",
      "aws_vpc_security_group_ingress_rule.open: admits 0.0.0.0/0, i.e. every address",
      "aws_vpc_security_group_ingress_rule.tokens: source range is ${var.agent_cidr}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("fails an inline rule list that is an expression", () => {
    const r = judge(rule, plan({ aws_security_group: { g: { description: "x", ingress: "${var.rules}" } } }));
    expect(lines(r)).toEqual(["aws_security_group.g: ingress rule list is ${var.rules}, which is only known at apply time and cannot be verified"]);
  });

  it("passes private ranges and egress to anywhere", () => {
    const r = judge(
      rule,
      plan({
        aws_vpc_security_group_ingress_rule: { a: { ip_protocol: "tcp", from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.1.0/28", description: "agents" } },
        aws_vpc_security_group_egress_rule: { out: { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0", description: "out" } },
      }),
    );
    expect(r.verdict).toBe("pass");
  });

  it("is not applicable without ingress rules", () => {
    expect(judge(rule, plan({ aws_s3_bucket: { b: {} } })).verdict).toBe("not-applicable");
  });
});

describe("MCP-NET-001 follows references to literal ranges", () => {
  it("judges a range written as a reference by the literal it names", () => {
    const p = plan({
      aws_vpc: { v: { cidr_block: "10.40.0.0/20" } },
      aws_vpc_ipv4_cidr_block_association: { all: { cidr_block: "0.0.0.0/0" } },
      aws_vpc_security_group_ingress_rule: {
        vpc: { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: ref("aws_vpc.v", "cidr_block"), description: "d" },
        open: { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: ref("aws_vpc_ipv4_cidr_block_association.all", "cidr_block"), description: "d" },
      },
    });
    expect(lines(judge(rule, p))).toEqual(["aws_vpc_security_group_ingress_rule.open: admits 0.0.0.0/0, i.e. every address"]);
  });
});
