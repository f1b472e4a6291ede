/**
 * What an environment's config asks of its stack, recorded in the plan's top-level `//` metadata (beside cdktf's
 * `metadata` and `outputs`; Terraform ignores the block), so that the review compares what the plan deploys with what
 * was asked from the plan alone: which agent group owns which range with which grant, who may reach the gateway,
 * where the workloads may go. Resource-level facts live in each resource's own `//` (lib/resource-meta.ts).
 * Stacks record them with lib/resource-meta.ts recordStackFacts; plan/stack-facts.ts reads them. This module depends
 * on nothing, so a reader of plans loads no cdktf.
 */
/** Where in the plan's top-level `//` metadata the stack's facts live. */
export const STACK_FACTS_KEY = "facts";

/** One agent group as the config grants it. */
export interface AgentGroupFact {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly toolsets: readonly string[];
  readonly readOnly: boolean;
  /** Why the group may use critical toolsets (config `agents[].reason`). */
  readonly reason?: string;
  readonly allowCritical?: boolean;
}

/** What the config asked for, as the review compares the plan with it. */
export interface StackFacts {
  readonly stage: string;
  readonly agents: readonly AgentGroupFact[];
  /** Operator ranges the gateway listener admits (config `gateway.clientCidrs`). */
  readonly gatewayClientCidrs: readonly string[];
  readonly mcpPort: number;
  readonly gatewayPort: number;
  /** Ranges outside AWS the workloads may reach (config `network.ibmi.cidr`). */
  readonly egressCidrs: readonly string[];
}

/** The facts of one environment's config (structural, so this module imports no config code). */
export function stackFactsOf(config: {
  readonly stage: string;
  readonly agents: readonly AgentGroupFact[];
  readonly gateway: { readonly clientCidrs: readonly string[]; readonly port: number };
  readonly mcpServer: { readonly port: number };
  readonly network: { readonly ibmi: { readonly cidr: string } };
}): StackFacts {
  return {
    stage: config.stage,
    agents: config.agents.map((a) => ({
      name: a.name,
      cidrs: [...a.cidrs],
      toolsets: [...a.toolsets],
      readOnly: a.readOnly,
      ...(a.reason !== undefined ? { reason: a.reason } : {}),
      ...(a.allowCritical !== undefined ? { allowCritical: a.allowCritical } : {}),
    })),
    gatewayClientCidrs: [...config.gateway.clientCidrs],
    mcpPort: config.mcpServer.port,
    gatewayPort: config.gateway.port,
    egressCidrs: [config.network.ibmi.cidr],
  };
}
