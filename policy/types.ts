/**
 * The contract between the policy engine, its rules, the synth pipeline and the review report.
 * Rules are pure functions over a synthesized Terraform JSON document (cdk.tf.json).
 */
import type { TierAgent } from "../lib/tiers";
import type { RecordedCatalogue } from "../lib/tool-catalogue";

import type { TerraformJson } from "../plan/terraform";
export type { TerraformJson };

export type Severity = "critical" | "high" | "medium" | "low";
export type Verdict = "pass" | "fail" | "not-applicable";

/** What the engine knows of the environment a plan deploys. */
export interface PolicyContext {
  /** From the plan's default tags or the caller; prod rules apply only to "prod". */
  readonly stage?: "dev" | "staging" | "prod";
  /** Agent source ranges the config grants, when known (enables "3010 only from agent ranges"). */
  readonly agentCidrs?: readonly string[];
  /** Security groups of agent hosts the config grants (sources allowed on the MCP port besides agentCidrs). */
  readonly agentSecurityGroupIds?: readonly string[];
  /** The MCP server's port. @default 3010 */
  readonly mcpPort?: number;
  /** Suppressions declared for the whole environment (config `suppressions`); resource ones are read from the plan. */
  readonly suppressions?: readonly Suppression[];
  /** Each agent group's grant (config `agents`), when known: what the MCP listener's rules must route it to. */
  readonly agentGrants?: readonly AgentGrant[];
  /** The tool catalogue the stack was synthesized with (tools/ YAML): toolsets with their risk and tools. */
  readonly toolCatalogue?: RecordedCatalogue;
}

/** One agent group's grant: its source ranges and exactly the toolsets its MCP server may expose (the tiering view of it). */
export type AgentGrant = TierAgent;

export interface Violation {
  /** Terraform address, e.g. `aws_security_group.agent-access_load-balancer_group_CBA6694E`. */
  readonly address: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

export interface Suppression {
  readonly ruleId: string;
  readonly address: string;
  /** Why the finding is accepted; at least 10 characters. */
  readonly reason: string;
  /** Where the suppression was declared: "resource" (next to it in code) or "config". */
  readonly source: "resource" | "config";
}

export interface Rule {
  /** Stable id, e.g. "MCP-NET-001" (security) or "MCP-DEPLOY-001" (deployability). */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** checkov / trivy / cdk-nag ids this rule corresponds to. */
  readonly references: readonly string[];
  /** How to fix a violation, one line. */
  readonly remediation: string;
  /** Returns the violations; an empty list with `applicable: false` means not applicable. */
  readonly check: (plan: TerraformJson, ctx: PolicyContext) => { applicable: boolean; violations: Violation[] };
}

/** A named, ordered list of rules; the engine runs several packs (security, deployability) as one. */
export interface RulePack {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export interface RuleResult {
  readonly rule: Pick<Rule, "id" | "title" | "severity" | "references" | "remediation">;
  readonly verdict: Verdict;
  readonly violations: readonly Violation[];
  readonly suppressed: readonly (Violation & { reason: string; source: Suppression["source"] })[];
}

export interface StackResult {
  readonly stack: string;
  readonly results: readonly RuleResult[];
  readonly passed: boolean;
  /** The context the rules saw (stage, agent ranges), resolved from the caller and the plan. */
  readonly context?: PolicyContext;
  /** Suppressions that matched no finding, or that are malformed and were ignored; they fail nothing. */
  readonly warnings?: readonly string[];
}
