import { defineRule } from "../rule";

export const rule = defineRule(
  {
    id: "MCP-PROD-005",
    title: "Production alert topics have an e-mail subscription",
    severity: "medium",
    references: [],
    remediation: "List the security team's addresses in alerts.emails of config/prod.json.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const topics = plan.resources("aws_sns_topic");
    const alarms = plan.resources("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm");
    // The alert topics are the ones alarms notify; with no alarm in the plan every topic counts.
    const targeted = topics.filter((t) => alarms.some((a) => ["alarm_actions", "ok_actions"].some((k) => (Array.isArray(a.body[k]) ? a.body[k] : []).some((x: unknown) => plan.refersTo(x, t)))));
    const alertTopics = alarms.length ? targeted : topics;
    const subs = plan.resources("aws_sns_topic_subscription");
    for (const t of alertTopics) {
      const mail = subs.filter((s) => plan.refersTo(s.body.topic_arn, t, ["arn", "id"]) && ["email", "email-json"].includes(String(s.body.protocol)));
      if (mail.length === 0) report(t.address, "has no e-mail subscription, so security alerts reach no one");
    }
    return alertTopics.length > 0;
  },
);
