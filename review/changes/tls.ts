/** Listeners: added, removed, protocol, port, TLS policy (weaker is critical) and certificate. */
import type { Facts } from "../facts";
import { atLeastTls12, minTlsVersion } from "../tls-policies";
import { Add } from "./add";

const tlsRank = (policy?: string) => (policy && minTlsVersion(policy) ? Number(minTlsVersion(policy)!.split(".")[1]) : -1);

export function tlsChanges(x: Pick<Facts, "listeners">, y: Pick<Facts, "listeners">, add: Add): void {
  for (const l of y.listeners) {
    const old = x.listeners.find((o) => o.address === l.address);
    if (!old) {
      add(
        l.protocol === "HTTPS" || l.protocol === "TLS" ? (atLeastTls12(l.sslPolicy) ? "medium" : "high") : "critical",
        `new listener ${l.loadBalancer}:${l.port} ${l.protocol}${l.sslPolicy ? ` ${l.sslPolicy} (TLS ${l.minTls ?? "?"}+)` : ""}`,
        l.address,
      );
      continue;
    }
    if (old.protocol !== l.protocol) add(l.protocol === "HTTPS" || l.protocol === "TLS" ? "medium" : "critical", `listener ${l.loadBalancer}:${l.port} protocol ${old.protocol} → ${l.protocol}`, l.address);
    if (old.port !== l.port) add("high", `listener port changed from ${old.port} to ${l.port}`, l.address);
    if (old.sslPolicy !== l.sslPolicy) add(tlsRank(l.sslPolicy) < tlsRank(old.sslPolicy) ? "critical" : "medium", `TLS policy ${old.sslPolicy ?? "none"} → ${l.sslPolicy ?? "none"} (lowest TLS ${old.minTls ?? "?"} → ${l.minTls ?? "?"})`, l.address);
    if (old.certificate !== l.certificate) add("medium", `certificate changed: ${l.certificate}`, l.address);
  }
  for (const l of x.listeners) if (!y.listeners.some((o) => o.address === l.address)) add("medium", `listener removed: ${l.loadBalancer}:${l.port} ${l.protocol}`, l.address);
}
