import { defineRule } from "../rule";
import { isInterpolated, num, show, unverifiable } from "../plan";

import { MIN_LOG_RETENTION_DAYS as MIN_RETENTION_DAYS } from "../../lib/thresholds";

export { MIN_RETENTION_DAYS };

/**
 * 0 means "never expire" in CloudWatch Logs and satisfies "kept at least 90 days", so an explicit 0 passes. An
 * absent retention_in_days also never expires, but it is indistinguishable from an oversight (CKV_AWS_66 wants it
 * set), so it fails.
 */
export const rule = defineRule(
  {
    id: "MCP-LOG-001",
    title: "Log groups keep events at least 90 days (retention set explicitly)",
    severity: "medium",
    references: ["CKV_AWS_66", "CKV_AWS_338"],
    remediation: "Set retention_in_days to 90 or more (a value CloudWatch accepts: 90, 120, 150, 180, 365, …), or 0 to keep events forever.",
  },
  (plan, _ctx, report) => {
    const groups = plan.resources("aws_cloudwatch_log_group");
    for (const g of groups) {
      const v = g.body.retention_in_days;
      const days = num(v);
      if (v === undefined) report(g.address, "sets no retention_in_days; set it explicitly (90 or more, or 0 for never expire)");
      else if (isInterpolated(v)) report(g.address, unverifiable("retention_in_days", v));
      else if (days === undefined) report(g.address, `has retention_in_days ${show(v)}, not a number`);
      else if (days !== 0 && days < MIN_RETENTION_DAYS) report(g.address, `keeps events ${days} days; the audit trail needs ${MIN_RETENTION_DAYS} or more`);
    }
    return groups.length > 0;
  },
);
