/** review/facts/logs.ts and alarms.ts: log groups, their writers and filters, topics, and the alarms they feed. */
import { alarmFacts, topicFacts } from "../../../review/facts/alarms";
import { containerFacts } from "../../../review/facts/containers";
import { logGroupFacts, metricFilterFacts } from "../../../review/facts/logs";
import { PlanIndex } from "../../../review/plan-index";

const idx = new PlanIndex({
  resource: {
    aws_kms_key: { env: {} },
    aws_kms_alias: { env: { name: "alias/mcp-dev", target_key_id: "${aws_kms_key.env.key_id}" } },
    aws_cloudwatch_log_group: { mcp: { name: "/mcp/dev", retention_in_days: 90, kms_key_id: "${aws_kms_key.env.arn}" }, forever: { name: "/forever", retention_in_days: 0 } },
    aws_ecs_task_definition: { mcp: { family: "mcp", container_definitions: JSON.stringify([{ name: "server", logConfiguration: { options: { "awslogs-group": "${aws_cloudwatch_log_group.mcp.name}" } } }]) } },
    aws_cloudwatch_log_metric_filter: { auth: { name: "auth-failures", pattern: '{ $.msg = "auth failed" }', log_group_name: "${aws_cloudwatch_log_group.mcp.name}", metric_transformation: { namespace: "MCP", name: "AuthFailures" } } },
    aws_sns_topic: { alerts: { name: "mcp-alerts", kms_master_key_id: "${aws_kms_key.env.id}" } },
    aws_sns_topic_subscription: { ops: { topic_arn: "${aws_sns_topic.alerts.arn}", protocol: "email", endpoint: "ops@example.com" } },
    aws_cloudwatch_metric_alarm: {
      auth: { alarm_name: "auth", namespace: "MCP", metric_name: "AuthFailures", statistic: "Sum", comparison_operator: "GreaterThanThreshold", threshold: 20, period: 3600, evaluation_periods: 1, alarm_actions: ["${aws_sns_topic.alerts.arn}"] },
      quiet: { alarm_name: "quiet", namespace: "AWS/ECS", metric_name: "CPUUtilization", statistic: "Average", comparison_operator: "GreaterThanOrEqualToThreshold", threshold: 90, period: 300, evaluation_periods: 3 },
    },
  },
});

describe("logGroupFacts", () => {
  it("reads retention (0 is never), key, the containers writing and the filters reading each group, sorted by name", () => {
    const groups = logGroupFacts(idx, containerFacts(idx), metricFilterFacts(idx));
    expect(groups.map((g) => g.name)).toEqual(["/forever", "/mcp/dev"]);
    expect(groups[1]).toEqual({ address: "aws_cloudwatch_log_group.mcp", name: "/mcp/dev", retentionDays: 90, kmsKey: "alias/mcp-dev", writers: ["container mcp/server"], metricFilters: ["auth-failures"] });
    expect(groups[0]).toEqual(expect.objectContaining({ retentionDays: undefined, kmsKey: "CloudWatch Logs default encryption (AWS owned key)", writers: [] }));
  });
});

describe("topicFacts and alarmFacts", () => {
  it("read a topic's key and subscribers", () => {
    expect(topicFacts(idx)).toEqual([
      { address: "aws_sns_topic.alerts", name: "mcp-alerts", kmsKey: "alias/mcp-dev", customerKey: true, subscriptions: [{ address: "aws_sns_topic_subscription.ops", protocol: "email", endpoint: "ops@example.com" }] },
    ]);
  });

  it("write each alarm's condition, the filter feeding it and whom it notifies", () => {
    const [auth, quiet] = alarmFacts(idx, metricFilterFacts(idx));
    expect(auth).toEqual({ address: "aws_cloudwatch_metric_alarm.auth", name: "auth", metric: "MCP/AuthFailures", condition: "Sum > 20 over 1 h", description: undefined, topics: ["mcp-alerts"], source: "filter auth-failures on /mcp/dev" });
    expect(quiet).toEqual(expect.objectContaining({ condition: "Average ≥ 90 over 300 s × 3", topics: [], source: undefined }));
  });
});
