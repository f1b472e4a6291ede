/**
 * What constructs record about a resource for the checks and the report to read, in the resource's `//` metadata.
 * Terraform's JSON syntax treats a "//" property of a block as a comment and ignores it, so nothing deployed changes;
 * cdktf already writes its construct path there. Two entries:
 * - `suppressions`: `{ "<rule id>": "<reason>" }`, a rule's finding accepted next to the resource it excuses;
 * - `facts`: structured facts (which agent group a rule admits, what a secret is for), so that no reader parses
 *   prose: rewording a description changes no finding.
 * This module depends on cdktf only, so constructs may import it without importing the policy.
 */
import { TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import { STACK_FACTS_KEY, StackFacts } from "./stack-facts";

/** Where in a resource's `//` metadata suppressions live. */
export const SUPPRESSIONS_KEY = "suppressions";
/** Where in a resource's `//` metadata the facts live. */
export const FACTS_KEY = "facts";
export const MIN_REASON_LENGTH = 10;
export const RULE_ID = /^MCP-[A-Z0-9]+-\d{3}$/;

/** What a secret is for, as the report's checklist asks about it. */
export type SecretPurpose = "ibmi-credentials" | "model-api-key" | "agent-token";

/** The facts one resource may carry. */
export interface ResourceFacts {
  /** A security group rule: the agent group whose hosts it admits. */
  readonly agentGroup?: string;
  /** A secret: what it holds, when the checklist asks about that kind of secret. */
  readonly secretPurpose?: SecretPurpose;
}

/** Throws unless the rule id looks like one and the reason says something. */
export function checkSuppression(ruleId: string, reason: string, where: string): void {
  if (!RULE_ID.test(ruleId)) throw new Error(`${where}: "${ruleId}" is not a rule id (expected e.g. "MCP-NET-001")`);
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) throw new Error(`${where}: the reason for suppressing ${ruleId} must say why in at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason)})`);
}

/**
 * Accepts rule `ruleId`'s findings on `resource`, with a written reason (≥ 10 characters). The finding still
 * shows in every report, marked suppressed.
 */
export function suppress(resource: TerraformResource, ruleId: string, reason: string): void {
  checkSuppression(ruleId, reason, resource.node.path);
  resource.addOverride(`//.${SUPPRESSIONS_KEY}.${ruleId}`, reason.trim());
}

/** Records facts on a resource (merged with any it carries). */
export function recordFacts(resource: TerraformResource, facts: ResourceFacts): void {
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) resource.addOverride(`//.${FACTS_KEY}.${k}`, v);
}

/** The facts a synthesized resource body carries (none for plans written elsewhere). */
export function factsOf(body: Record<string, any>): ResourceFacts {
  const meta = body["//"];
  const facts = meta !== null && typeof meta === "object" ? meta[FACTS_KEY] : undefined;
  return facts !== null && typeof facts === "object" && !Array.isArray(facts) ? facts : {};
}

/** Writes a stack's facts into its plan's top-level `//` (cdktf merges every element's JSON into the stack's). */
class StackFactsElement extends TerraformElement {
  constructor(
    scope: TerraformStack,
    private readonly facts: StackFacts,
  ) {
    super(scope, "stack-facts");
  }

  override toTerraform(): any {
    return { "//": { [STACK_FACTS_KEY]: this.facts } };
  }
}

/** Records what the config asked of a stack in its plan (lib/stack-facts.ts; read by plan/stack-facts.ts). */
export function recordStackFacts(stack: TerraformStack, facts: StackFacts): void {
  new StackFactsElement(stack, facts);
}
