/** Whether an attribute names a customer-managed KMS key. */
import { PlanView, show, unverifiable } from "./terraform";

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^(mrk-)?[0-9a-f-]{32,36}$/;

/**
 * undefined when `value` is a customer-managed key: a reference to an `aws_kms_key` or `aws_kms_replica_key`, an
 * `aws_kms_alias` of the plan (it cannot create `alias/aws/*`), a `data.aws_kms_key` not looking up an AWS managed
 * alias, or a literal key ARN/id. Otherwise the problem, worded after `what` (e.g. "kms_key_id").
 */
export function customerKeyProblem(plan: PlanView, what: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return `sets no ${what}, so it is not encrypted with a customer-managed key`;
  const v = plan.value(value);
  if (v.kind === "unknown") return unverifiable(what, value);
  if (v.kind === "ref") {
    const t = v.target;
    if (!t) return unverifiable(what, value);
    if (t.mode === "managed" && ["aws_kms_key", "aws_kms_replica_key", "aws_kms_alias"].includes(t.type)) return undefined;
    if (t.mode === "data" && t.type === "aws_kms_key") {
      const id = String(t.body.key_id ?? "");
      return /(^|:)alias\/aws\//.test(id) ? `${what} looks up ${show(id)}, an AWS managed key` : undefined;
    }
    return `${what} references ${t.address}, which is not a KMS key`;
  }
  const s = String(v.value);
  if (/(^|:)alias\/aws\//.test(s)) return `${what} is ${show(s)}, an AWS managed key; use a customer-managed key (its policy decides who may use it)`;
  if (KEY_ARN.test(s) || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/(?!aws\/)/.test(s) || /^alias\/(?!aws\/)/.test(s)) return undefined;
  return `${what} is ${show(s)}, which is not a KMS key id, ARN or alias`;
}
