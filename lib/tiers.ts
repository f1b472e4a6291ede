/**
 * Toolset tiers: which agent groups share an MCP server, how risky each grant is, and how the load balancer tells
 * the groups apart. The toolsets and their risks come from the tool catalogue (lib/tool-catalogue.ts, the YAML under
 * tools/); config validation, the constructs and the review report all read it, so the grant a reviewer sees is the
 * grant the plan enforces.
 *
 * Risk levels follow the seed's "Toolset Security Boundaries" table (../shared/seed/security-best-practices.md),
 * applied to the tools' annotations (riskOfTools in lib/tool-catalogue.ts).
 */
import { createHash } from "node:crypto";
import { overlaps, toCidr } from "./cidr";
import { describeSearched, loadToolCatalogue, Risk, RISKS, ToolCatalogue, toolsetRiskMap } from "./tool-catalogue";

export { RISKS };
export type { Risk };

/**
 * How an agent group's traffic reaches the VPC. Listener rules match `source-ip` on the address the load balancer
 * sees, which is the agent's own only when nothing on the way rewrites it.
 */
export const SOURCE_PRESERVING_CONNECTIONS = ["site-to-site-vpn", "transit-gateway", "peering", "direct-connect"] as const;
/** AWS Client VPN replaces client addresses with its own; NAT and proxies replace them with theirs. */
export const SOURCE_REWRITING_CONNECTIONS = ["client-vpn", "nat", "proxy"] as const;
export const AGENT_CONNECTIONS = [...SOURCE_PRESERVING_CONNECTIONS, ...SOURCE_REWRITING_CONNECTIONS] as const;
export type AgentConnection = (typeof AGENT_CONNECTIONS)[number];

/** AWS allows at most 5 values in one listener rule condition. */
export const MAX_SOURCE_IPS_PER_RULE = 5;

/** What tiering needs to know of one agent group (a subset of the config's agent entry). */
export interface TierAgent {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly toolsets: readonly string[];
  readonly readOnly: boolean;
}

/** One MCP server service: a distinct (toolsets, read-only) grant, shared by every agent group that has it. */
/**
 * In jwt mode a tier's signing secret lists its agent tokens in its tags, so its rotation can re-mint them: Secrets
 * Manager allows 50 tags per secret, and provider default tags and the kit's own take up to 10.
 */
export const MAX_AGENTS_PER_JWT_TIER = 40;

export interface Tier {
  /** Stable short id, e.g. `ro-1a2b3c`: names target groups (`mcp-<env>-<id>`), services and DNS records. */
  readonly id: string;
  /** Sorted, without duplicates: exactly what `SELECTED_TOOLSETS` lists. */
  readonly toolsets: readonly string[];
  readonly readOnly: boolean;
  /** Agent groups routed to this tier, in config order. */
  readonly agents: readonly string[];
  /** The highest risk among the toolsets. */
  readonly risk: Risk;
}

/** One listener rule: up to five source ranges of one prefix length, of agent groups sharing a tier → that tier. */
export interface RoutingRule {
  readonly priority: number;
  /**
   * The agent groups whose ranges the rule holds, in the order of their first range in `cidrs`: `agents[0]` owns
   * `cidrs[0]`, which is what the rule's construct id names (LoadBalancer.route).
   */
  readonly agents: readonly string[];
  readonly tierId: string;
  /** Sorted by address. */
  readonly cidrs: readonly string[];
}

/** Every toolset the config may grant, with its risk: the toolsets of the tool catalogue (default: tools/). */
export function toolsetRisks(catalogue: ToolCatalogue = loadToolCatalogue()): Map<string, Risk> {
  return toolsetRiskMap(catalogue);
}

export function highestRisk(toolsets: readonly string[], risks: ReadonlyMap<string, Risk>): Risk {
  let best = 0;
  for (const t of toolsets) best = Math.max(best, RISKS.indexOf(risks.get(t) ?? "critical"));
  return RISKS[best];
}

/**
 * The tier id of a grant: `ro-`/`rw-` and 6 hex digits of a hash of the sorted toolsets. It depends on the grant
 * alone, so renaming, adding or reordering agent groups never renames (and so replaces) a tier's resources.
 * 17 characters of `mcp-<env ≤ 12>-` + 9 leave target group names within AWS's 32.
 */
export function tierId(toolsets: readonly string[], readOnly: boolean): string {
  const key = `${readOnly ? "ro" : "rw"}:${canonicalToolsets(toolsets).join(",")}`;
  return `${readOnly ? "ro" : "rw"}-${createHash("sha256").update(key).digest("hex").slice(0, 6)}`;
}

export function canonicalToolsets(toolsets: readonly string[]): string[] {
  return [...new Set(toolsets)].sort();
}

