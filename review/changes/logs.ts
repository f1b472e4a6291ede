/** Log groups: added below the kit's bar, retention shortened, customer key removed, removed with their events. */
import { MIN_LOG_RETENTION_DAYS } from "../../lib/thresholds";
import type { Facts } from "../facts";
import { Add } from "./add";

export function logGroupChanges(x: Pick<Facts, "logGroups">, y: Pick<Facts, "logGroups">, add: Add): void {
  for (const g of y.logGroups) {
    const old = x.logGroups.find((o) => o.address === g.address);
    if (!old) {
      if (g.retentionDays === undefined || g.retentionDays < MIN_LOG_RETENTION_DAYS || !g.kmsKey.startsWith("alias/")) add("medium", `log group added: ${g.name}, ${g.retentionDays ?? "unlimited"} days, ${g.kmsKey}`, g.address);
      continue;
    }
    if (old.retentionDays !== g.retentionDays) {
      const shorter = g.retentionDays !== undefined && (old.retentionDays === undefined || g.retentionDays < old.retentionDays);
      add(shorter ? (g.retentionDays! < MIN_LOG_RETENTION_DAYS ? "critical" : "high") : "low", `retention of ${g.name} changed from ${old.retentionDays ?? "never expires"} to ${g.retentionDays ?? "never expires"} days`, g.address);
    }
    if (old.kmsKey !== g.kmsKey)
      add(g.kmsKey.startsWith("CloudWatch Logs default") ? "critical" : "medium", `encryption of ${g.name}: ${old.kmsKey} → ${g.kmsKey}${g.kmsKey.startsWith("CloudWatch Logs default") ? " (customer key removed)" : ""}`, g.address);
  }
  for (const g of x.logGroups) if (!y.logGroups.some((o) => o.address === g.address)) add("high", `log group removed: ${g.name} (its events are deleted with it)`, g.address);
}
