/**
 * The plan must apply the first time, and every later apply too: Terraform moves an existing listener rule's priority in
 * place (SetRulePriorities, one rule per call) while it creates the new rules, in parallel, and ELB refuses a priority
 * another rule of the listener still holds (PriorityInUse; lib/rule-priorities.ts cites the pages). So across every
 * config change an environment goes through, a rule that stays keeps its priority, and no rule takes a priority that
 * another rule held before. Configs built here, synthesized, compared address by address.
 */
import { McpConfig } from "../../config/schema";
import { PRIORITY_BAND_START, PRIORITY_SLOTS } from "../../lib/rule-priorities";
import { TerraformJson } from "../../policy/types";
import { synthStack, variant } from "../helpers";
import { resources } from "../plans";
import { collidingGroups } from "../support/rule-collisions";

/** Listener rule address → priority. */
const priorities = (plan: TerraformJson) => new Map(resources(plan, "aws_lb_listener_rule").map(([address, r]) => [address, r.priority as number]));

/** What would fail applying `after` over `before`: a rule moving, or a rule taking a priority another held. */
function hazards(before: Map<string, number>, after: Map<string, number>): string[] {
  const holder = new Map([...before].map(([a, p]) => [p, a]));
  const out: string[] = [];
  for (const [address, p] of after) {
    if (before.has(address) && before.get(address) !== p) out.push(`${address} moves ${before.get(address)} → ${p}`);
    const held = holder.get(p);
    if (held !== undefined && held !== address) out.push(`${address} takes ${p}, which ${held} holds`);
  }
  return out;
}

// Staging: oauth with RFC 9728 metadata, two tiers (monitoring + capacity-planning, ops); monitoring given six ranges,
// so its tier fills a rule (four ranges) and starts another.
const staging = (edit: (c: any) => void) =>
  variant("staging", (c) => {
    c.agents[0].cidrs = ["10.21.1.0/28", "10.21.5.0/28", "10.21.6.0/28", "10.21.7.0/28", "10.21.8.0/28", "10.21.9.0/28"];
    edit(c);
  });
/** A new tier: capacity-planning's entry (defaults applied) with a grant of its own. */
const withAudit = (c: any) => c.agents.push({ ...c.agents[2], name: "audit", description: "A new tier", cidrs: ["10.21.4.0/28"], toolsets: ["performance"], readOnly: false });
const configs: Record<string, McpConfig> = {
  "oauth without metadata": staging((c) => (c.mcpServer.protectedResourceMetadata = false)),
  oauth: staging(() => undefined),
  "a tier added": staging(withAudit),
  "a tier removed": staging((c) => (c.agents = c.agents.filter((a: { name: string }) => a.name !== "ops"))),
  "migration started": staging((c) => (c.mcpServer.authMigration = "jwt-to-oauth")),
  "migration started, a tier added": staging((c) => {
    c.mcpServer.authMigration = "jwt-to-oauth";
    withAudit(c);
  }),
};

describe("listener rule priorities across config changes", () => {
  const plans = new Map<string, Map<string, number>>();
  beforeAll(() => {
    for (const [name, config] of Object.entries(configs)) plans.set(name, priorities(synthStack(config).plan));
  });

  it("has the rules each change should add or remove", () => {
    const n = (name: string) => plans.get(name)!.size;
    expect([n("oauth without metadata"), n("oauth"), n("a tier added"), n("a tier removed"), n("migration started"), n("migration started, a tier added")]).toEqual([3, 6, 8, 4, 9, 12]);
  });

  // Every pair in both directions: each is a change someone may apply (metadata on or off, a migration started or
  // ended, a tier added or removed, several at once).
  const names = Object.keys(configs);
  const pairs = names.flatMap((a) => names.filter((b) => b !== a).map((b) => [a, b]));
  it.each(pairs)("applies %s → %s without moving a rule or reusing a priority", (from, to) => {
    expect(hazards(plans.get(from)!, plans.get(to)!)).toEqual([]);
  });

  it("keeps the shared rules' priorities, and puts each kind in its band", () => {
    const all = [...plans.values()];
    const shared = [...all[0].keys()].filter((a) => all.every((p) => p.has(a)));
    expect(shared.length).toBeGreaterThan(0);
    for (const a of shared) expect(new Set(all.map((p) => p.get(a))).size).toBe(1);
    for (const p of all)
      for (const [address, priority] of p) {
        const kind = /_metadata-/.test(address) ? "metadata" : /_route-jwt-/.test(address) ? "legacy-jwt" : "forward";
        expect([address, priority >= PRIORITY_BAND_START[kind] && priority < PRIORITY_BAND_START[kind] + PRIORITY_SLOTS]).toEqual([address, true]);
      }
  });

  it("moves each rule once from the kit's old numbering (1, 2, 3…) without taking a priority an old rule held", () => {
    // The old numbering used 1 to the number of rules (AWS's default quota: 100 per load balancer); the bands start at 1001.
    for (const p of plans.values()) expect(Math.min(...p.values())).toBeGreaterThan(Math.max(p.size, 100));
  });

  it("synthesizes two groups whose rules hash to one slot, each rule at a priority of its own", () => {
    const [x, y] = collidingGroups({ toolsets: ["performance"], readOnly: true }, { toolsets: ["performance"], readOnly: false });
    const config = staging((c) => {
      c.agents = [
        { ...c.agents[0], name: x.name, cidrs: x.cidrs, toolsets: x.toolsets, readOnly: x.readOnly },
        { ...c.agents[1], name: y.name, cidrs: y.cidrs, toolsets: y.toolsets, readOnly: y.readOnly },
      ];
    });
    const p = priorities(synthStack(config).plan);
    expect(p.size).toBe(4);
    expect(new Set(p.values()).size).toBe(4);
  });
});
