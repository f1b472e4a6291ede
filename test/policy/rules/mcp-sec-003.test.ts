import { rule } from "../../../policy/rules/mcp-sec-003";
import { judge, lines, plan } from "../fixtures";

describe("MCP-SEC-003 KMS key rotation", () => {
  it("fails symmetric keys without rotation or with a period over a year", () => {
    const r = judge(rule, plan({ aws_kms_key: { a: {}, b: { enable_key_rotation: true, rotation_period_in_days: 730 } } }));
    expect(lines(r)).toEqual(["aws_kms_key.a: has enable_key_rotation unset (default false)", "aws_kms_key.b: rotates every 730 days; use 365 or fewer"]);
  });

  it("passes rotating keys and leaves asymmetric keys out", () => {
    expect(judge(rule, plan({ aws_kms_key: { a: { enable_key_rotation: true, rotation_period_in_days: 365 } } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_kms_key: { rsa: { customer_master_key_spec: "RSA_2048", key_usage: "SIGN_VERIFY" } } })).verdict).toBe("not-applicable");
  });
});
