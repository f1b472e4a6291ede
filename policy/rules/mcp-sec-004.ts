import { defineRule } from "../rule";
import { readPolicy, statementName } from "../documents";
import { isObject, show } from "../plan";

/** Asymmetric key specs AWS KMS offers for SIGN_VERIFY. */
const SIGNING_SPECS = ["ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "RSA_2048", "RSA_3072", "RSA_4096"];
/** Whether an action (possibly a wildcard pattern, case-insensitive as IAM matches) covers kms:Sign. */
const signs = (a: unknown) =>
  typeof a === "string" &&
  new RegExp(
    `^${a
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  ).test("kms:Sign");

/**
 * A key that signs bearer tokens (the kit tags them mcp-token-signing-key; constructs/token-signing-keys.ts) is what an
 * attacker would most like to use: whoever may kms:Sign with it mints tokens every tier accepts. It must be asymmetric
 * (the private half never leaves KMS, the public half goes into the JWKS), and its key policy may let only the kit's
 * own Lambda functions sign: named roles of this plan that Lambda assumes, never an account, a wildcard or a service.
 */
export const rule = defineRule(
  {
    id: "MCP-SEC-004",
    title: "Token signing keys are asymmetric SIGN_VERIFY keys that only the kit's functions may sign with",
    severity: "high",
    references: ["CoSAI MCP security: audience-bound tokens", "RFC 7518 §3.4"],
    remediation: 'Make the key with key_usage "SIGN_VERIFY" and an asymmetric customer_master_key_spec (ECC_NIST_P256 for ES256), and grant kms:Sign in its key policy only to the rotation function\'s role (TokenSigningKeys.grantSign).',
  },
  (plan, _ctx, report) => {
    const keys = plan.resources("aws_kms_key").filter((k) => isObject(k.body.tags) && k.body.tags["mcp-token-signing-key"] !== undefined);
    const lambdaRoles = new Set(
      plan
        .resources("aws_iam_role")
        .filter((r) => {
          const trust = plan.parseJson(r.body.assume_role_policy);
          return trust.ok && JSON.stringify(trust.value).includes('"lambda.amazonaws.com"');
        })
        .map((r) => r.address),
    );
    for (const k of keys) {
      if (k.body.key_usage !== "SIGN_VERIFY") report(k.address, `has key_usage ${show(k.body.key_usage)}; a token signing key must be "SIGN_VERIFY"`);
      const spec = k.body.customer_master_key_spec ?? k.body.key_spec;
      if (!SIGNING_SPECS.includes(String(spec))) report(k.address, `has key spec ${show(spec)}; a token signing key must be asymmetric (e.g. "ECC_NIST_P256")`);
      const read = readPolicy(plan, { resource: k, attr: "policy", value: k.body.policy, kind: "key" });
      if (!read.ok) {
        report(k.address, read.why);
        continue;
      }
      read.statements.forEach((s, i) => {
        if (s.effect !== "Allow" || !s.actions.some(signs)) return;
        const principals = isObject(s.principal) ? [s.principal.AWS, s.principal.Service, s.principal.Federated].flat().filter((p) => p !== undefined) : [s.principal];
        for (const p of principals) {
          const role = plan.target(p, "aws_iam_role");
          if (!role || !lambdaRoles.has(role.address)) report(k.address, `policy ${statementName(s, i)} lets ${show(p)} sign; only the kit's Lambda function roles may`);
        }
      });
    }
    return keys.length > 0;
  },
);
