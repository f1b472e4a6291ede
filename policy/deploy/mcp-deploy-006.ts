import { isInterpolated, num } from "../plan";
import { defineRule } from "../rule";
import { DOCS } from "./support";

/** Every retention period PutRetentionPolicy accepts, in days (0, i.e. unset, means never expire). */
import { CLOUDWATCH_RETENTION_DAYS } from "../../lib/aws-limits";
import { MIN_LOG_RETENTION_DAYS } from "../../lib/thresholds";

export { CLOUDWATCH_RETENTION_DAYS };

/**
 * CloudWatch Logs rejects any other retention value (InvalidParameterException at apply), e.g. 100 or 730.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-006",
    title: "Log group retention is a value CloudWatch Logs accepts",
    severity: "high",
    references: [],
    remediation: `Use one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days (logs.retentionDays in the config, ${MIN_LOG_RETENTION_DAYS} or more); see ${DOCS.logRetention}`,
  },
  (plan, _ctx, report) => {
    const groups = plan.resources("aws_cloudwatch_log_group");
    for (const g of groups) {
      const v = g.body.retention_in_days;
      if (v === undefined || isInterpolated(v)) continue;
      const days = num(v);
      if (days === 0) continue;
      if (days === undefined || !(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
        const lower = [...CLOUDWATCH_RETENTION_DAYS].reverse().find((d) => days !== undefined && d < days);
        const upper = CLOUDWATCH_RETENTION_DAYS.find((d) => days !== undefined && d > days);
        report(g.address, `has retention_in_days ${JSON.stringify(v)}, which CloudWatch Logs rejects${lower || upper ? `; nearest accepted: ${[lower, upper].filter(Boolean).join(" or ")}` : ""}`);
      }
    }
    return groups.length > 0;
  },
);
