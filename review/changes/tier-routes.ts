/** Which agent ranges reach which tier: new routes, ranges added or removed, targets moved, toolsets changed. */
import type { Facts } from "../facts";
import { Add } from "./add";

export function tierRouteChanges(x: Pick<Facts, "tiers">, y: Pick<Facts, "tiers">, add: Add): void {
  // Rules pack the ranges of a tier's groups (lib/tiers.ts routingRules), so ranges move between rules as groups come
  // and go: a range routed to the same target group before and after, by whichever rule, is no change of reach.
  const routed = (tiers: Facts["tiers"]) => new Set(tiers.flatMap((o) => o.sources.map((c) => `${c}\u0000${o.targetGroup}`)));
  const routedBefore = routed(x.tiers);
  const routedAfter = routed(y.tiers);
  for (const t of y.tiers) {
    const old = x.tiers.find((o) => o.address === t.address && o.targetGroup === t.targetGroup) ?? x.tiers.find((o) => o.address === t.address);
    const route = `${t.sources.join(", ")} → ${t.targetGroup} (${t.toolsets.join(", ") || "no SELECTED_TOOLSETS"}, risk ${t.risk})`;
    const wasRouted = (c: string) => routedBefore.has(`${c}\u0000${t.targetGroup}`);
    if (!old) {
      if (t.sources.every(wasRouted)) add("low", `tier route regrouped, same reach: ${route}`, t.address);
      else add(t.risk === "critical" || t.risk === "high" ? "high" : "medium", `new tier route: ${route}`, t.address);
      continue;
    }
    const added = t.sources.filter((c) => !old.sources.includes(c) && !wasRouted(c));
    const removed = old.sources.filter((c) => !t.sources.includes(c) && !routedAfter.has(`${c}\u0000${old.targetGroup}`));
    if (added.length) add("high", `tier route now also from ${added.join(", ")}: ${route}`, t.address);
    if (removed.length) add("low", `tier route no longer from ${removed.join(", ")}`, t.address);
    if (old.targetGroup !== t.targetGroup) add("high", `tier route ${t.sources.join(", ")} moved from ${old.targetGroup} to ${t.targetGroup}`, t.address);
    if (old.toolsets.join(",") !== t.toolsets.join(","))
      add(
        ["high", "critical"].includes(t.risk) && t.risk !== old.risk ? "critical" : "high",
        `toolsets for ${t.agentGroups.join(", ")} changed from ${old.toolsets.join(", ") || "none"} to ${t.toolsets.join(", ") || "none"} (risk ${old.risk} → ${t.risk})`,
        t.address,
      );
  }
}
