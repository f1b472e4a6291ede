/** The plan's IAM: every policy document (inline, role policy, managed), its wildcards, and the roles. */
import type { Facts, IamWildcard } from "../facts";
import { blocks, PlanIndex, Res } from "../plan-index";
import { labelOf } from "./labels";

/** One policy document of the plan, with the role it belongs to (none for a managed policy). */
export interface PolicyDocument {
  readonly address: string;
  readonly role?: string;
  readonly doc: any;
}

const parseDoc = (v: unknown) => {
  if (typeof v !== "string") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};

export function policyDocuments(idx: PlanIndex): PolicyDocument[] {
  const roleLabel = (res: Res | undefined) => (res ? labelOf(res, res.address) : "?");
  const docs: PolicyDocument[] = [];
  for (const p of idx.all("aws_iam_role_policy")) docs.push({ address: p.address, role: roleLabel(idx.target(p.body.role, "aws_iam_role")), doc: parseDoc(p.body.policy) });
  for (const p of idx.all("aws_iam_policy")) docs.push({ address: p.address, doc: parseDoc(p.body.policy) });
  for (const r of idx.all("aws_iam_role")) for (const ip of blocks(r.body.inline_policy)) docs.push({ address: r.address, role: roleLabel(r), doc: parseDoc(ip.policy) });
  return docs;
}

/** Roles by name, and every statement with a wildcard action or, when it allows, a wildcard resource. */
export function iamFacts(idx: PlanIndex, docs: readonly PolicyDocument[]): Facts["iam"] {
  const wildcardActions: IamWildcard[] = [];
  const wildcardResources: IamWildcard[] = [];
  for (const p of docs) {
    for (const [i, st] of blocks(p.doc?.Statement).entries()) {
      const sid = String(st.Sid ?? `#${i}`);
      const actions = ([] as unknown[]).concat(st.Action ?? [], st.NotAction ?? []).map(String);
      for (const a of actions) if (a.includes("*")) wildcardActions.push({ address: p.address, sid, what: a });
      const resources = ([] as unknown[]).concat(st.Resource ?? []).map(String);
      if (st.Effect !== "Deny" && resources.includes("*")) wildcardResources.push({ address: p.address, sid, what: actions.join(", ") });
    }
  }
  return {
    roles: idx
      .all("aws_iam_role")
      .map((r) => labelOf(r, r.address))
      .sort(),
    wildcardActions,
    wildcardResources,
  };
}