/** Groups agent groups into tiers, sorted by id so the order (and every construct id) is independent of config order. */
export function planTiers(agents: readonly TierAgent[], catalogue: ToolCatalogue = loadToolCatalogue()): Tier[] {
  const risks = toolsetRisks(catalogue);
  const byId = new Map<string, { toolsets: string[]; readOnly: boolean; agents: string[] }>();
  for (const a of agents) {
    const toolsets = canonicalToolsets(a.toolsets);
    const id = tierId(toolsets, a.readOnly);
    const tier = byId.get(id);
    if (tier && tier.toolsets.join(",") !== toolsets.join(",")) throw new Error(`tier id ${id} is shared by two different grants; rename a toolset`);
    if (tier) tier.agents.push(a.name);
    else byId.set(id, { toolsets, readOnly: a.readOnly, agents: [a.name] });
  }
  return [...byId.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([id, t]) => ({ id, toolsets: t.toolsets, readOnly: t.readOnly, agents: t.agents, risk: highestRisk(t.toolsets, risks) }));
}

/** The tier an agent group is routed to. */
export function tierOf(agent: Pick<TierAgent, "toolsets" | "readOnly">): string {
  return tierId(agent.toolsets, agent.readOnly);
}

/**
 * The 3010 listener's rules. Rules route to tiers, not to groups, so the ranges of every agent group of one tier share
 * rules: per (prefix length, tier), sorted by address, in chunks of at most five (AWS's limit of values per condition).
 * 200 groups of one /28 in 10 tiers need 40 rules, not 200 (AWS allows 100 per load balancer by default).
 * Rules are numbered narrowest prefix first, so a broad range can never shadow a narrower one, even if validation were
 * bypassed and two groups' ranges overlapped. Within one prefix length two ranges are equal or disjoint (and
 * validation refuses equal ranges in two groups), so there the order cannot change which rule matches; it follows
 * each rule's first range, so priorities depend on the ranges alone, not on config order. These numbers order the
 * chunks only: the listener's priorities come from tierRules (lib/tier-routes.ts, lib/rule-priorities.ts), which never
 * move a rule that stays.
 */
