/**
 * The JSON documents hidden in string attributes: IAM and resource policies, and ECS container definitions.
 * Rules read them through here so that every rule parses them the same way and reports the same "cannot be
 * verified" message for a document that is only known at apply time.
 */
import { isObject, PlanResource, PlanView } from "./terraform";

/** One policy statement with every list-or-string field made a list. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly unknown[];
  readonly notActions: readonly unknown[];
  readonly resources: readonly unknown[];
  readonly notResources: readonly unknown[];
  readonly principal: unknown;
  readonly condition: Record<string, any>;
}

/** Where a policy lives and what kind it is; the kind decides what a `*` resource means. */
export interface PolicySource {
  readonly resource: PlanResource;
  /** Attribute path for messages, e.g. `policy` or `inline_policy[0].policy`. */
  readonly attr: string;
  readonly value: unknown;
  /** identity: attached to a role/user/group; key: a KMS key policy (`*` is the key itself); resource: other resource policies. */
  readonly kind: "identity" | "key" | "resource";
}

const SOURCES: readonly { type: string; attr: string; kind: PolicySource["kind"] }[] = [
  { type: "aws_iam_role_policy", attr: "policy", kind: "identity" },
  { type: "aws_iam_policy", attr: "policy", kind: "identity" },
  { type: "aws_iam_user_policy", attr: "policy", kind: "identity" },
  { type: "aws_iam_group_policy", attr: "policy", kind: "identity" },
  { type: "aws_kms_key", attr: "policy", kind: "key" },
  { type: "aws_kms_key_policy", attr: "policy", kind: "key" },
  { type: "aws_s3_bucket_policy", attr: "policy", kind: "resource" },
  { type: "aws_sns_topic", attr: "policy", kind: "resource" },
  { type: "aws_sns_topic_policy", attr: "policy", kind: "resource" },
  { type: "aws_secretsmanager_secret", attr: "policy", kind: "resource" },
  { type: "aws_secretsmanager_secret_policy", attr: "policy", kind: "resource" },
  { type: "aws_ecr_repository_policy", attr: "policy", kind: "resource" },
  { type: "aws_cloudwatch_log_resource_policy", attr: "policy_document", kind: "resource" },
];

/**
 * Every permission policy of the plan. Trust policies (`assume_role_policy`) are left out: their action is
 * always `sts:AssumeRole*` and their subject is the principal, which other rules judge.
 */
export function policySources(plan: PlanView): PolicySource[] {
  const out: PolicySource[] = [];
  for (const s of SOURCES) {
    for (const r of plan.resources(s.type)) {
      if (r.body[s.attr] !== undefined && r.body[s.attr] !== "") out.push({ resource: r, attr: s.attr, value: r.body[s.attr], kind: s.kind });
    }
  }
  // Inline policies declared on the role itself.
  for (const r of plan.resources("aws_iam_role")) {
    const inline = Array.isArray(r.body.inline_policy) ? r.body.inline_policy : r.body.inline_policy ? [r.body.inline_policy] : [];
    inline.forEach((p: any, i: number) => {
      if (isObject(p) && p.policy !== undefined) out.push({ resource: r, attr: `inline_policy[${i}].policy`, value: p.policy, kind: "identity" });
    });
  }
  return out;
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The statements of a parsed policy document; throws a readable error when it is not one. */
export function statementsOf(doc: unknown): PolicyStatement[] {
  if (!isObject(doc)) throw new Error("is not a policy document (expected a JSON object)");
  const raw = list(doc.Statement);
  return raw.map((s, i) => {
    if (!isObject(s)) throw new Error(`statement ${i} is not an object`);
    return {
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      principal: s.Principal,
      condition: isObject(s.Condition) ? s.Condition : {},
    };
  });
}

/** Names a statement in messages: its Sid, or its position. */
export function statementName(s: PolicyStatement, index: number): string {
  return s.sid ? `statement "${s.sid}"` : `statement ${index}`;
}

/** The statements of one policy source, or why they cannot be read. */
export function readPolicy(plan: PlanView, source: PolicySource): { ok: true; statements: PolicyStatement[] } | { ok: false; why: string } {
  const parsed = plan.parseJson(source.value);
  if (!parsed.ok) return { ok: false, why: `${source.attr} ${parsed.why}` };
  try {
    return { ok: true, statements: statementsOf(parsed.value) };
  } catch (e) {
    return { ok: false, why: `${source.attr} ${(e as Error).message}` };
  }
}

/**
 * Calls `visit` for every Allow statement of the given policies, with `where` naming the attribute and statement;
 * a policy that cannot be read is reported as such. The IAM rules share this walk.
 */
export function eachAllowStatement(plan: PlanView, sources: readonly PolicySource[], report: (address: string, message: string) => void, visit: (src: PolicySource, s: PolicyStatement, where: string) => void): void {
  for (const src of sources) {
    const read = readPolicy(plan, src);
    if (!read.ok) {
      report(src.resource.address, read.why);
      continue;
    }
    read.statements.forEach((s, i) => {
      if (s.effect === "Allow") visit(src, s, `${src.attr} ${statementName(s, i)}`);
    });
  }
}

/** One ECS container definition, as the ECS API takes it (camelCase keys). */
export type ContainerDefinition = Record<string, any>;

/** The containers of an `aws_ecs_task_definition`, or why they cannot be read. */
export function containersOf(plan: PlanView, taskDefinition: PlanResource): { ok: true; value: ContainerDefinition[] } | { ok: false; why: string } {
  const parsed = plan.parseJson(taskDefinition.body.container_definitions);
  if (!parsed.ok) return { ok: false, why: `container_definitions ${parsed.why}` };
  if (!Array.isArray(parsed.value) || !parsed.value.every(isObject)) return { ok: false, why: "container_definitions is not a JSON list of container objects" };
  return { ok: true, value: parsed.value };
}

/** Names a container in messages. */
export function containerName(c: ContainerDefinition, index: number): string {
  return typeof c.name === "string" ? `container "${c.name}"` : `container ${index}`;
}

/** The `environment` entries of a container as name → value pairs. */
export function environmentOf(c: ContainerDefinition): { name: string; value: unknown }[] {
  return list(c.environment)
    .filter(isObject)
    .map((e) => ({ name: String(e.name), value: e.value }));
}

/** The names injected from Secrets Manager or Parameter Store (`secrets`). */
export function secretNamesOf(c: ContainerDefinition): string[] {
  return list(c.secrets)
    .filter(isObject)
    .map((s) => String(s.name));
}

/**
 * Calls `fn` for every container of every task definition; reports task definitions whose containers cannot be
 * read. Returns whether any task definition exists (the rule's applicability).
 */
export function eachContainer(plan: PlanView, report: (address: string, message: string) => void, fn: (taskDefinition: PlanResource, container: ContainerDefinition, label: string) => void): boolean {
  const defs = plan.resources("aws_ecs_task_definition");
  for (const td of defs) {
    const cs = containersOf(plan, td);
    if (!cs.ok) report(td.address, cs.why);
    else cs.value.forEach((c, i) => fn(td, c, containerName(c, i)));
  }
  return defs.length > 0;
}
