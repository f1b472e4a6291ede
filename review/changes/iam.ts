/** IAM: wildcard actions (critical) and statements on every resource, new since the other plan. */
import type { Facts } from "../facts";
import { Add } from "./add";

const wkey = (w: { address: string; sid: string; what: string }) => `${w.address}|${w.sid}|${w.what}`;

export function iamChanges(x: Pick<Facts, "iam">, y: Pick<Facts, "iam">, add: Add): void {
  for (const w of y.iam.wildcardActions) if (!x.iam.wildcardActions.some((o) => wkey(o) === wkey(w))) add("critical", `IAM wildcard action added: ${w.what} in ${w.sid}`, w.address);
  for (const w of y.iam.wildcardResources) if (!x.iam.wildcardResources.some((o) => wkey(o) === wkey(w))) add("medium", `IAM statement ${w.sid} on every resource ("*"): ${w.what}`, w.address);
}