export function routingRules(agents: readonly TierAgent[], opts: { readonly firstPriority?: number; /** Ranges per rule, fewer when another condition takes a value slot. @default 5 */ readonly sourcesPerRule?: number } = {}): RoutingRule[] {
  const per = opts.sourcesPerRule ?? MAX_SOURCE_IPS_PER_RULE;
  if (!Number.isInteger(per) || per < 1 || per > MAX_SOURCE_IPS_PER_RULE) throw new Error(`sourcesPerRule ${per} is outside 1–${MAX_SOURCE_IPS_PER_RULE}`);
  // (prefix length, tier) → range → the groups listing it (one, unless validation was bypassed).
  const buckets = new Map<string, { prefix: number; tierId: string; ranges: Map<string, { network: number; agents: string[] }> }>();
  for (const a of agents) {
    const tier = tierOf(a);
    for (const c of new Set(a.cidrs)) {
      const r = toCidr(c);
      if (!r) throw new Error(`agent group "${a.name}": "${c}" is not an IPv4 CIDR`);
      const key = `${r.prefix}\u0000${tier}`;
      const bucket = buckets.get(key) ?? { prefix: r.prefix, tierId: tier, ranges: new Map() };
      buckets.set(key, bucket);
      const range = bucket.ranges.get(c) ?? { network: r.network, agents: [] };
      bucket.ranges.set(c, range);
      if (!range.agents.includes(a.name)) range.agents.push(a.name);
    }
  }
  const chunks: { prefix: number; tierId: string; network: number; cidrs: string[]; agents: string[] }[] = [];
  for (const b of buckets.values()) {
    const sorted = [...b.ranges].sort(([x, rx], [y, ry]) => rx.network - ry.network || (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i < sorted.length; i += per) {
      const part = sorted.slice(i, i + per);
      chunks.push({ prefix: b.prefix, tierId: b.tierId, network: part[0][1].network, cidrs: part.map(([c]) => c), agents: [...new Set(part.flatMap(([, r]) => r.agents))] });
    }
  }
  chunks.sort((x, y) => y.prefix - x.prefix || x.network - y.network || (x.tierId < y.tierId ? -1 : x.tierId > y.tierId ? 1 : 0));
  const first = opts.firstPriority ?? 1;
  return chunks.map((c, i) => ({ priority: first + i, agents: c.agents, tierId: c.tierId, cidrs: c.cidrs }));
}

/** A problem found in the tier-related parts of a config; `crossFieldChecks` adds the file and value. */
export interface TierFinding {
  readonly path: (string | number)[];
  readonly problem: string;
  readonly fix: string;
}

/** The parts of an agent entry the tier checks read. */
export interface TierCheckAgent extends TierAgent {
  readonly securityGroupIds: readonly string[];
  readonly connection: AgentConnection;
  readonly allowCritical?: boolean;
  readonly reason?: string;
}

/**
 * Config checks for tiering: toolsets of the tool catalogue, risk against read-only, critical toolsets in prod, and
 * whether the load balancer can tell the group apart by its source address at all.
 */
export function tierChecks(agents: readonly TierCheckAgent[], catalogue: ToolCatalogue, prod: boolean, opts: { readonly gatewayClientCidrs?: readonly string[]; readonly executeSql?: "off" | "read-only" | "read-write" } = {}): TierFinding[] {
  const out: TierFinding[] = [];
  const add = (path: (string | number)[], problem: string, fix: string) => out.push({ path, problem, fix });
  const risks = toolsetRisks(catalogue);

  agents.forEach((a, i) => {
    const seen = new Set<string>();
    a.toolsets.forEach((t, j) => {
      if (seen.has(t)) add(["agents", i, "toolsets", j], `lists "${t}" twice`, "list each toolset once");
      seen.add(t);
      const risk = risks.get(t);
      if (!risk) {
        add(["agents", i, "toolsets", j], `is not a toolset of the tools YAML (searched ${describeSearched(catalogue)})`, `use one of ${[...risks.keys()].join(", ")}, or define it in a YAML file under ${catalogue.dir}/ (tools/README.md)`);
        return;
      }
      if (a.readOnly && (risk === "high" || risk === "critical")) {
        const ts = catalogue.toolsets.get(t);
        const writers = (ts?.tools ?? []).filter((n) => catalogue.tools.get(n) && !catalogue.tools.get(n)!.readOnly);
        const why = writers.length ? ` (${writers.map((n) => `${n}${catalogue.tools.get(n)!.destructive ? " is destructive" : " writes"}`).join(", ")})` : ts?.declaredRisk ? ` (declared in ${ts.files.join(", ")})` : "";
        add(["agents", i, "toolsets", j], `is a ${risk}-risk toolset${why}, but agent group "${a.name}" is readOnly`, "remove it from this group, or give it to a separate group with readOnly false");
      }
    });
    const critical = canonicalToolsets(a.toolsets).filter((t) => risks.get(t) === "critical");
    if (prod && critical.length && a.allowCritical !== true) {
      add(
        ["agents", i, "allowCritical"],
        `is not true, but agent group "${a.name}" is granted the critical toolset${critical.length > 1 ? "s" : ""} ${critical.map((t) => `"${t}"`).join(", ")} in production`,
        'set "allowCritical": true and a "reason" (shown in the review report), or remove the toolset',
      );
    }
    if (a.allowCritical === true && !a.reason) add(["agents", i, "reason"], "is required when allowCritical is true", 'say why this group needs critical toolsets, e.g. "change window automation approved in CHG-1234"');
    if (a.allowCritical === true && critical.length === 0 && !(opts.executeSql === "read-write" && !a.readOnly)) add(["agents", i, "allowCritical"], `is true, but agent group "${a.name}" has no critical toolset`, "remove allowCritical and reason");

    if (a.securityGroupIds.length > 0) {
      add(["agents", i, "securityGroupIds"], "cannot be routed to a tier: load balancer listener rules match source addresses, not security groups", "list the agent hosts' source ranges in cidrs instead and remove securityGroupIds");
    }
    if ((SOURCE_REWRITING_CONNECTIONS as readonly string[]).includes(a.connection) && a.cidrs.length > 0) {
      add(
        ["agents", i, "connection"],
        `is "${a.connection}", which rewrites source addresses, so the load balancer cannot tell this group's hosts from others by source range`,
        "connect the group over site-to-site VPN, transit gateway, peering or Direct Connect without NAT, and list the hosts' own ranges in cidrs",
      );
    }
  });
  // The gateway federates every tier: an agent host that could reach it would bypass its own tier's grant.
  (opts.gatewayClientCidrs ?? []).forEach((g, j) => {
    const gc = toCidr(g);
    if (!gc) return;
    for (const a of agents) {
      const clash = a.cidrs.find((c) => toCidr(c) && overlaps(toCidr(c)!, gc));
      if (clash) add(["gateway", "clientCidrs", j], `overlaps ${clash} of agent group "${a.name}", so those agents could reach every tier through the gateway`, "give the gateway only the operators' own ranges, disjoint from every agent group");
    }
  });
  // execute_sql in read-write mode runs any statement the service profile may: a critical grant to every read-write group.
  if (prod && opts.executeSql === "read-write") {
    const unapproved = agents.filter((a) => !a.readOnly && a.allowCritical !== true).map((a) => a.name);
    if (unapproved.length)
      add(
        ["mcpServer", "executeSql"],
        `is read-write in production, which lets agent group${unapproved.length > 1 ? "s" : ""} ${unapproved.map((n) => `"${n}"`).join(", ")} run any SQL statement (critical risk)`,
        'use "read-only" or "off", or set "allowCritical": true and a "reason" on each read-write agent group',
      );
  }
  // The rules-per-load-balancer quota (100 by default, adjustable) is checked against the account by the preflight.
  return out;
}
