/** Alert topics and their subscribers, and the alarms: metric, condition, the log filter feeding it, who it notifies. */
import type { AlarmFact, TopicFact } from "../facts";
import { byKey } from "../markdown";
import { literal, num, PlanIndex, refsIn } from "../plan-index";
import { keyLabel, labelOf } from "./labels";
import { MetricFilterFact } from "./logs";

const COMPARISON: Readonly<Record<string, string>> = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: "≥", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤" };

export function topicFacts(idx: PlanIndex): TopicFact[] {
  return idx.all("aws_sns_topic").map((t) => {
    const key = keyLabel(idx, t.body.kms_master_key_id, "none (unencrypted)");
    return {
      address: t.address,
      name: literal(t.body.name) ?? t.address,
      kmsKey: key.label,
      customerKey: key.customer && !String(t.body.kms_master_key_id).includes("alias/aws/sns"),
      subscriptions: idx
        .referencingVia(t, "aws_sns_topic_subscription", (b) => b.topic_arn)
        .map((s) => ({ address: s.address, protocol: literal(s.body.protocol) ?? "?", endpoint: literal(s.body.endpoint) ?? refsIn(s.body.endpoint)[0]?.address ?? "?" })),
    };
  });
}

/** Every metric alarm, sorted by name. */
export function alarmFacts(idx: PlanIndex, metricFilters: readonly MetricFilterFact[]): AlarmFact[] {
  const topicLabel = (v: unknown) => {
    const t = idx.target(v, "aws_sns_topic");
    return t ? labelOf(t, t.address) : (literal(v) ?? String(v));
  };
  const alarms: AlarmFact[] = idx.all("aws_cloudwatch_metric_alarm").map((a) => {
    const b = a.body;
    const metric = `${literal(b.namespace) ?? "?"}/${literal(b.metric_name) ?? (b.metric_query ? "metric math" : "?")}`;
    const period = num(b.period);
    const condition =
      `${literal(b.statistic) ?? literal(b.extended_statistic) ?? ""} ${COMPARISON[String(b.comparison_operator)] ?? b.comparison_operator ?? "?"} ${b.threshold ?? "?"}${period ? ` over ${period >= 3600 && period % 3600 === 0 ? `${period / 3600} h` : `${period} s`}` : ""}${num(b.evaluation_periods) && num(b.evaluation_periods)! > 1 ? ` × ${num(b.evaluation_periods)}` : ""}`.trim();
    const filters = metricFilters.filter((m) => m.metric === metric);
    return {
      address: a.address,
      name: literal(b.alarm_name) ?? a.address,
      metric,
      condition,
      description: literal(b.alarm_description),
      topics: [...new Set([...(b.alarm_actions ?? [])].map(topicLabel))].sort(),
      source: filters.length ? filters.map((m) => `filter ${m.name} on ${m.logGroupName}`).join("; ") : undefined,
    };
  });
  return alarms.sort(byKey((a) => a.name));
}
