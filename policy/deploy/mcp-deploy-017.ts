import { isObject, PlanResource, PlanView } from "../plan";
import { defineRule } from "../rule";
import { dependencyClosure, DOCS, referencedAddresses } from "./support";

/**
 * ECS reads a task's secrets when the task starts and fails the task (ResourceInitializationError) while a secret
 * has no AWSCURRENT value. A secret the plan fills itself (its first rotation, a generate-once invocation, a secret
 * version) is empty until that resource exists; a service created before it starts tasks that fail, and with the
 * deployment circuit breaker the first deployment stops for good: the apply succeeds and the service never runs.
 * A first rotation is asynchronous (RotateSecret starts it), so waiting for it narrows the window to the seconds the
 * rotation takes, while a new task reads its secrets only after its image is pulled; the other two are synchronous.
 * Secrets a person puts after apply are outside this rule (docs/deploy.md orders them).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-017",
    title: "ECS services are created after what fills their tasks' secrets (first rotation, generate-once invocation, secret version)",
    severity: "high",
    references: [],
    remediation: `Add the secret's first rotation (or generate-once invocation, or secret version) to the service's depends_on (the kit does so through ReadableSecret.firstValue); see ${DOCS.ecsSecrets}`,
  },
  (plan, _ctx, report) => {
    const services = plan.resources("aws_ecs_service");
    const fillers = firstValueSources(plan);
    const after = dependencyClosure(plan);
    for (const service of services) {
      const task = plan.target(service.body.task_definition, "aws_ecs_task_definition");
      if (!task) continue;
      const upstream = after(service.address);
      for (const secret of secretsRead(plan, task)) {
        const sources = fillers.get(secret.address) ?? [];
        const missing = sources.filter((s) => !upstream.has(s.address));
        if (sources.length && missing.length === sources.length) {
          report(service.address, `its tasks read ${secret.address}, whose first value comes from ${missing.map((m) => m.address).join(" and ")}, but the service does not wait for it; its first tasks can fail to start`);
        }
      }
    }
    return services.length > 0;
  },
);

/** The secrets a task definition's containers read through `secrets[].valueFrom` (whole secret or one JSON key). */
function secretsRead(plan: PlanView, task: PlanResource): PlanResource[] {
  const parsed = plan.parseJson(task.body.container_definitions);
  if (!parsed.ok || !Array.isArray(parsed.value)) return [];
  const out = new Set<PlanResource>();
  for (const c of parsed.value) {
    for (const s of isObject(c) && Array.isArray(c.secrets) ? c.secrets : []) {
      const from = isObject(s) && typeof s.valueFrom === "string" ? s.valueFrom : "";
      for (const address of referencedAddresses(from)) {
        const r = plan.get(address);
        if (r?.type === "aws_secretsmanager_secret") out.add(r);
      }
    }
  }
  return [...out];
}

/** Secret address → the resources of the plan that put its first value. */
function firstValueSources(plan: PlanView): Map<string, PlanResource[]> {
  const out = new Map<string, PlanResource[]>();
  const add = (secretRef: unknown, source: PlanResource) => {
    for (const a of typeof secretRef === "string" ? referencedAddresses(secretRef) : []) {
      if (plan.get(a)?.type === "aws_secretsmanager_secret") out.set(a, [...(out.get(a) ?? []), source]);
    }
  };
  // rotate_immediately defaults to true: the first rotation makes the first value.
  for (const r of plan.resources("aws_secretsmanager_secret_rotation")) if (r.body.rotate_immediately !== false) add(r.body.secret_id, r);
  for (const v of plan.resources("aws_secretsmanager_secret_version")) add(v.body.secret_id, v);
  // A function invoked on apply with the secret's ARN in its input (the kit's GenerateOnce).
  for (const i of plan.resources("aws_lambda_invocation")) add(i.body.input, i);
  return out;
}
