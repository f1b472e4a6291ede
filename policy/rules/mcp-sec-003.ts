import { defineRule } from "../rule";
import { bool, num, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-SEC-003",
    title: "Customer-managed KMS keys rotate automatically",
    severity: "medium",
    references: ["CKV_AWS_7", "AWS-0065"],
    remediation: "Set enable_key_rotation = true (the EncryptionKey construct does; rotation_period_in_days at most 365).",
  },
  (plan, _ctx, report) => {
    // Only symmetric encryption keys can rotate automatically; asymmetric and HMAC keys are out of scope.
    const keys = plan.resources("aws_kms_key").filter((k) => (k.body.customer_master_key_spec ?? k.body.key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT");
    for (const k of keys) {
      if (bool(k.body.enable_key_rotation) !== true) report(k.address, `has enable_key_rotation ${show(k.body.enable_key_rotation)} (default false)`);
      const period = num(k.body.rotation_period_in_days);
      if (period !== undefined && period > 365) report(k.address, `rotates every ${period} days; use 365 or fewer`);
    }
    return keys.length > 0;
  },
);
