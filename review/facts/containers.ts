/** Every container of every task definition, and the ECS services and target groups that run and reach them. */
import type { ContainerFact, Facts } from "../facts";
import { blocks, bool, literal, num, PlanIndex } from "../plan-index";
import { labelOf } from "./labels";

/** A service with the target groups it registers in (the tiers follow them from listener rule to task). */
export type ServiceFact = Facts["services"][number] & { readonly targetGroups: readonly string[] };

/** Image, environment, secrets, hardening and log group of each container, in the plan's order. */
export function containerFacts(idx: PlanIndex): ContainerFact[] {
  const containers: ContainerFact[] = [];
  for (const td of idx.all("aws_ecs_task_definition")) {
    let defs: any[] = [];
    const raw = td.body.container_definitions;
    try {
      defs = typeof raw === "string" ? JSON.parse(raw) : Array.isArray(raw) ? raw : [];
    } catch {
      defs = [];
    }
    const family = literal(td.body.family) ?? td.address;
    for (const c of defs) {
      const env: Record<string, string> = {};
      for (const e of c.environment ?? []) if (e && typeof e.name === "string") env[e.name] = String(e.value ?? "");
      const lg = c.logConfiguration?.options?.["awslogs-group"];
      const lgRes = idx.target(lg, "aws_cloudwatch_log_group");
      containers.push({
        task: td.address,
        family,
        name: String(c.name ?? "?"),
        image: typeof c.image === "string" ? c.image : undefined,
        env,
        secrets: (c.secrets ?? []).map((s: any) => ({ name: String(s.name), valueFrom: String(s.valueFrom), secret: idx.target(s.valueFrom, "aws_secretsmanager_secret")?.address })),
        readonlyRootFilesystem: c.readonlyRootFilesystem,
        privileged: c.privileged,
        user: c.user,
        logGroup: lgRes?.address ?? (typeof lg === "string" ? lg : undefined),
        healthCheck: !!c.healthCheck,
      });
    }
  }
  return containers;
}

export function serviceFacts(idx: PlanIndex): ServiceFact[] {
  return idx.all("aws_ecs_service").map((s) => {
    const nc = blocks(s.body.network_configuration)[0];
    return {
      address: s.address,
      name: labelOf(s, s.address),
      desiredCount: num(s.body.desired_count),
      publicIp: nc ? (bool(nc.assign_public_ip) ?? false) : undefined,
      taskDefinition: idx.target(s.body.task_definition, "aws_ecs_task_definition")?.address,
      targetGroups: blocks(s.body.load_balancer)
        .map((b) => idx.target(b.target_group_arn, "aws_lb_target_group")?.address)
        .filter((x): x is string => !!x),
    };
  });
}

/** `protocol`: what the load balancer speaks to the targets (HTTP: TLS ends at the load balancer). */
export function targetGroupFacts(idx: PlanIndex): Facts["targetGroups"][number][] {
  return idx.all("aws_lb_target_group").map((tg) => {
    const hc = blocks(tg.body.health_check)[0];
    return { address: tg.address, name: labelOf(tg, tg.address), protocol: literal(tg.body.protocol), healthCheck: hc ? `${literal(hc.protocol) ?? ""} ${literal(hc.path) ?? ""}`.trim() || "on" : undefined };
  });
}
