/** Agent groups whose listener rules hash to one priority slot (lib/rule-priorities.ts), for the collision tests. */
import { prioritySlot, ruleKey } from "../../lib/rule-priorities";
import { TierAgent } from "../../lib/tiers";

/**
 * The first two groups `g<i>` with one /28 each (10.60.0.0/28, 10.60.1.0/28, …) whose rules share a slot, found by
 * search: SHA-256 of fixed names, so the same pair every run (a birthday search over 15,000 slots takes ~150 groups).
 * The two get different grants, so they are different tiers and cannot share a rule.
 */
export function collidingGroups(
  first: Pick<TierAgent, "toolsets" | "readOnly"> = { toolsets: ["performance"], readOnly: true },
  second: Pick<TierAgent, "toolsets" | "readOnly"> = { toolsets: ["security_audit"], readOnly: true },
): [TierAgent, TierAgent] {
  const seen = new Map<number, TierAgent>();
  for (let i = 0; i < 65536; i++) {
    const g: TierAgent = { name: `g${i}`, cidrs: [`10.${60 + (i >> 8)}.${i & 255}.0/28`], ...first };
    const slot = prioritySlot(ruleKey({ agents: [g.name], cidrs: g.cidrs }));
    const other = seen.get(slot);
    if (other) return [other, { ...g, ...second }];
    seen.set(slot, g);
  }
  throw new Error("no two groups collide");
}
