/** IAM policy documents as plain data, rendered with JSON.stringify so the policy engine can parse them back. */

export type Condition = Record<string, Record<string, string | string[]>>;

export interface Statement {
  /** Statement id; also what reviewers see in the report. */
  readonly sid: string;
  readonly effect?: "Allow" | "Deny";
  readonly principal?: { readonly AWS?: string | string[]; readonly Service?: string | string[]; readonly Federated?: string } | "*";
  readonly actions: readonly string[];
  /** ARNs. "*" only where AWS requires it, and then `why` must say so. */
  readonly resources?: readonly string[];
  readonly condition?: Condition;
  /** Why a wildcard resource is unavoidable (AWS documents it); kept beside the statement for reviewers. */
  readonly why?: string;
}

export function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      ...(s.principal ? { Principal: s.principal } : {}),
      Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
      ...(s.resources ? { Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources] } : {}),
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  });
}

/** Trust policy for an AWS service, limited to this account so the confused-deputy problem cannot arise. */
export function serviceTrustPolicy(service: string, accountId: string): string {
  return policyDocument([
    {
      sid: "AssumedByService",
      principal: { Service: service },
      actions: ["sts:AssumeRole"],
      condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}

/**
 * Anything with an ARN whose own policy grows through grants (ServiceRole, AgentTokenReader): what key and secret
 * grants are given, and what secret resource policies read back to know who was granted what.
 */
export interface Grantee {
  readonly arn: string;
  addToPolicy(statement: Statement): void;
  /** The statements granted so far. */
  readonly grants: readonly Statement[];
}

/** "agent-token/ops" → "AgentTokenOps": IAM statement ids are alphanumeric. */
export function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}
