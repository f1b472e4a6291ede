/**
 * The stack facts a plan records (lib/stack-facts.ts writes them): what the environment's config asked for, read
 * from the plan's top-level `//` metadata for the review, which compares the plan with them.
 */
import type { AgentGroupFact, StackFacts } from "../lib/stack-facts";
import { STACK_FACTS_KEY } from "../lib/stack-facts";
import { isObject } from "./terraform";

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? [...v] : undefined);

/**
 * The facts a plan records, each one checked: a malformed field is left out (and a malformed agent group drops the
 * agent list), so a reader never compares the plan with a value it misread. Undefined for plans written elsewhere.
 */
export function recordedStackFacts(plan: unknown): Partial<StackFacts> | undefined {
  const meta = isObject(plan) && isObject(plan["//"]) ? plan["//"] : undefined;
  const raw = meta && isObject(meta[STACK_FACTS_KEY]) ? meta[STACK_FACTS_KEY] : undefined;
  if (!raw) return undefined;
  const agentOf = (a: unknown): AgentGroupFact | undefined => {
    if (!isObject(a) || typeof a.name !== "string" || typeof a.readOnly !== "boolean") return undefined;
    const cidrs = strings(a.cidrs);
    const toolsets = strings(a.toolsets);
    if (!cidrs || !toolsets || (a.reason !== undefined && typeof a.reason !== "string") || (a.allowCritical !== undefined && typeof a.allowCritical !== "boolean")) return undefined;
    return { name: a.name, cidrs, toolsets, readOnly: a.readOnly, ...(a.reason !== undefined ? { reason: a.reason } : {}), ...(a.allowCritical !== undefined ? { allowCritical: a.allowCritical } : {}) };
  };
  const agents = Array.isArray(raw.agents) ? raw.agents.map(agentOf) : undefined;
  const port = (v: unknown) => (Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? (v as number) : undefined);
  const facts: Partial<Record<keyof StackFacts, unknown>> = {
    stage: typeof raw.stage === "string" ? raw.stage : undefined,
    agents: agents && agents.every(Boolean) ? agents : undefined,
    gatewayClientCidrs: strings(raw.gatewayClientCidrs),
    mcpPort: port(raw.mcpPort),
    gatewayPort: port(raw.gatewayPort),
    egressCidrs: strings(raw.egressCidrs),
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as Partial<StackFacts>;
}
