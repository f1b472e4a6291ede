import { rule } from "../../../policy/rules/mcp-net-003";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-NET-003 default security group stripped", () => {
  it("fails a VPC without a managed default group, a default group with rules, and rules attached to it", () => {
    const r = judge(
      rule,
      plan({
        aws_vpc: { a: { cidr_block: "10.40.0.0/20" }, b: { cidr_block: "10.41.0.0/20" } },
        aws_default_security_group: { b: { vpc_id: ref("aws_vpc.b"), ingress: [{ protocol: "-1", self: true, from_port: 0, to_port: 0 }], egress: [] } },
        aws_vpc_security_group_egress_rule: {
          x: { security_group_id: ref("aws_default_security_group.b"), ip_protocol: "-1", cidr_ipv4: "10.0.0.0/8", description: "d" },
          y: { security_group_id: ref("aws_vpc.a", "default_security_group_id"), ip_protocol: "-1", cidr_ipv4: "10.0.0.0/8", description: "d" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_vpc.a: has no aws_default_security_group, so AWS's default rules (all traffic within the group, all egress) stay in place",
      "aws_default_security_group.b: declares 1 ingress rule(s); the default group must have none",
      "aws_vpc_security_group_egress_rule.x: adds an egress rule to the default security group aws_default_security_group.b",
      "aws_vpc_security_group_egress_rule.y: adds an egress rule to the default security group aws_vpc.a",
    ]);
  });

  it("fails rule lists that are expressions", () => {
    const r = judge(rule, plan({ aws_vpc: { a: {} }, aws_default_security_group: { a: { vpc_id: ref("aws_vpc.a"), ingress: "${var.x}" } } }));
    expect(lines(r)).toEqual(["aws_default_security_group.a: ingress is ${var.x}, which is only known at apply time and cannot be verified"]);
  });

  it("passes a VPC whose default group is adopted with no rules", () => {
    const r = judge(rule, plan({ aws_vpc: { a: {} }, aws_default_security_group: { a: { vpc_id: ref("aws_vpc.a"), ingress: [], egress: [] } } }));
    expect(r.verdict).toBe("pass");
  });

  it("is not applicable without a VPC", () => {
    expect(judge(rule, plan({ aws_s3_bucket: { b: {} } })).verdict).toBe("not-applicable");
  });
});
