/** Who can reach what: new or widened security group flows, and load balancers exposed or stripped of a guard. */
import type { Facts, FlowFact } from "../facts";
import { Add } from "./add";

const flowKey = (f: FlowFact) => `${f.direction}|${f.groupLabel}|${f.peer}|${f.protocol}|${f.ports}`;
const flowText = (f: FlowFact) => `${f.peer} → ${f.groupLabel} on ${f.ports}/${f.protocol === "-1" ? "all" : f.protocol}${f.agentGroup ? ` (agent group ${f.agentGroup})` : f.description ? ` (${f.description})` : ""}`;
const egressText = (f: FlowFact) => `${f.groupLabel} → ${f.peer} on ${f.ports}/${f.protocol === "-1" ? "all" : f.protocol}`;

/** Flows added (a changed port on the same rule and peer says so), and flows whose rule is gone. */
export function flowChanges(x: Pick<Facts, "ingress" | "egress">, y: Pick<Facts, "ingress" | "egress">, add: Add): void {
  const beforeFlows = new Map([...x.ingress, ...x.egress].map((f) => [flowKey(f), f]));
  const afterFlows = new Map([...y.ingress, ...y.egress].map((f) => [flowKey(f), f]));
  const byAddressBefore = new Map([...x.ingress, ...x.egress].map((f) => [f.address, f]));
  for (const [k, f] of afterFlows) {
    if (beforeFlows.has(k)) continue;
    const old = byAddressBefore.get(f.address);
    const critical = f.flags.some((fl) => fl.severity === "critical");
    if (old && old.peer === f.peer && old.ports !== f.ports) add(critical ? "critical" : "high", `${f.direction} port changed from ${old.ports} to ${f.ports}: ${flowText(f)}`, f.address);
    else if (f.direction === "ingress") add(critical ? "critical" : "high", `new ingress source: ${flowText(f)}${f.flags.length ? ` [${f.flags.map((fl) => fl.text).join("; ")}]` : ""}`, f.address);
    else add(f.flags.length ? "high" : "medium", `new egress: ${egressText(f)}${f.flags.length ? ` [${f.flags.map((fl) => fl.text).join("; ")}]` : ""}`, f.address);
  }
  const afterAddresses = new Set([...y.ingress, ...y.egress].map((f) => f.address));
  for (const [k, f] of beforeFlows) {
    if (afterFlows.has(k) || afterAddresses.has(f.address)) continue;
    add("low", `${f.direction} removed: ${f.direction === "ingress" ? flowText(f) : egressText(f)}`, f.address);
  }
}

/** A load balancer that became internet-facing, stopped dropping invalid headers or stopped logging access. */
export function loadBalancerChanges(x: Pick<Facts, "loadBalancers">, y: Pick<Facts, "loadBalancers">, add: Add): void {
  for (const lb of y.loadBalancers) {
    const old = x.loadBalancers.find((l) => l.address === lb.address);
    if (lb.internal !== true && (!old || old.internal === true)) add("critical", `load balancer ${lb.label} is internet-facing`, lb.address);
    if (old && old.dropInvalidHeaders === true && lb.dropInvalidHeaders !== true) add("medium", `load balancer ${lb.label} no longer drops invalid headers`, lb.address);
    if (old && old.accessLogs && !lb.accessLogs) add("medium", `load balancer ${lb.label} access logs turned off`, lb.address);
  }
}
