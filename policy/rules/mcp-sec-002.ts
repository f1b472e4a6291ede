import { defineRule } from "../rule";
import { block, num, show, tagsOf, unverifiable } from "../plan";

import { MAX_ROTATION_DAYS } from "../../lib/thresholds";

export { MAX_ROTATION_DAYS };

/**
 * The tag that marks a secret only people can rotate (a model API key, the IBM i password): constructs/secrets.ts
 * sets it and raises an alarm when such a secret grows older than the rotation period instead of rotating it.
 */
export const PERSON_ROTATED_TAG = { key: "mcp-secret-rotated-by", value: "person" } as const;

/** Days between rotations of a `rotation_rules` block, "unknown", or undefined when it sets none. */
function rotationDays(rules: Record<string, any> | undefined): number | "unknown" | undefined {
  if (!rules) return undefined;
  if (rules.automatically_after_days !== undefined) return num(rules.automatically_after_days) ?? "unknown";
  const expr = rules.schedule_expression;
  if (expr === undefined) return undefined;
  const m = /^rate\((\d+) days?\)$/.exec(String(expr));
  if (m) return Number(m[1]);
  // Secrets Manager also takes hours (oauth agent tokens: rate(4 hours)); a fraction of a day is within any limit here.
  const h = /^rate\((\d+) hours?\)$/.exec(String(expr));
  if (h) return Number(h[1]) / 24;
  // cron() runs at least monthly when its day-of-month and month fields are not restricted further; anything else is left unknown.
  return "unknown";
}

export const rule = defineRule(
  {
    id: "MCP-SEC-002",
    title: "Secrets rotate at least every 90 days, or are marked person-rotated (with an age alarm)",
    severity: "high",
    references: ["CKV2_AWS_57", "CKV_AWS_304"],
    remediation: "Add an aws_secretsmanager_secret_rotation (automatically_after_days <= 90) for the secret, or declare it person-rotated in the Secrets construct, which tags it and alarms on its age.",
  },
  (plan, _ctx, report) => {
    const secrets = plan.resources("aws_secretsmanager_secret");
    const rotations = plan.resources("aws_secretsmanager_secret_rotation");
    for (const s of secrets) {
      const mine = rotations.filter((r) => plan.refersTo(r.body.secret_id, s, ["id", "arn"]));
      if (mine.length === 0) {
        if (tagsOf(s)[PERSON_ROTATED_TAG.key] === PERSON_ROTATED_TAG.value) continue;
        report(s.address, `has no aws_secretsmanager_secret_rotation referencing it and no ${PERSON_ROTATED_TAG.key} = "${PERSON_ROTATED_TAG.value}" tag`);
        continue;
      }
      for (const r of mine) {
        const rules = block(r.body.rotation_rules);
        const days = rotationDays(rules);
        if (days === undefined) report(s.address, `is rotated by ${r.address} without rotation_rules`);
        else if (days === "unknown") report(s.address, unverifiable(`the rotation interval of ${r.address}`, rules?.automatically_after_days ?? rules?.schedule_expression));
        else if (days > MAX_ROTATION_DAYS) report(s.address, `rotates every ${days} days (${r.address}); the limit is ${MAX_ROTATION_DAYS}`);
      }
    }
    // A rotation whose secret cannot be followed proves nothing, but a dangling one is worth a look.
    for (const r of rotations) {
      if (!secrets.some((s) => plan.refersTo(r.body.secret_id, s, ["id", "arn"])) && typeof r.body.secret_id === "string" && r.body.secret_id.includes("${")) report(r.address, unverifiable("secret_id", show(r.body.secret_id)));
    }
    return secrets.length > 0;
  },
);
