import { isObject } from "../plan";
import { defineRule } from "../rule";
import { actionMatches, DOCS, keyOf, keyPolicy, planRegion } from "./support";

/** What CloudWatch Logs does with the key (the documented statement grants these as Encrypt*, Decrypt*, …). */
export const LOGS_KMS_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"];
export const LOGS_CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn";

/**
 * A log group encrypted with a customer key is created only when the key policy lets the regional CloudWatch Logs
 * principal use the key; the documented statement scopes it with the `kms:EncryptionContext:aws:logs:arn`
 * condition so other accounts' log groups cannot use the key.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-002",
    title: "Keys of encrypted log groups let CloudWatch Logs use them, scoped by encryption context",
    severity: "high",
    references: [],
    remediation: `Allow Service logs.<region>.amazonaws.com kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey* and Describe* in the key policy with Condition ArnLike "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:<region>:<account>:log-group:*" (EncryptionKey does); see ${DOCS.logsKms}`,
  },
  (plan, _ctx, report) => {
    const region = planRegion(plan);
    const groups = plan.resources("aws_cloudwatch_log_group").filter((g) => g.body.kms_key_id !== undefined);
    for (const g of groups) {
      const key = keyOf(plan, g.body.kms_key_id);
      if (!key) continue; // A key outside the plan: its policy cannot be read here (the preflight's business).
      const policy = keyPolicy(plan, key);
      if (!policy.ok) {
        report(g.address, `is encrypted with ${key.address}, which ${policy.why}; CloudWatch Logs is not allowed to use it`);
        continue;
      }
      const service = `logs.${region ?? "<region>"}.amazonaws.com`;
      const candidates = policy.statements.filter((s) => s.effect === "Allow" && isObject(s.principal) && [s.principal.Service].flat().some((p) => typeof p === "string" && (region ? p === service : /^logs\.[a-z0-9-]+\.amazonaws\.com$/.test(p))));
      const missing = LOGS_KMS_ACTIONS.filter((a) => !candidates.some((s) => s.actions.some((x) => actionMatches(x, a))));
      if (missing.length) {
        report(g.address, `is encrypted with ${key.address}, whose key policy does not allow ${service} ${missing.join(", ")}; creating the log group fails`);
        continue;
      }
      const scoped = candidates.some((s) => Object.values(s.condition).some((c) => isObject(c) && Object.keys(c).some((k) => k.toLowerCase() === LOGS_CONTEXT_KEY.toLowerCase())));
      if (!scoped) report(g.address, `is encrypted with ${key.address}, whose statement for ${service} has no ${LOGS_CONTEXT_KEY} condition, so any account's log groups could use the key`);
    }
    return groups.length > 0;
  },
);
