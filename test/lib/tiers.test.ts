import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { MAX_SOURCE_IPS_PER_RULE, planTiers, routingRules, tierId, tierOf, TierAgent } from "../../lib/tiers";
import { toCidr, contains } from "../../lib/cidr";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));
function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}

const agent = (name: string, cidrs: string[], toolsets: string[], readOnly: boolean): TierAgent => ({ name, cidrs, toolsets, readOnly });

describe("planTiers", () => {
  const agents = [
    agent("monitoring", ["10.20.1.0/28"], ["performance", "sysadmin_discovery"], true),
    agent("ops", ["10.20.2.0/28"], ["performance", "job_control"], false),
    agent("capacity", ["10.20.3.0/28"], ["sysadmin_discovery", "performance", "performance"], true),
  ];

  it("gives groups with the same toolsets and readOnly one tier, whatever the order they list toolsets in", () => {
    const tiers = planTiers(agents);
    expect(tiers.map((t) => [t.id, t.toolsets, t.readOnly, t.agents, t.risk])).toEqual([
      [tierId(["performance", "sysadmin_discovery"], true), ["performance", "sysadmin_discovery"], true, ["monitoring", "capacity"], "low"],
      [tierId(["job_control", "performance"], false), ["job_control", "performance"], false, ["ops"], "high"],
    ]);
  });

  it("separates the same toolsets by readOnly", () => {
    const tiers = planTiers([agents[0], { ...agents[0], name: "writer", readOnly: false }]);
    expect(tiers.map((t) => t.id)).toEqual([expect.stringMatching(/^ro-[0-9a-f]{6}$/), expect.stringMatching(/^rw-[0-9a-f]{6}$/)]);
  });

  it("derives ids from the grant alone: stable across renames and config order, short enough for AWS names", () => {
    expect(planTiers([...agents].reverse()).map((t) => t.id)).toEqual(planTiers(agents).map((t) => t.id));
    expect(tierOf({ toolsets: ["performance", "sysadmin_discovery"], readOnly: true })).toBe(tierId(["sysadmin_discovery", "performance"], true));
    // "mcp-" + 12-character environment + "-" + id must fit a target group name (32).
    expect(`mcp-abcdefghijkl-${planTiers(agents)[0].id}`.length).toBeLessThanOrEqual(32);
  });

  it("rates a tier by its riskiest toolset, custom ones included", () => {
    const [t] = planTiers([agent("x", ["10.0.0.0/28"], ["performance", "reports"], false)], [{ name: "reports", risk: "medium" }]);
    expect(t.risk).toBe("medium");
  });
});

describe("routingRules", () => {
  it("splits a group's ranges into rules of at most five, one prefix length each, narrowest first, with unique priorities", () => {
    const many = Array.from({ length: 7 }, (_, i) => `10.20.${i}.0/28`);
    const rules = routingRules([agent("wide", ["10.30.0.0/16"], ["performance"], true), agent("many", [...many, "10.21.0.0/24"], ["performance", "job_control"], false)]);
    expect(rules.map((r) => [r.priority, r.agent, r.cidrs])).toEqual([
      [1, "many", many.slice(0, 5)],
      [2, "many", many.slice(5)],
      [3, "many", ["10.21.0.0/24"]],
      [4, "wide", ["10.30.0.0/16"]],
    ]);
    expect(rules.every((r) => r.cidrs.length <= MAX_SOURCE_IPS_PER_RULE)).toBe(true);
  });

  it("never lets a broad range shadow a narrower one, even when ranges of two groups overlap", () => {
    const rules = routingRules([agent("broad", ["10.20.0.0/16"], ["performance"], true), agent("narrow", ["10.20.5.0/28"], ["job_control"], false)]);
    expect(rules.map((r) => [r.priority, r.agent])).toEqual([
      [1, "narrow"],
      [2, "broad"],
    ]);
    // The first rule (by priority) whose range contains an address decides: 10.20.5.1 goes to "narrow".
    const address = toCidr("10.20.5.1/32")!;
    expect(rules.find((r) => r.cidrs.some((c) => contains(toCidr(c)!, address)))!.agent).toBe("narrow");
  });

  it("routes each rule to the tier of its group", () => {
    const a = [agent("m", ["10.1.0.0/28"], ["performance"], true), agent("o", ["10.2.0.0/28"], ["job_control"], false)];
    expect(routingRules(a).map((r) => [r.agent, r.tierId])).toEqual([
      ["m", tierOf(a[0])],
      ["o", tierOf(a[1])],
    ]);
  });
});

