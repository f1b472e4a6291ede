/** review/facts/flows.ts: each flow and its flags, from a small hand-written plan, with and without the config's intent. */
import { flowFacts } from "../../../review/facts/flows";
import { securityGroupFacts } from "../../../review/facts/security-groups";
import { ReviewContext } from "../../../review/facts";
import { PlanIndex } from "../../../review/plan-index";

const ALB = "${aws_security_group.alb.id}";
const TASKS = "${aws_security_group.tasks.id}";
const rule = (group: string, extra: Record<string, unknown>) => ({ security_group_id: group, ip_protocol: "tcp", ...extra });

function plan(structured: boolean) {
  const facts = (agentGroup: string) => (structured ? { "//": { facts: { agentGroup } } } : {});
  return {
    resource: {
      aws_security_group: { alb: { name: "alb" }, tasks: { name: "tasks", egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }] } },
      aws_ecs_service: { mcp: { name: "mcp", network_configuration: { security_groups: [TASKS] } } },
      aws_vpc_security_group_ingress_rule: {
        ops: rule(ALB, { from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.2.0/28", description: "MCP from agent group ops", ...facts("ops") }),
        open: rule(ALB, { from_port: 3010, to_port: 3010, cidr_ipv4: "0.0.0.0/0", description: "anyone" }),
        ops2: rule(ALB, { from_port: 3000, to_port: 3100, cidr_ipv4: "198.51.100.0/24", description: "MCP from agent group ops", ...facts("ops") }),
        direct: rule(TASKS, { from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.1.0/28" }),
        fromAlb: rule(TASKS, { from_port: 3010, to_port: 3010, referenced_security_group_id: ALB }),
        gw: rule(ALB, { from_port: 4444, to_port: 4444, cidr_ipv4: "10.31.0.0/24" }),
      },
      aws_vpc_security_group_egress_rule: { ibmi: rule(TASKS, { from_port: 8076, to_port: 8076, cidr_ipv4: "10.50.0.0/24" }), other: rule(TASKS, { from_port: 8076, to_port: 8076, cidr_ipv4: "10.60.0.0/24" }) },
    },
  };
}

function flows(structured: boolean, ctx: ReviewContext = {}) {
  const idx = new PlanIndex(plan(structured));
  return flowFacts(idx, securityGroupFacts(idx), ctx, 3010, 4444);
}
const texts = (f: { flags: readonly { text: string }[] }) => f.flags.map((x) => x.text);

describe("flowFacts", () => {
  const { ingress, egress, all } = flows(true);
  const at = (address: string) => ingress.find((f) => f.address === `aws_vpc_security_group_ingress_rule.${address}`)!;

  it("keeps every flow: rule resources and inline blocks, in and out", () => {
    expect(all).toHaveLength(ingress.length + egress.length);
    expect(ingress).toHaveLength(6);
    expect(egress.map((f) => f.address).sort()).toEqual(["aws_security_group.tasks (inline egress)", "aws_vpc_security_group_egress_rule.ibmi", "aws_vpc_security_group_egress_rule.other"]);
  });

  it("flags open, public and multi-port ingress, tasks reached around the load balancer, an MCP rule naming no group", () => {
    expect(texts(at("open"))).toEqual(["open to every address (0.0.0.0/0)", "names no agent group in its description"]);
    expect(texts(at("ops2"))).toEqual(["public source range", "more than one port (3000-3100)"]);
    expect(texts(at("direct"))).toEqual(["reaches the tasks directly, bypassing the load balancer"]);
    expect(texts(at("fromAlb"))).toEqual([]);
    expect(at("fromAlb")).toEqual(expect.objectContaining({ peerKind: "security-group", peer: "alb", peerAddress: "aws_security_group.alb", groupLabel: "tasks" }));
    expect(texts(egress.find((f) => f.address.includes("inline"))!)).toEqual(["to every address (0.0.0.0/0)", "all ports and protocols"]);
  });

  it("takes the agent group from the recorded fact in a kit plan, from the description in any other", () => {
    expect(at("ops").agentGroup).toBe("ops");
    expect(at("open").agentGroup).toBeUndefined();
    const described = flows(false).ingress.find((f) => f.address.endsWith(".ops"))!;
    expect(described.agentGroup).toBe("ops");
  });

  it("with the config's intent, flags ranges it did not ask for", () => {
    const ctx: ReviewContext = { agents: [{ name: "monitoring", cidrs: ["10.20.2.0/28"], toolsets: [], readOnly: true }], gatewayClientCidrs: ["10.30.0.0/24"], egressCidrs: ["10.50.0.0/24"] };
    const f = flows(true, ctx);
    const ing = (a: string) => texts(f.ingress.find((x) => x.address.endsWith(`.${a}`))!);
    expect(ing("ops")).toEqual(["config grants this range to agent group monitoring, the description says ops"]);
    expect(ing("open")).toContain("not an agent range in the config");
    expect(ing("gw")).toEqual(["not a gateway client range in the config"]);
    expect(texts(f.egress.find((x) => x.address.endsWith(".other"))!)).toEqual(["destination not in the config (network.ibmi.cidr)"]);
    expect(texts(f.egress.find((x) => x.address.endsWith(".ibmi"))!)).toEqual([]);
  });
});
