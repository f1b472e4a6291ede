/** Alerting: topics losing their key or subscribers, alarms removed, re-tuned or notifying no one. */
import type { Facts } from "../facts";
import { Add } from "./add";

export function topicChanges(x: Pick<Facts, "topics">, y: Pick<Facts, "topics">, add: Add): void {
  for (const t of y.topics) {
    const old = x.topics.find((o) => o.address === t.address);
    if (!old) continue;
    if (old.customerKey && !t.customerKey) add("high", `topic ${t.name} no longer encrypted with a customer key`, t.address);
    const gone = old.subscriptions.filter((s) => !t.subscriptions.some((n) => n.endpoint === s.endpoint));
    const fresh = t.subscriptions.filter((s) => !old.subscriptions.some((n) => n.endpoint === s.endpoint));
    if (gone.length) add("medium", `alert subscribers removed from ${t.name}: ${gone.map((s) => s.endpoint).join(", ")}`, t.address);
    if (fresh.length) add("low", `alert subscribers added to ${t.name}: ${fresh.map((s) => s.endpoint).join(", ")}`, t.address);
  }
}

export function alarmChanges(x: Pick<Facts, "alarms">, y: Pick<Facts, "alarms">, add: Add): void {
  for (const al of x.alarms) if (!y.alarms.some((o) => o.address === al.address)) add("high", `alarm removed: ${al.name}`, al.address);
  for (const al of y.alarms) {
    const old = x.alarms.find((o) => o.address === al.address);
    if (old && old.condition !== al.condition) add("medium", `alarm ${al.name} now fires when ${al.condition} (was ${old.condition})`, al.address);
    if (old && old.topics.length && !al.topics.length) add("high", `alarm ${al.name} notifies no one`, al.address);
  }
}