describe("config validation of tiers", () => {
  const cases: [string, string, (c: any) => void, string][] = [
    ["unknown toolset", "dev", (c) => (c.agents[0].toolsets = ["performance", "perfomance"]), 'config/dev.json: agents[0].toolsets[1]: is not a known toolset (got "perfomance"). Fix: use one of performance, sysadmin_discovery, sysadmin_browse, sysadmin_search, job_control, config_management, or declare it in customToolsets with its risk level.'],
    ["high-risk toolset in a read-only group", "dev", (c) => c.agents[0].toolsets.push("job_control"), 'config/dev.json: agents[0].toolsets[2]: is a high-risk toolset, but agent group "monitoring" is readOnly (got "job_control"). Fix: remove it from this group, or give it to a separate group with readOnly false.'],
    ["critical custom toolset in a read-only group", "dev", (c) => { c.customToolsets = [{ name: "ptf_apply", risk: "critical" }]; c.agents[0].toolsets.push("ptf_apply"); }, 'config/dev.json: agents[0].toolsets[2]: is a critical-risk toolset, but agent group "monitoring" is readOnly (got "ptf_apply"). Fix: remove it from this group, or give it to a separate group with readOnly false.'],
    ["critical toolset in prod without allowCritical", "prod", (c) => c.agents[1].toolsets.push("config_management"), 'config/prod.json: agents[1].allowCritical: is not true, but agent group "ops" is granted the critical toolset "config_management" in production. Fix: set "allowCritical": true and a "reason" (shown in the review report), or remove the toolset.'],
    ["allowCritical without reason", "prod", (c) => { c.agents[1].toolsets.push("config_management"); c.agents[1].allowCritical = true; }, 'config/prod.json: agents[1].reason: is required when allowCritical is true. Fix: say why this group needs critical toolsets, e.g. "change window automation approved in CHG-1234".'],
    ["allowCritical with no critical toolset", "dev", (c) => { c.agents[1].allowCritical = true; c.agents[1].reason = "not needed at all here"; }, 'config/dev.json: agents[1].allowCritical: is true, but agent group "ops" has no critical toolset (got true). Fix: remove allowCritical and reason.'],
    ["custom toolset redeclaring a known one", "dev", (c) => (c.customToolsets = [{ name: "job_control", risk: "low" }]), 'config/dev.json: customToolsets[0].name: redeclares the known toolset "job_control" (risk high) (got "job_control"). Fix: remove the entry; known toolsets keep the seed\'s risk level.'],
    ["toolset listed twice", "dev", (c) => c.agents[0].toolsets.push("performance"), 'config/dev.json: agents[0].toolsets[2]: lists "performance" twice (got "performance"). Fix: list each toolset once.'],
    ["agent group by security group", "dev", (c) => (c.agents[0].securityGroupIds = ["sg-0123456789abcdef0"]), 'config/dev.json: agents[0].securityGroupIds: cannot be routed to a tier: load balancer listener rules match source addresses, not security groups (got ["sg-0123456789abcdef0"]). Fix: list the agent hosts\' source ranges in cidrs instead and remove securityGroupIds.'],
    ["source ranges behind Client VPN", "dev", (c) => (c.agents[1].connection = "client-vpn"), 'config/dev.json: agents[1].connection: is "client-vpn", which rewrites source addresses, so the load balancer cannot tell this group\'s hosts from others by source range (got "client-vpn"). Fix: connect the group over site-to-site VPN, transit gateway, peering or Direct Connect without NAT, and list the hosts\' own ranges in cidrs.'],
    ["source ranges behind NAT", "dev", (c) => (c.agents[0].connection = "nat"), 'config/dev.json: agents[0].connection: is "nat", which rewrites source addresses, so the load balancer cannot tell this group\'s hosts from others by source range (got "nat"). Fix: connect the group over site-to-site VPN, transit gateway, peering or Direct Connect without NAT, and list the hosts\' own ranges in cidrs.'],
    ["missing connection", "dev", (c) => delete c.agents[0].connection, 'config/dev.json: agents[0].connection: is required: the load balancer routes agent groups to their tiers by source address, which only some connections keep. Fix: add "connection": one of "site-to-site-vpn", "transit-gateway", "peering", "direct-connect", "client-vpn", "nat", "proxy".'],
    ["unknown connection", "dev", (c) => (c.agents[0].connection = "vpn"), 'config/dev.json: agents[0].connection: is not a known connection type (got "vpn"). Fix: use one of "site-to-site-vpn", "transit-gateway", "peering", "direct-connect", "client-vpn", "nat", "proxy".'],
    ["oauth auth mode", "dev", (c) => (c.mcpServer.authMode = "oauth"), 'config/dev.json: mcpServer.authMode: is oauth, which this kit cannot deploy: the isolated tasks have no route to an identity provider\'s JWKS endpoint (got "oauth"). Fix: use "jwt" (one signing secret per tier) or "ibmi".'],
    ["gateway open to an agent range", "dev", (c) => (c.gateway.clientCidrs = ["10.20.2.0/24"]), 'config/dev.json: gateway.clientCidrs[0]: overlaps 10.20.2.0/28 of agent group "ops", so those agents could reach every tier through the gateway (got "10.20.2.0/24"). Fix: give the gateway only the operators\' own ranges, disjoint from every agent group.'],
    ["read-write execute_sql in prod without approval", "prod", (c) => (c.mcpServer.executeSql = "read-write"), 'config/prod.json: mcpServer.executeSql: is read-write in production, which lets agent group "ops" run any SQL statement (critical risk) (got "read-write"). Fix: use "read-only" or "off", or set "allowCritical": true and a "reason" on each read-write agent group.'],
    ["gateway size Fargate refuses", "dev", (c) => (c.gateway.memory = 3000), "config/dev.json: gateway.memory: 3000 MiB is not accepted by Fargate with cpu 512 (got 3000). Fix: use one of 1024, 2048, 3072, 4096."],
  ];
  it.each(cases)("%s", (_, env, edit, expected) => {
    expect(problems(env, edit)).toEqual([expected]);
  });

  it("accepts read-write execute_sql in prod when every read-write group is approved for critical access", () => {
    expect(problems("prod", (c) => { c.mcpServer.executeSql = "read-write"; c.agents[1].allowCritical = true; c.agents[1].reason = "Operations run ad-hoc SQL fixes under change control"; })).toEqual([]);
  });

  it("accepts a critical toolset in prod with allowCritical and a reason, and custom toolsets with a risk", () => {
    expect(
      problems("prod", (c) => {
        c.customToolsets = [{ name: "spool_reports", risk: "low", description: "Spooled file reports" }];
        c.agents[0].toolsets.push("spool_reports");
        c.agents[1].toolsets.push("config_management");
        c.agents[1].allowCritical = true;
        c.agents[1].reason = "System value changes by the change-window automation (CHG-1234)";
      }),
    ).toEqual([]);
  });
});
