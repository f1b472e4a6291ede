/**
 * The IAM roles the config names exist before the first apply. The plan writes them into policies AWS validates on
 * save, and AWS refuses a principal it cannot resolve:
 * - `access.operators` and `access.auditors` go into the environment key's policy. KMS CreateKey/PutKeyPolicy: "The
 *   principals in the key policy must exist and be visible to KMS" (else MalformedPolicyDocumentException).
 *   https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Policy)
 * - operators also go into the secrets' resource policies (PutResourcePolicy). Its reference lists
 *   MalformedPolicyDocumentException without naming this cause; a role principal is stored as the role's unique id,
 *   so a role that does not exist has nothing to store. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html
 * - `agents[].tokenReader.assumedBy` roles go into the token-reader role's trust policy, where a role ARN is
 *   transformed to the role's unique principal ID when the policy is saved (IAM User Guide, Principal element), and a
 *   principal that is not an existing role or user is answered with MalformedPolicyDocument "Invalid principal in
 *   policy". https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *   https://repost.aws/knowledge-center/iam-trust-policy-error
 * GetRole sees the caller's account only, so roles of other accounts are SKIPped with the command to run there.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { ROLE_ARN } from "../config/access";
import { couldNotCheck, isError } from "./aws";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "roles";
const ACTION = "iam:GetRole";

/** A config field that names an IAM principal, and the policy AWS validates it in. */
export interface NamedPrincipal {
  /** The config path, e.g. "access.operators[0]". */
  readonly field: string;
  readonly value: string;
  /** The policy the plan writes it into (what the apply would fail on). */
  readonly policy: string;
}

/** Every principal the config names, in config order. */
export function namedPrincipals(config: PreflightContext["config"]): NamedPrincipal[] {
  const out: NamedPrincipal[] = [];
  config.access.operators.forEach((value, i) => out.push({ field: `access.operators[${i}]`, value, policy: "the environment key's policy and the secrets' resource policies" }));
  config.access.auditors.forEach((value, i) => out.push({ field: `access.auditors[${i}]`, value, policy: "the environment key's policy" }));
  config.agents.forEach((a, i) => a.tokenReader?.assumedBy.forEach((value, j) => out.push({ field: `agents[${i}].tokenReader.assumedBy[${j}]`, value, policy: `the trust policy of agent group "${a.name}"'s token-reader role` })));
  return out;
}

export async function checkRoles(ctx: PreflightContext): Promise<CheckResult[]> {
  const named = namedPrincipals(ctx.config);
  if (!named.length) return [pass(GROUP, "named roles", "the config names no operator, auditor or agent-host role")];
  // One GetRole per role, however many fields name it.
  const lookups = new Map<string, Promise<{ arn?: string; error?: unknown }>>();
  const lookup = (name: string) => {
    if (!lookups.has(name)) {
      lookups.set(
        name,
        (async () => {
          try {
            return { arn: (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: name })))?.Role?.Arn };
          } catch (error) {
            return { error };
          }
        })(),
      );
    }
    return lookups.get(name)!;
  };
  const env = ctx.config.environment;
  return Promise.all(
    named.map(async ({ field, value, policy }): Promise<CheckResult> => {
      if (/^\d{12}$/.test(value)) {
        return skip(GROUP, field, `${value} is an account id, not a role: the trust policy names the account (its root), and every role there its own IAM policy allows may assume the token-reader role; nothing to look up`);
      }
      const m = ROLE_ARN.exec(value);
      // The config check (config/access.ts) already refuses anything else; say so rather than call IAM with it.
      if (!m) return fail(GROUP, field, `${value} is not an IAM role ARN`, `correct ${field} in config/${env}.json (npm run synth reports the expected form)`);
      const [, , account, rolePath, name] = m;
      if (account !== ctx.accountId) {
        return skip(
          GROUP,
          field,
          `${value} is in account ${account}; GetRole reads roles of the caller's account ${ctx.accountId} only`,
          `in account ${account}: aws iam get-role --role-name ${name} (it must exist before the deploy writes it into ${policy})`,
        );
      }
      const { arn, error } = await lookup(name);
      if (error !== undefined) {
        if (isError(error, "NoSuchEntityException", "NoSuchEntity")) {
          return fail(
            GROUP,
            field,
            `${value} does not exist in account ${account}: the deploy writes it into ${policy}, and AWS refuses a policy whose principal does not exist (MalformedPolicyDocumentException)`,
            // AWS CLI v2 reference, iam create-role: --path (default "/"), --role-name, --assume-role-policy-document.
            `create the role first (aws iam create-role${rolePath ? ` --path /${rolePath}` : ""} --role-name ${name} --assume-role-policy-document file://trust.json), or correct ${field} in config/${env}.json`,
          );
        }
        return couldNotCheck(GROUP, field, error, ACTION);
      }
      // A role is found by name alone; the ARN in the policy must match its path too.
      if (arn && arn !== value) {
        return fail(GROUP, field, `${value} names role ${name}, but that role is ${arn} (another path): AWS would refuse ${policy} naming ${value}`, `write "${arn}" in ${field} of config/${env}.json`);
      }
      return pass(GROUP, field, `${value} exists`);
    }),
  );
}
