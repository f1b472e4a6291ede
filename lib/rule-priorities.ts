/**
 * Priorities of the 3010 listener's rules that never move for a rule that stays.
 *
 * Terraform changes an existing aws_lb_listener_rule's `priority` in place, one SetRulePriorities call per rule
 * (hashicorp/terraform-provider-aws internal/service/elbv2/listener_rule.go, resourceListenerRuleUpdate; in place since
 * PR #23768), and creates new rules with CreateRule at their given priority, all in parallel. Elastic Load Balancing
 * refuses a priority another rule of the listener still holds: SetRulePriorities "You can reorder the rules as long as
 * there are no priority conflicts in the new order", error PriorityInUse (also CreateRule's):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetRulePriorities.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html
 * (the failure in the wild: pulumi/pulumi-aws#175, wellcomecollection/wellcomecollection.org#6519). With priorities
 * numbered 1, 2, 3… adding or removing a tier, turning RFC 9728 metadata on, or starting or ending a jwt-to-oauth
 * migration renumbered the rules that stayed, and the apply stopped halfway.
 *
 * So a rule's priority depends on its own identity alone, the identity its construct id (and so its Terraform address)
 * is made of: its first range and that range's agent group (`ruleKey`), and its kind. The kind picks a band, the key a
 * slot in it: metadata rules 1001–16000, legacy-jwt rules 16001–31000, forward rules 31001–46000, slot = SHA-256 of the
 * key modulo 15000. A rule that stays keeps its priority whatever comes or goes; a new rule takes its own slot, which a
 * rule being deleted in the same apply holds only if their keys collide (below). 1–1000 stay free: the kit numbered its
 * rules 1, 2, 3… before, so the one apply that moves them into their bands never meets a priority an old rule holds,
 * and a hand-written rule there comes before every tier rule.
 *
 * Order: a chunk's three rules hold the same ranges, and its metadata and legacy-jwt rules come before its forward rule
 * because every metadata priority is below every legacy-jwt priority, which are below every forward priority. Rules of
 * different chunks hold disjoint ranges (config validation refuses overlapping agent ranges; `tierRules` refuses them
 * across tiers), so no rule can take another tier's traffic whatever their order.
 *
 * Collisions: two keys in one slot would give two rules one priority, which AWS refuses; the stack fails at synth with
 * both rules named (`assertDistinctSlots`). With n chunks the odds are about n²/30,000: 0.3 % for 10, 4 % for 33 (the
 * most that fit AWS's 100 rules per load balancer with all three kinds). Renaming one agent group moves its rules.
 */
import { createHash } from "node:crypto";
import type { RoutingRule } from "./tiers";

/** AWS's range for a listener rule priority (RulePriorityPair.Priority, CreateRule.Priority). */
export const MIN_RULE_PRIORITY = 1;
export const MAX_RULE_PRIORITY = 50000;

/** Slots per kind band: three bands fit in 1001–46000, above the kit's old 1, 2, 3… and below AWS's 50000. */
export const PRIORITY_SLOTS = 15000;

/** Where each kind's band starts: metadata, then legacy jwt, then forward, so a chunk's rules keep that order. */
export const PRIORITY_BAND_START = { metadata: 1001, "legacy-jwt": 16001, forward: 31001 } as const;

export type RuleKind = keyof typeof PRIORITY_BAND_START;

/** A rule's identity: its first range's agent group and that range; LoadBalancer names the rule's construct id after it. */
export function ruleKey(rule: Pick<RoutingRule, "agents" | "cidrs">): string {
  return `${rule.agents[0]}-${rule.cidrs[0].replace(/[./]/g, "-")}`;
}

/** The key's slot in every band: SHA-256 of the key, its first 6 bytes, modulo PRIORITY_SLOTS. */
export function prioritySlot(key: string): number {
  return createHash("sha256").update(key).digest().readUIntBE(0, 6) % PRIORITY_SLOTS;
}

/** The priority of the `kind` rule of the chunk `key`. */
export function rulePriority(kind: RuleKind, key: string): number {
  return PRIORITY_BAND_START[kind] + prioritySlot(key);
}

/**
 * Throws when two chunks share a slot, naming both, their groups and ranges, and the fix. Run on every chunk of the
 * listener before any rule is built, so the error says what collides rather than which priority is taken.
 */
export function assertDistinctSlots(chunks: readonly Pick<RoutingRule, "agents" | "cidrs">[]): void {
  const bySlot = new Map<number, Pick<RoutingRule, "agents" | "cidrs">>();
  const problems: string[] = [];
  for (const c of chunks) {
    const slot = prioritySlot(ruleKey(c));
    const other = bySlot.get(slot);
    if (!other) {
      bySlot.set(slot, c);
      continue;
    }
    if (ruleKey(other) === ruleKey(c)) continue;
    problems.push(
      `the listener rules of agent group "${other.agents[0]}" (${other.cidrs.join(", ")}) and of agent group "${c.agents[0]}" (${c.cidrs.join(", ")}) both hash to priority slot ${slot} (forward priority ${PRIORITY_BAND_START.forward + slot}); ` +
        `priorities are derived from each rule's first range and its group so that they never move when tiers, metadata or a migration come and go, and AWS refuses two rules with one priority (PriorityInUse). ` +
        `Fix: rename agent group "${c.agents[0]}" or "${other.agents[0]}" (preferably the one you are adding: renaming an existing group replaces its rules and its token)`,
    );
  }
  if (problems.length) throw new Error(problems.join("\n"));
}
