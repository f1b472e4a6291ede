import { App, TerraformStack, Testing } from "cdktf";
import { AgentAccess } from "../../constructs/agent-access";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs, synthStack } from "../helpers";
import { resources, shippedPlan } from "../plans";

const ingress = (plan: TerraformJson) => resources(plan, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
const egress = (plan: TerraformJson) => resources(plan, "aws_vpc_security_group_egress_rule").map(([, r]) => r);
const groupOf = (plan: TerraformJson, name: string) =>
  `\${aws_security_group.${
    resources(plan, "aws_security_group")
      .find(([, g]) => g.name === name)![0]
      .split(".")[1]
  }.id}`;

describe("AgentAccess", () => {
  let plan: TerraformJson;
  beforeAll(() => (plan = shippedPlan("prod")));

  it("opens 3010 on the load balancer to exactly the agent ranges, each rule naming its group", () => {
    const alb = groupOf(plan, "mcp-prod-alb");
    const rules = ingress(plan).filter((r) => r.security_group_id === alb && r.from_port === 3010);
    expect(rules.map((r) => [r.cidr_ipv4, r.to_port, r.ip_protocol, r.description]).sort()).toEqual([
      ["10.22.1.0/28", 3010, "tcp", "MCP from agent group monitoring"],
      ["10.22.2.0/28", 3010, "tcp", "MCP from agent group ops"],
      ["10.22.5.0/28", 3010, "tcp", "MCP from agent group monitoring"],
    ]);
  });

  it("opens 4444 to the operator ranges and the tier registration function only, and nothing else on the load balancer", () => {
    const alb = groupOf(plan, "mcp-prod-alb");
    const others = ingress(plan).filter((r) => r.security_group_id === alb && r.from_port !== 3010);
    const registration = groupOf(plan, "mcp-prod-register-tiers");
    expect(others.map((r) => [r.cidr_ipv4 ?? r.referenced_security_group_id, r.from_port, r.description])).toEqual([
      ["10.32.0.0/24", 4444, "MCP gateway from operators"],
      [registration, 4444, "register-tiers Lambda: registers the MCP tiers with the gateway"],
    ]);
  });

  it("admits nothing from 0.0.0.0/0 anywhere, and every rule has a description", () => {
    for (const r of [...ingress(plan), ...egress(plan)]) {
      expect(r.cidr_ipv4).not.toBe("0.0.0.0/0");
      expect(r.cidr_ipv6).toBeUndefined();
      expect(r.description).toEqual(expect.any(String));
    }
  });

  it("lets the MCP tasks be reached on 3010 only from the load balancer, the gateway and the auth canary groups", () => {
    const tasks = groupOf(plan, "mcp-prod-tasks");
    const alb = groupOf(plan, "mcp-prod-alb");
    const gateway = groupOf(plan, "mcp-prod-gateway");
    const rules = ingress(plan)
      .filter((r) => r.security_group_id === tasks)
      .map((r) => [r.from_port, r.referenced_security_group_id, r.cidr_ipv4]);
    // And the auth canary, which only sends requests that must be refused (constructs/auth-canary.ts).
    const canary = groupOf(plan, "mcp-prod-auth-canary");
    expect(rules).toHaveLength(3);
    expect(rules).toEqual(
      expect.arrayContaining([
        [3010, alb, undefined],
        [3010, gateway, undefined],
        [3010, canary, undefined],
      ]),
    );
  });

  it("gives the gateway its own group: 4444 from the load balancer only; out to the MCP tasks, endpoints, S3 and its own database and cache, never IBM i", () => {
    const gateway = groupOf(plan, "mcp-prod-gateway");
    const alb = groupOf(plan, "mcp-prod-alb");
    expect(
      ingress(plan)
        .filter((r) => r.security_group_id === gateway)
        .map((r) => [r.from_port, r.referenced_security_group_id, r.cidr_ipv4]),
    ).toEqual([[4444, alb, undefined]]);
    const out = egress(plan)
      .filter((r) => r.security_group_id === gateway)
      .map((r) => [r.from_port, r.cidr_ipv4 ?? r.referenced_security_group_id ?? r.prefix_list_id]);
    expect(out).toEqual(
      expect.arrayContaining([
        [3010, groupOf(plan, "mcp-prod-tasks")],
        [443, groupOf(plan, "mcp-prod-endpoints")],
        [443, expect.stringMatching(/prefix_list_id\}$/)],
        // Managed gateway state (constructs/gateway-database.ts, gateway-cache.ts); EFS's 2049 in dev instead.
        [5432, groupOf(plan, "mcp-prod-gateway-database")],
        [6379, groupOf(plan, "mcp-prod-gateway-cache")],
      ]),
    );
    expect(out).toHaveLength(5);
  });

  it("lists the tasks' egress: IBM i Mapepire, the endpoints and S3 only", () => {
    const tasks = groupOf(plan, "mcp-prod-tasks");
    const out = egress(plan)
      .filter((r) => r.security_group_id === tasks)
      .map((r) => [r.from_port, r.cidr_ipv4 ?? r.referenced_security_group_id ?? r.prefix_list_id]);
    expect(out).toHaveLength(3);
    expect(out).toEqual(
      expect.arrayContaining([
        [8076, "10.52.0.0/24"],
        [443, groupOf(plan, "mcp-prod-endpoints")],
        [443, expect.stringMatching(/^\$\{aws_vpc_endpoint\.network_endpoint-s3_\w+\.prefix_list_id\}$/)],
      ]),
    );
  });

  it("admits agent security groups by reference", () => {
    const c = shippedConfigs().dev;
    const { plan: p } = synthStack({ ...c, agents: [{ ...c.agents[0], cidrs: [], securityGroupIds: ["sg-0123456789abcdef0"] }] });
    const rule = ingress(p).find((r) => r.referenced_security_group_id === "sg-0123456789abcdef0");
    expect(rule).toMatchObject({ from_port: 3010, description: "MCP from agent group monitoring (security group)" });
  });

  it("spreads agent ranges beyond 60 rules over further load balancer groups, in config order, all on the load balancer", () => {
    const c = shippedConfigs().dev;
    const cidrs = (base: number) => Array.from({ length: 65 }, (_, i) => `10.${base}.${i}.0/28`);
    const { plan: p } = synthStack({
      ...c,
      agents: [
        { ...c.agents[0], cidrs: cidrs(100) },
        { ...c.agents[1], cidrs: cidrs(101) },
      ],
    });
    const counts = (name: string) => ingress(p).filter((r) => r.security_group_id === groupOf(p, name)).length;
    // 130 agent ranges and 1 operator range: 60, 60 and 11 inbound rules (the quota vpc L-0EA8095F, 60 by default).
    expect([counts("mcp-dev-alb"), counts("mcp-dev-alb-2"), counts("mcp-dev-alb-3")]).toEqual([60, 60, 11]);
    expect(resources(p, "aws_security_group").find(([, g]) => g.name === "mcp-dev-alb-4")).toBeUndefined();
    // The first group keeps the first ranges (their rules keep their construct ids); the operators come last.
    expect(
      ingress(p)
        .filter((r) => r.security_group_id === groupOf(p, "mcp-dev-alb"))
        .map((r) => r.cidr_ipv4)
        .slice(0, 2),
    ).toEqual(["10.100.0.0/28", "10.100.1.0/28"]);
    expect(ingress(p).find((r) => r.description === "MCP gateway from operators")!.security_group_id).toBe(groupOf(p, "mcp-dev-alb-3"));
    const [, lb] = resources(p, "aws_lb")[0];
    expect(lb.security_groups).toEqual(["mcp-dev-alb", "mcp-dev-alb-2", "mcp-dev-alb-3"].map((n) => groupOf(p, n)));
    // Egress stays on the first group: a load balancer's groups apply together.
    expect(egress(p).filter((r) => [groupOf(p, "mcp-dev-alb-2"), groupOf(p, "mcp-dev-alb-3")].includes(r.security_group_id))).toEqual([]);
  });

  it("refuses more ranges than five groups hold, saying which quota to raise", () => {
    const fakeNetwork = { vpc: { id: "vpc-1" }, endpointSecurityGroup: {}, s3Endpoint: { prefixListId: "pl-1" } } as any;
    const env = { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "t", stage: "dev" } as const;
    const stack = new TerraformStack(Testing.app() as App, "t");
    const cidrs = Array.from({ length: 301 }, (_, i) => `10.${100 + Math.floor(i / 250)}.${i % 250}.0/28`);
    expect(() => new AgentAccess(stack, "a", { env, network: fakeNetwork, agents: [{ name: "x", cidrs, securityGroupIds: [] }], ibmi: { cidr: "10.0.0.0/24", port: 8076 } })).toThrow(
      't/a: 301 agent and operator ranges need 6 security groups of 60 inbound rules, and a load balancer takes 5: raise the quota "Inbound or outbound rules per security group" (vpc L-0EA8095F) and set rulesPerSecurityGroup, or merge agent ranges',
    );
  });

  it("refuses impossible props with the construct path", () => {
    const fakeNetwork = { vpc: { id: "vpc-1" }, endpointSecurityGroup: {}, s3Endpoint: { prefixListId: "pl-1" } } as any;
    const env = { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "t", stage: "dev" } as const;
    const stack = new TerraformStack(Testing.app() as App, "t");
    expect(() => new AgentAccess(stack, "a", { env, network: fakeNetwork, agents: [], ibmi: { cidr: "10.0.0.0/24", port: 8076 } })).toThrow("t/a: agents is empty; no one could reach the MCP server");
    expect(() => new AgentAccess(stack, "b", { env, network: fakeNetwork, agents: [{ name: "x", cidrs: ["0.0.0.0/0"], securityGroupIds: [] }], ibmi: { cidr: "10.0.0.0/24", port: 8076 } })).toThrow(
      "a rule open to 0.0.0.0/0 is never allowed (MCP from agent group x)",
    );
  });
});
