/** Secrets and keys: added or removed, customer key lost, rotation and age alerts, new readers and writers. */
import type { Facts } from "../facts";
import { Add } from "./add";

export function secretChanges(x: Pick<Facts, "secrets">, y: Pick<Facts, "secrets">, add: Add): void {
  for (const s of y.secrets) {
    const old = x.secrets.find((o) => o.address === s.address);
    if (!old) {
      add("medium", `secret added: ${s.name}${s.rotation ? `, rotates every ${s.rotation.days !== undefined ? `${s.rotation.days} days` : s.rotation.schedule}` : s.alerts.length ? ", age alert" : ", not rotated"}`, s.address);
      continue;
    }
    if (old.customerKey && !s.customerKey) add("critical", `secret ${s.name} no longer encrypted with a customer key (${s.kmsKey})`, s.address);
    const od = old.rotation?.days;
    const nd = s.rotation?.days;
    if (old.rotation && !s.rotation) add("high", `rotation removed from ${s.name}${s.alerts.length ? " (age alert remains)" : ""}`, s.address);
    else if (!old.rotation && s.rotation) add("low", `rotation added to ${s.name}: every ${nd !== undefined ? `${nd} days` : s.rotation.schedule}`, s.address);
    else if (od !== nd || old.rotation?.schedule !== s.rotation?.schedule)
      add(nd !== undefined && od !== undefined && nd < od ? "low" : "high", `rotation of ${s.name} changed from ${od ?? old.rotation?.schedule} to ${nd ?? s.rotation?.schedule} days`, s.address);
    if (old.alerts.length && !s.alerts.length && !s.rotation) add("high", `age alert removed from ${s.name}`, s.address);
    const newReaders = s.readers.filter((r) => !old.readers.includes(r));
    if (newReaders.length) add("medium", `${s.name} now also read by ${newReaders.join(", ")}`, s.address);
    const newGrantees = s.grantees.filter((r) => !old.grantees.includes(r));
    if (newGrantees.length) add("medium", `${s.name} now also readable by role ${newGrantees.join(", ")}`, s.address);
    // Evaluated access (IAM, resource and key policies together): a new writer can change what every reader gets.
    const newWriters = s.access.write.filter((w) => !old.access.write.includes(w));
    if (newWriters.length) add("high", `${s.name} can now be written by ${newWriters.join(", ")}`, s.address);
    const newAccess = s.access.read.filter((r) => !old.access.read.includes(r) && !newGrantees.includes(r));
    if (newAccess.length) add("medium", `${s.name} can now be read by ${newAccess.join(", ")}`, s.address);
  }
  for (const s of x.secrets) if (!y.secrets.some((o) => o.address === s.address)) add("high", `secret removed: ${s.name} (whoever reads it fails; a scheduled deletion starts)`, s.address);
}

export function keyChanges(x: Pick<Facts, "keys">, y: Pick<Facts, "keys">, add: Add): void {
  for (const k of y.keys) {
    const old = x.keys.find((o) => o.address === k.address);
    if (old?.rotation === true && k.rotation !== true) add("high", `KMS key ${k.label} rotation turned off`, k.address);
  }
}
