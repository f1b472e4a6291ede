import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { MAX_SOURCE_IPS_PER_RULE, planTiers, routingRules, tierId, tierOf, TierAgent } from "../../lib/tiers";
import { catalogueOf, loadToolCatalogue } from "../../lib/tool-catalogue";
import { toCidr, contains } from "../../lib/cidr";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));
function problems(env: string, edit: (c: any) => void, catalogue = loadToolCatalogue()): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`, catalogue).problems.map(formatProblem);
}

/** The shipped tools plus an operator's file with a toolset of the given tools. */
function withOperatorFile(yaml: string) {
  const shipped = loadToolCatalogue();
  return catalogueOf("tools", [...shipped.files.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })), { file: "tools/local/spool.yaml", text: yaml }]);
}
const spoolReports = (annotations: string, risk = "") => `tools:
  spool_report:
    source: ibmi-system
    description: Spooled files of a user
    statement: SELECT spooled_file_name FROM qsys2.output_queue_entries_basic
    security: { readOnly: ${annotations.includes("readOnlyHint: false") ? "false" : "true"} }
    annotations: { ${annotations} }
toolsets:
  spool_reports:
    tools: [spool_report]${
      risk
        ? `
    metadata: { risk: ${risk} }`
        : ""
    }
`;

const agent = (name: string, cidrs: string[], toolsets: string[], readOnly: boolean): TierAgent => ({ name, cidrs, toolsets, readOnly });

describe("planTiers", () => {
  const agents = [
    agent("monitoring", ["10.20.1.0/28"], ["performance", "sysadmin_discovery"], true),
    agent("ops", ["10.20.2.0/28"], ["performance", "security_remediation"], false),
    agent("capacity", ["10.20.3.0/28"], ["sysadmin_discovery", "performance", "performance"], true),
  ];

  it("gives groups with the same toolsets and readOnly one tier, whatever the order they list toolsets in", () => {
    const tiers = planTiers(agents);
    expect(tiers.map((t) => [t.id, t.toolsets, t.readOnly, t.agents, t.risk])).toEqual([
      [tierId(["performance", "sysadmin_discovery"], true), ["performance", "sysadmin_discovery"], true, ["monitoring", "capacity"], "low"],
      [tierId(["performance", "security_remediation"], false), ["performance", "security_remediation"], false, ["ops"], "critical"],
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

  it("rates a tier by its riskiest toolset, operators' own ones included", () => {
    const cat = withOperatorFile(spoolReports("readOnlyHint: true", "medium"));
    expect(cat.problems).toEqual([]);
    expect(planTiers([agent("x", ["10.0.0.0/28"], ["performance", "spool_reports"], false)], cat)[0].risk).toBe("medium");
    expect(planTiers([agent("x", ["10.0.0.0/28"], ["performance", "sysadmin_search"], true)])[0].risk).toBe("low");
  });
});

describe("routingRules", () => {
  it("splits a group's ranges into rules of at most five, one prefix length each, narrowest first, with unique priorities", () => {
    const many = Array.from({ length: 7 }, (_, i) => `10.20.${i}.0/28`);
    const rules = routingRules([agent("wide", ["10.30.0.0/16"], ["performance"], true), agent("many", [...many, "10.21.0.0/24"], ["performance", "security_audit"], false)]);
    expect(rules.map((r) => [r.priority, r.agents, r.cidrs])).toEqual([
      [1, ["many"], many.slice(0, 5)],
      [2, ["many"], many.slice(5)],
      [3, ["many"], ["10.21.0.0/24"]],
      [4, ["wide"], ["10.30.0.0/16"]],
    ]);
    expect(rules.every((r) => r.cidrs.length <= MAX_SOURCE_IPS_PER_RULE)).toBe(true);
  });

  it("never lets a broad range shadow a narrower one, even when ranges of two groups overlap", () => {
    const rules = routingRules([agent("broad", ["10.20.0.0/16"], ["performance"], true), agent("narrow", ["10.20.5.0/28"], ["security_audit"], false)]);
    expect(rules.map((r) => [r.priority, r.agents])).toEqual([
      [1, ["narrow"]],
      [2, ["broad"]],
    ]);
    // The first rule (by priority) whose range contains an address decides: 10.20.5.1 goes to "narrow".
    const address = toCidr("10.20.5.1/32")!;
    expect(rules.find((r) => r.cidrs.some((c) => contains(toCidr(c)!, address)))!.agents).toEqual(["narrow"]);
  });

  it("routes each rule to the tier of its group", () => {
    const a = [agent("m", ["10.1.0.0/28"], ["performance"], true), agent("o", ["10.2.0.0/28"], ["security_audit"], false)];
    expect(routingRules(a).map((r) => [r.agents, r.tierId])).toEqual([
      [["m"], tierOf(a[0])],
      [["o"], tierOf(a[1])],
    ]);
  });

  it("packs ranges of groups of one tier and one prefix length into shared rules, never across tiers or prefix lengths", () => {
    const a = [
      agent("m1", ["10.1.0.0/28", "10.1.3.0/28"], ["performance"], true),
      agent("o", ["10.1.1.0/28"], ["performance"], false),
      agent("m2", ["10.1.2.0/28", "10.1.4.0/28", "10.9.0.0/24"], ["performance"], true),
      agent("m3", ["10.1.5.0/28", "10.1.6.0/28"], ["performance"], true),
    ];
    const ro = tierOf(a[0]);
    const rw = tierOf(a[1]);
    expect(routingRules(a).map((r) => [r.priority, r.tierId, r.agents, r.cidrs])).toEqual([
      // agents in the order of their first range: agents[0] owns cidrs[0] (the rule's construct id names both).
      [1, ro, ["m1", "m2", "m3"], ["10.1.0.0/28", "10.1.2.0/28", "10.1.3.0/28", "10.1.4.0/28", "10.1.5.0/28"]],
      [2, rw, ["o"], ["10.1.1.0/28"]],
      [3, ro, ["m3"], ["10.1.6.0/28"]],
      [4, ro, ["m2"], ["10.9.0.0/24"]],
    ]);
  });

  it("gives the same rules and priorities whatever the config order", () => {
    const a = Array.from({ length: 12 }, (_, i) => agent(`g${i}`, [`10.7.${i}.0/28`, `10.8.${i}.0/27`], [i % 3 ? "performance" : "sysadmin_browse"], i % 2 === 0));
    expect(routingRules([...a].reverse())).toEqual(routingRules(a));
  });

  it("routes every address of every group to its own tier, through the first matching rule (the load balancer's order)", () => {
    const a = Array.from({ length: 30 }, (_, i) => agent(`g${i}`, [`10.5.${i}.0/28`, ...(i % 4 ? [] : [`10.6.${i}.0/24`])], [["performance"], ["sysadmin_browse"], ["performance", "security_audit"]][i % 3], i % 3 !== 2));
    const rules = routingRules(a);
    for (const g of a) {
      for (const c of g.cidrs) {
        const first = rules.find((r) => r.cidrs.some((x) => contains(toCidr(x)!, toCidr(c)!)))!;
        expect([g.name, c, first.tierId, first.agents.includes(g.name)]).toEqual([g.name, c, tierOf(g), true]);
      }
    }
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  });

  it("needs 40 rules, not 200, for the benchmark's estate of 200 groups of one /28 in 10 tiers", () => {
    const grants = [
      ["performance"],
      ["sysadmin_browse"],
      ["sysadmin_search"],
      ["sysadmin_discovery"],
      ["performance", "sysadmin_browse"],
      ["performance", "sysadmin_search"],
      ["performance", "sysadmin_discovery"],
      ["sysadmin_browse", "sysadmin_search"],
      ["sysadmin_browse", "sysadmin_discovery"],
      ["sysadmin_search", "sysadmin_discovery"],
    ];
    const a = Array.from({ length: 200 }, (_, i) => agent(`agent-${i}`, [`10.100.${i}.0/28`], grants[Math.floor(i / 20)], true));
    const rules = routingRules(a);
    expect(rules).toHaveLength(40);
    expect(rules.every((r) => r.cidrs.length === MAX_SOURCE_IPS_PER_RULE && r.agents.length === MAX_SOURCE_IPS_PER_RULE)).toBe(true);
  });
});

describe("config validation of tiers", () => {
  const cases: [string, string, (c: any) => void, string][] = [
    // The seed's job_control is an illustration, not a toolset of any tools YAML: the error names the files searched.
    [
      "unknown toolset",
      "dev",
      (c) => (c.agents[0].toolsets = ["performance", "job_control"]),
      'config/dev.json: agents[0].toolsets[1]: is not a toolset of the tools YAML (searched tools/performance.yaml (performance), tools/security.yaml (security_audit, security_remediation), tools/sources.yaml (no toolset), tools/sysadmin.yaml (sysadmin_browse, sysadmin_discovery, sysadmin_search)) (got "job_control"). Fix: use one of performance, security_audit, security_remediation, sysadmin_browse, sysadmin_discovery, sysadmin_search, or define it in a YAML file under tools/ (tools/README.md).',
    ],
    [
      "critical toolset in a read-only group",
      "dev",
      (c) => c.agents[0].toolsets.push("security_remediation"),
      'config/dev.json: agents[0].toolsets[2]: is a critical-risk toolset (exclude_public_from_profile is destructive), but agent group "monitoring" is readOnly (got "security_remediation"). Fix: remove it from this group, or give it to a separate group with readOnly false.',
    ],
    [
      "critical toolset in prod without allowCritical",
      "prod",
      (c) => {
        delete c.agents[1].allowCritical;
        delete c.agents[1].reason;
      },
      'config/prod.json: agents[1].allowCritical: is not true, but agent group "ops" is granted the critical toolset "security_remediation" in production. Fix: set "allowCritical": true and a "reason" (shown in the review report), or remove the toolset.',
    ],
    [
      "allowCritical without reason",
      "prod",
      (c) => delete c.agents[1].reason,
      'config/prod.json: agents[1].reason: is required when allowCritical is true. Fix: say why this group needs critical toolsets, e.g. "change window automation approved in CHG-1234".',
    ],
    [
      "allowCritical with no critical toolset",
      "dev",
      (c) => {
        c.agents[0].allowCritical = true;
        c.agents[0].reason = "not needed at all here";
      },
      'config/dev.json: agents[0].allowCritical: is true, but agent group "monitoring" has no critical toolset (got true). Fix: remove allowCritical and reason.',
    ],
    ["toolset listed twice", "dev", (c) => c.agents[0].toolsets.push("performance"), 'config/dev.json: agents[0].toolsets[2]: lists "performance" twice (got "performance"). Fix: list each toolset once.'],
    [
      "agent group by security group",
      "dev",
      (c) => (c.agents[0].securityGroupIds = ["sg-0123456789abcdef0"]),
      'config/dev.json: agents[0].securityGroupIds: cannot be routed to a tier: load balancer listener rules match source addresses, not security groups (got ["sg-0123456789abcdef0"]). Fix: list the agent hosts\' source ranges in cidrs instead and remove securityGroupIds.',
    ],
    [
      "source ranges behind Client VPN",
      "dev",
      (c) => (c.agents[1].connection = "client-vpn"),
      'config/dev.json: agents[1].connection: is "client-vpn", which rewrites source addresses, so the load balancer cannot tell this group\'s hosts from others by source range (got "client-vpn"). Fix: connect the group over site-to-site VPN, transit gateway, peering or Direct Connect without NAT, and list the hosts\' own ranges in cidrs.',
    ],
    [
      "source ranges behind NAT",
      "dev",
      (c) => (c.agents[0].connection = "nat"),
      'config/dev.json: agents[0].connection: is "nat", which rewrites source addresses, so the load balancer cannot tell this group\'s hosts from others by source range (got "nat"). Fix: connect the group over site-to-site VPN, transit gateway, peering or Direct Connect without NAT, and list the hosts\' own ranges in cidrs.',
    ],
    [
      "missing connection",
      "dev",
      (c) => delete c.agents[0].connection,
      'config/dev.json: agents[0].connection: is required: the load balancer routes agent groups to their tiers by source address, which only some connections keep. Fix: add "connection": one of "site-to-site-vpn", "transit-gateway", "peering", "direct-connect", "client-vpn", "nat", "proxy".',
    ],
    [
      "unknown connection",
      "dev",
      (c) => (c.agents[0].connection = "vpn"),
      'config/dev.json: agents[0].connection: is not a known connection type (got "vpn"). Fix: use one of "site-to-site-vpn", "transit-gateway", "peering", "direct-connect", "client-vpn", "nat", "proxy".',
    ],
    [
      "ibmi auth mode outside dev",
      "staging",
      (c) => (c.mcpServer.authMode = "ibmi"),
      'config/staging.json: mcpServer.authMode: is ibmi in staging environment: built-in tools run with the server\'s own IBM i credentials whoever signed in, and the auth endpoint\'s unvalidated host field lets a caller mint tokens the server accepts (IBM/ibmi-mcp-server issue #190) (got "ibmi"). Fix: use "oauth" (the default), or "jwt" while migrating.',
    ],
    [
      "no auth outside dev",
      "prod",
      (c) => (c.mcpServer.authMode = "none"),
      'config/prod.json: mcpServer.authMode: is none in prod environment: every caller that reaches a tier could run its tools unauthenticated (got "none"). Fix: use "oauth" (the default), or "jwt" while migrating.',
    ],
    [
      "token rotation faster than Secrets Manager allows",
      "prod",
      (c) => (c.agentTokens = { rotationHours: 2, lifetimeHours: 12 }),
      "config/prod.json: agentTokens.rotationHours: is 2; Secrets Manager rotates as often as every 4 hours, and a rate of 24 hours or more is a rate in days (got 2). Fix: write 4 to 23.",
    ],
    [
      "token lifetime shorter than two rotations",
      "prod",
      (c) => (c.agentTokens = { rotationHours: 8, lifetimeHours: 12 }),
      "config/prod.json: agentTokens.lifetimeHours: is 12 hours, less than twice agentTokens.rotationHours (8): a failed re-mint would have no whole interval to be retried before agents hold an expired token (got 12). Fix: write 16 or more, or lower agentTokens.rotationHours.",
    ],
    ["long-lived tokens", "prod", (c) => (c.agentTokens = { lifetimeHours: 48 }), "config/prod.json: agentTokens.lifetimeHours: is 48; tokens must be short-lived (1 to 24 hours) (got 48). Fix: write e.g. 12."],
    [
      "key deletion window KMS refuses",
      "prod",
      (c) => (c.agentTokens = { keyDeletionDays: 3 }),
      "config/prod.json: agentTokens.keyDeletionDays: is 3; AWS KMS waits 7 to 30 days before deleting a key (got 3). Fix: write 7 to 30, or remove it (30; 7 in dev).",
    ],
    [
      "agent group named like the gateway's keys",
      "prod",
      (c) => (c.agents[0].name = "gateway"),
      'config/prod.json: agents[0].name: is "gateway", but in oauth mode client id "gateway" and the key names gateway-<tier> belong to the gateway\'s own tokens (got "gateway"). Fix: rename the group, e.g. "gateway-operators" → "operators".',
    ],
    [
      "key rollover in jwt mode",
      "dev",
      (c) => (c.agents[0].keyGeneration = 2),
      'config/dev.json: agents[0].keyGeneration: is 2, but signing keys exist only in oauth mode (mcpServer.authMode is jwt) (got 2). Fix: remove it, or set mcpServer.authMode "oauth".',
    ],
    [
      "gateway open to an agent range",
      "dev",
      (c) => (c.gateway.clientCidrs = ["10.20.2.0/24"]),
      'config/dev.json: gateway.clientCidrs[0]: overlaps 10.20.2.0/28 of agent group "ops", so those agents could reach every tier through the gateway (got "10.20.2.0/24"). Fix: give the gateway only the operators\' own ranges, disjoint from every agent group.',
    ],
    [
      "read-write execute_sql in prod without approval",
      "prod",
      (c) => {
        c.mcpServer.executeSql = "read-write";
        c.agents[1].toolsets = ["performance", "security_audit"];
        delete c.agents[1].allowCritical;
        delete c.agents[1].reason;
      },
      'config/prod.json: mcpServer.executeSql: is read-write in production, which lets agent group "ops" run any SQL statement (critical risk) (got "read-write"). Fix: use "read-only" or "off", or set "allowCritical": true and a "reason" on each read-write agent group.',
    ],
    ["gateway size Fargate refuses", "dev", (c) => (c.gateway.memory = 3000), "config/dev.json: gateway.memory: 3000 MiB is not accepted by Fargate with cpu 512 (got 3000). Fix: use one of 1024, 2048, 3072, 4096."],
  ];
  it.each(cases)("%s", (_, env, edit, expected) => {
    expect(problems(env, edit)).toEqual([expected]);
  });

  it("accepts read-write execute_sql in prod when every read-write group is approved for critical access", () => {
    expect(
      problems("prod", (c) => {
        c.mcpServer.executeSql = "read-write";
        c.agents[1].toolsets = ["performance", "security_audit"];
        c.agents[1].reason = "Operations run ad-hoc SQL fixes under change control";
      }),
    ).toEqual([]);
  });

  it("accepts a critical toolset in prod with allowCritical and a reason (the shipped prod config)", () => {
    expect(problems("prod", () => {})).toEqual([]);
  });

  it("takes an operator's own toolset from a YAML file under tools/, with the risk its annotations give", () => {
    const readOnly = withOperatorFile(spoolReports("readOnlyHint: true, destructiveHint: false"));
    expect(problems("dev", (c) => c.agents[0].toolsets.push("spool_reports"), readOnly)).toEqual([]);
    const writes = withOperatorFile(spoolReports("readOnlyHint: false, destructiveHint: false"));
    expect(problems("dev", (c) => c.agents[0].toolsets.push("spool_reports"), writes)).toEqual([
      'config/dev.json: agents[0].toolsets[2]: is a high-risk toolset (spool_report writes), but agent group "monitoring" is readOnly (got "spool_reports"). Fix: remove it from this group, or give it to a separate group with readOnly false.',
    ]);
    const declared = withOperatorFile(spoolReports("readOnlyHint: true, destructiveHint: false", "critical"));
    expect(
      problems(
        "prod",
        (c) => {
          c.agents[0].toolsets.push("spool_reports");
        },
        declared,
      ),
    ).toEqual([
      'config/prod.json: agents[0].toolsets[4]: is a critical-risk toolset (declared in tools/local/spool.yaml), but agent group "monitoring" is readOnly (got "spool_reports"). Fix: remove it from this group, or give it to a separate group with readOnly false.',
      'config/prod.json: agents[0].allowCritical: is not true, but agent group "monitoring" is granted the critical toolset "spool_reports" in production. Fix: set "allowCritical": true and a "reason" (shown in the review report), or remove the toolset.',
    ]);
  });

  it("refuses the removed customToolsets key: toolsets come from the tools YAML", () => {
    expect(problems("dev", (c) => (c.customToolsets = [{ name: "spool_reports", risk: "low" }]))[0]).toMatch(/^config\/dev\.json: customToolsets: is not a known key/);
  });
});
