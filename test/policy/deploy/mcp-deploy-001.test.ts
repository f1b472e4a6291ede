import { rule } from "../../../policy/deploy/mcp-deploy-001";
import { judge, lines, plan } from "../fixtures";
import { ALARMS, key, LOGS, ROOT_ADMIN } from "./keys";

describe("MCP-DEPLOY-001 key policies keep an administrator", () => {
  it("fails a policy that only lets services use the key, and the lockout bypass", () => {
    const r = judge(rule, plan({ aws_kms_key: { k: key(LOGS, ALARMS), bypass: { ...key(ROOT_ADMIN), bypass_policy_lockout_safety_check: true } } }));
    expect(lines(r)).toEqual([
      "aws_kms_key.k: has a key policy in which no AWS principal (account root or role) keeps kms:PutKeyPolicy; AWS refuses it (lockout safety check) or leaves the key unmanageable",
      "aws_kms_key.bypass: sets bypass_policy_lockout_safety_check, which lets a policy lock every administrator out of the key",
    ]);
    expect(r.rule.remediation).toMatch(/https:\/\/docs\.aws\.amazon\.com\/kms\/latest\/developerguide\/key-policy-default\.html#prevent-unmanageable-key$/);
  });

  it("passes the account root or a named role with kms:PutKeyPolicy (or kms:*), and a key without a policy", () => {
    const role = { Sid: "Admin", Effect: "Allow", Principal: { AWS: "${aws_iam_role.admin.arn}" }, Action: "kms:*", Resource: "*" };
    expect(judge(rule, plan({ aws_kms_key: { a: key(ROOT_ADMIN, LOGS), b: key(role), c: { enable_key_rotation: true } } })).verdict).toBe("pass");
  });
});
