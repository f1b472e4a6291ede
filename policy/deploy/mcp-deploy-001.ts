import { bool, isObject } from "../plan";
import { defineRule } from "../rule";
import { actionMatches, DOCS, keyPolicy } from "./support";

/**
 * AWS KMS refuses a key policy that would leave no principal able to change it (the policy lockout safety check),
 * and a key nobody administers cannot be rotated, re-scoped or deleted: some AWS principal (the account root, which
 * delegates to IAM, or a named role) must keep kms:PutKeyPolicy. `bypass_policy_lockout_safety_check` only hides
 * the mistake. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-001",
    title: "KMS key policies keep an administrator",
    severity: "high",
    references: ["CKV_AWS_33"],
    remediation: `Keep a statement that allows the account root (arn:aws:iam::<account>:root) or a named administrator role kms:PutKeyPolicy and the other administrative actions (EncryptionKey does), and never set bypass_policy_lockout_safety_check; see ${DOCS.keyPolicyLockout}`,
  },
  (plan, _ctx, report) => {
    const keys = plan.resources("aws_kms_key");
    for (const key of keys) {
      if (bool(key.body.bypass_policy_lockout_safety_check) === true) report(key.address, "sets bypass_policy_lockout_safety_check, which lets a policy lock every administrator out of the key");
      const policy = keyPolicy(plan, key);
      if (!policy.ok) continue; // No policy: AWS's default gives the account root full access.
      const admins = policy.statements.filter((s) => s.effect === "Allow" && isObject(s.principal) && s.principal.AWS !== undefined && s.actions.some((a) => actionMatches(a, "kms:PutKeyPolicy")));
      if (!admins.length) report(key.address, "has a key policy in which no AWS principal (account root or role) keeps kms:PutKeyPolicy; AWS refuses it (lockout safety check) or leaves the key unmanageable");
    }
    return keys.length > 0;
  },
);
