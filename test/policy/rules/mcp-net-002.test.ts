import { rule } from "../../../policy/rules/mcp-net-002";
import { judge, lines, plan, ref } from "../fixtures";

const agents = { agentCidrs: ["10.20.1.0/28", "10.20.2.0/28"] };
const sg = (description: string) => ({ description, vpc_id: "${aws_vpc.v.id}" });
const lbGroup = "aws_security_group.alb";
const taskGroup = "aws_security_group.tasks";

function topology(extra: Record<string, Record<string, unknown>> = {}) {
  return plan({
    aws_lb: { alb: { internal: true, security_groups: [ref(lbGroup)] } },
    aws_security_group: { alb: sg("alb"), tasks: sg("tasks"), gateway: sg("gateway") },
    aws_vpc_security_group_ingress_rule: {
      agent: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.1.0/28", description: "agents" },
      from_lb: { security_group_id: ref(taskGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, referenced_security_group_id: ref(lbGroup), description: "lb" },
      gw_from_lb: { security_group_id: ref("aws_security_group.gateway"), ip_protocol: "tcp", from_port: 4444, to_port: 4444, referenced_security_group_id: ref(lbGroup), description: "lb" },
      from_gw: { security_group_id: ref(taskGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, referenced_security_group_id: ref("aws_security_group.gateway"), description: "gateway" },
      ...extra,
    },
  });
}

describe("MCP-NET-002 MCP port only from agents", () => {
  it("passes agent ranges, the load balancer's group, and a group reached only through the load balancer", () => {
    expect(judge(rule, topology(), agents).verdict).toBe("pass");
  });

  it("passes the load balancer's group before the load balancer exists when it admits only agents on the port", () => {
    const p = topology();
    delete (p.resource as any).aws_lb;
    (p.resource as any).aws_vpc_security_group_ingress_rule.ops = { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 4444, to_port: 4444, cidr_ipv4: "10.30.0.0/24", description: "ops" };
    delete (p.resource as any).aws_vpc_security_group_ingress_rule.from_gw;
    expect(lines(judge(rule, p, agents))).toEqual([]);
  });

  it("fails a range that is not an agent range, a port range covering 3010, all traffic, and foreign groups", () => {
    const r = judge(
      rule,
      topology({
        wide: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 3000, to_port: 3100, cidr_ipv4: "10.99.0.0/16", description: "x" },
        all: { security_group_id: ref(taskGroup), ip_protocol: "-1", cidr_ipv4: "10.20.1.0/24", description: "x" },
        foreign: { security_group_id: ref(taskGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, referenced_security_group_id: "sg-0123456789abcdef0", description: "x" },
        pl: { security_group_id: ref(taskGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, prefix_list_id: "pl-12345678", description: "x" },
        other_port: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.99.0.0/16", description: "not 3010" },
      }),
      agents,
    );
    expect(lines(r)).toEqual([
      "aws_vpc_security_group_ingress_rule.wide: admits 10.99.0.0/16 on port 3010, which is not an agent range (agents: 10.20.1.0/28, 10.20.2.0/28)",
      "aws_vpc_security_group_ingress_rule.all: admits 10.20.1.0/24 on port 3010, which is not an agent range (agents: 10.20.1.0/28, 10.20.2.0/28)",
      "aws_vpc_security_group_ingress_rule.foreign: admits security group sg-0123456789abcdef0 on port 3010, which is not an agent security group",
      "aws_vpc_security_group_ingress_rule.pl: admits prefix list pl-12345678 on port 3010, whose ranges cannot be verified as agent ranges",
    ]);
  });

  it("accepts an agent security group from the context", () => {
    const p = topology({ agent_sg: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, referenced_security_group_id: "sg-0123456789abcdef0", description: "x" } });
    expect(judge(rule, p, { ...agents, agentSecurityGroupIds: ["sg-0123456789abcdef0"] }).verdict).toBe("pass");
  });

  it("fails a group that admits the port from a non-agent source, following the reference", () => {
    const p = topology({ bad_upstream: { security_group_id: ref("aws_security_group.gateway"), ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "10.99.0.0/24", description: "ssh" } });
    expect(lines(judge(rule, p, agents))).toEqual([
      "aws_vpc_security_group_ingress_rule.from_gw: admits security group aws_security_group.gateway on port 3010, which is neither a load balancer's group nor reached only from agent ranges or the load balancer",
    ]);
  });

  it("fails when agent ranges are unknown, or ports or sources are expressions", () => {
    const p = plan({
      aws_vpc_security_group_ingress_rule: {
        a: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.1.0/28", description: "x" },
        b: { security_group_id: ref(lbGroup), ip_protocol: "tcp", from_port: "${var.port}", to_port: "${var.port}", cidr_ipv4: "10.20.1.0/28", description: "x" },
      },
    });
    expect(lines(judge(rule, p))).toEqual([
      "aws_vpc_security_group_ingress_rule.a: admits 10.20.1.0/28 on port 3010, and no agent ranges are known to verify it against",
      "aws_vpc_security_group_ingress_rule.b: protocol/port range is tcp ${var.port}-${var.port}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("takes the MCP port from the context and is not applicable when nothing admits it", () => {
    expect(judge(rule, topology(), { ...agents, mcpPort: 8080 }).verdict).toBe("not-applicable");
  });
});
