/** Buckets: weaker encryption, public access blocks, versioning, expiry, TLS-only policy, object lock, access logs. */
import type { Facts } from "../facts";
import { Add } from "./add";

export function bucketChanges(x: Pick<Facts, "buckets">, y: Pick<Facts, "buckets">, add: Add): void {
  for (const b of y.buckets) {
    const old = x.buckets.find((o) => o.address === b.address);
    if (!old) continue;
    if (old.encryption !== b.encryption) add(old.customerKey && !b.customerKey ? "critical" : "medium", `encryption of bucket ${b.name}: ${old.encryption} → ${b.encryption}`, b.address);
    if (b.publicAccessBlocked < old.publicAccessBlocked) add("critical", `bucket ${b.name} public access blocks ${old.publicAccessBlocked} → ${b.publicAccessBlocked} of 4`, b.address);
    if (old.versioning === "Enabled" && b.versioning !== "Enabled") add("high", `versioning of bucket ${b.name}: ${old.versioning} → ${b.versioning}`, b.address);
    if (old.expirationDays !== b.expirationDays)
      add(
        b.expirationDays !== undefined && (old.expirationDays === undefined || b.expirationDays < old.expirationDays) ? "high" : "low",
        `bucket ${b.name} objects expire after ${old.expirationDays ?? "never"} → ${b.expirationDays ?? "never"} days`,
        b.address,
      );
    if (old.tlsOnly && !b.tlsOnly) add("high", `bucket ${b.name} no longer denies non-TLS access`, b.address);
    if (old.objectLock && !b.objectLock) add("high", `object lock removed from bucket ${b.name}`, b.address);
    if (old.accessLogging.startsWith("to ") && b.accessLogging === "off") add("medium", `bucket ${b.name} no longer logs access`, b.address);
  }
  for (const b of x.buckets) if (!y.buckets.some((o) => o.address === b.address)) add("high", `bucket removed: ${b.name}`, b.address);
}
