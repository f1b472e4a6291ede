/** Log groups: retention, encryption, who writes to each, and the metric filters that read it. */
import type { ContainerFact, LogGroupFact } from "../facts";
import { byKey } from "../markdown";
import { blocks, literal, num, PlanIndex, refsIn } from "../plan-index";
import { keyLabel, labelOf } from "./labels";

export interface MetricFilterFact {
  readonly address: string;
  readonly name: string;
  readonly pattern: string;
  readonly logGroup?: string;
  readonly logGroupName: string;
  /** "namespace/name" of the metric it feeds. */
  readonly metric: string;
}

// Referrers that read a log group or only name it in a policy: not writers.
const NOT_WRITERS = ["aws_flow_log", "aws_cloudwatch_log_metric_filter", "aws_iam_role_policy", "aws_ecs_task_definition", "aws_iam_policy", "aws_cloudwatch_log_subscription_filter"];

export function metricFilterFacts(idx: PlanIndex): MetricFilterFact[] {
  return idx.all("aws_cloudwatch_log_metric_filter").map((m) => {
    const lg = idx.target(m.body.log_group_name, "aws_cloudwatch_log_group");
    const mt = blocks(m.body.metric_transformation)[0] ?? {};
    return {
      address: m.address,
      name: literal(m.body.name) ?? m.address,
      pattern: literal(m.body.pattern) ?? String(m.body.pattern ?? ""),
      logGroup: lg?.address,
      logGroupName: lg ? labelOf(lg, lg.address) : (literal(m.body.log_group_name) ?? "?"),
      metric: `${literal(mt.namespace) ?? "?"}/${literal(mt.name) ?? "?"}`,
    };
  });
}

/** Every log group, sorted by name. */
export function logGroupFacts(idx: PlanIndex, containers: readonly ContainerFact[], metricFilters: readonly MetricFilterFact[]): LogGroupFact[] {
  const logGroups: LogGroupFact[] = idx.all("aws_cloudwatch_log_group").map((g) => {
    const writers: string[] = [];
    for (const fl of idx.all("aws_flow_log")) if (refsIn(fl.body.log_destination).some((r) => r.address === g.address)) writers.push(`VPC flow log ${fl.address}`);
    for (const c of containers) if (c.logGroup === g.address || c.logGroup === literal(g.body.name)) writers.push(`container ${c.family}/${c.name}`);
    for (const r of idx.referencing(g)) if (!NOT_WRITERS.includes(r.type)) writers.push(`${r.type.replace(/^aws_/, "").replace(/_/g, " ")} ${labelOf(r, r.address)}`);
    const key = keyLabel(idx, g.body.kms_key_id, "CloudWatch Logs default encryption (AWS owned key)");
    const retention = num(g.body.retention_in_days);
    return {
      address: g.address,
      name: literal(g.body.name) ?? g.address,
      retentionDays: retention === 0 ? undefined : retention,
      kmsKey: key.label,
      writers: [...new Set(writers)].sort(),
      metricFilters: metricFilters
        .filter((m) => m.logGroup === g.address)
        .map((m) => m.name)
        .sort(),
    };
  });
  return logGroups.sort(byKey((g) => g.name));
}
