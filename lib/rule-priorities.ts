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
 * Collisions: two keys whose hashes meet (odds about n²/30,000 for n chunks: 0.3 % for 10, 8 % for the 50 of the
 * benchmark's 200 groups) are told apart by probing in key order (`assignSlots`): the key that sorts first keeps its
 * slot, the next takes the slot of `<key>#1` (then `#2`…). Only such a pair can still move: adding a chunk that sorts
 * before the holder and hashes to its slot, or removing the holder, moves the other rule, and that one apply may meet
 * PriorityInUse (a second apply completes it). Failing the synth instead would refuse estates the size of the benchmark
 * about one time in twelve, with renaming an agent group (and replacing its token) as the only way out.
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

/** The priority of the `kind` rule of the chunk in `slot` (from `assignSlots`). */
export function rulePriority(kind: RuleKind, slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= PRIORITY_SLOTS) throw new Error(`priority slot ${slot} is outside 0–${PRIORITY_SLOTS - 1}`);
  return PRIORITY_BAND_START[kind] + slot;
}

/**
 * Each key's slot: its hash's, unless a key sorting before it holds that one; then the first free slot of `<key>#1`,
 * `<key>#2`…. Depends on the set of keys alone, never on their order.
 */
export function assignSlots(keys: readonly string[]): Map<string, number> {
  const holder = new Map<number, string>();
  const out = new Map<string, number>();
  for (const key of [...new Set(keys)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    for (let i = 0; i <= PRIORITY_SLOTS * 4; i++) {
      const slot = prioritySlot(i === 0 ? key : `${key}#${i}`);
      if (holder.has(slot)) continue;
      holder.set(slot, key);
      out.set(key, slot);
      break;
    }
    if (!out.has(key)) throw new Error(`no free priority slot for listener rule ${key}: more than ${PRIORITY_SLOTS} rules of one kind`);
  }
  return out;
}
