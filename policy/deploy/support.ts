/**
 * What the deployability rules share: the plan's region and account, KMS key policies read as statements, and
 * whether a statement lets a given principal perform an action. Pure functions over a PlanView.
 */
import { PolicyStatement, readPolicy } from "../documents";
import { isObject, parseReference, PlanResource, PlanView } from "../plan";

/** The region of the plan's default aws provider, when it is a literal. */
export function planRegion(plan: PlanView): string | undefined {
  const p = isObject(plan.plan.provider) ? plan.plan.provider.aws : undefined;
  const list = Array.isArray(p) ? p : p ? [p] : [];
  const first = list.find((x) => isObject(x) && !x.alias) ?? list[0];
  const region = isObject(first) ? first.region : undefined;
  return typeof region === "string" && !region.includes("${") ? region : undefined;
}

/** The resources and data sources a string refers to (also inside templates like `${a.b.arn}/*`). */
export function referencesIn(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return referencedAddresses(value).filter((a) => !/^(var|local|module)\./.test(a));
}

/** The KMS key a value names: a reference to an aws_kms_key, or to an aws_kms_alias of one. */
export function keyOf(plan: PlanView, value: unknown): PlanResource | undefined {
  const t = plan.target(value, "aws_kms_key", "aws_kms_alias");
  if (!t) return undefined;
  return t.type === "aws_kms_key" ? t : plan.target(t.body.target_key_id, "aws_kms_key");
}

/** The key policy of a key (its `policy`, or an aws_kms_key_policy naming it), as statements. */
export function keyPolicy(plan: PlanView, key: PlanResource): KeyPolicy {
  // Once per key and plan: MCP-DEPLOY-004 asks for each role that uses a key, and the environment key's policy holds
  // a grant per role (a 200-group plan parsed it ~400 times).
  let byKey = keyPolicies.get(plan);
  if (!byKey) keyPolicies.set(plan, (byKey = new Map()));
  let policy = byKey.get(key.address);
  if (!policy) byKey.set(key.address, (policy = readKeyPolicy(plan, key)));
  return policy;
}

type KeyPolicy = { ok: true; statements: PolicyStatement[] } | { ok: false; why: string };
const keyPolicies = new WeakMap<PlanView, Map<string, KeyPolicy>>();

function readKeyPolicy(plan: PlanView, key: PlanResource): KeyPolicy {
  const separate = plan.resources("aws_kms_key_policy").find((p) => plan.refersTo(p.body.key_id, key));
  const source = separate ?? key;
  if (source.body.policy === undefined) {
    return { ok: false, why: "has no key policy in the plan, so AWS applies its default policy, which only the account's IAM policies extend" };
  }
  return readPolicy(plan, { resource: source, attr: "policy", value: source.body.policy, kind: "key" });
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** True when `pattern` (IAM action syntax, `*` and `?` wildcards, case-insensitive) matches `action`. */
export function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== "string") return false;
  // Compiled once per pattern: the rules match the same few dozen actions against every statement of every role.
  let re = actionPatterns.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
    actionPatterns.set(pattern, re);
  }
  return re.test(action);
}

const actionPatterns = new Map<string, RegExp>();

/** A principal a statement may name. */
export type Who = { readonly service: string } | { readonly role: PlanResource } | { readonly accountRoot: true };

/** Whether a statement's Principal names `who`. A role is named by a reference to it or by its literal ARN. */
export function namesPrincipal(_plan: PlanView, principal: unknown, who: Who): boolean {
  if (principal === "*") return !("accountRoot" in who);
  if (!isObject(principal)) return false;
  if ("service" in who) return asList(principal.Service).some((s) => s === who.service);
  const aws = asList(principal.AWS);
  if ("accountRoot" in who) return aws.some((a) => typeof a === "string" && (/^arn:aws[a-z-]*:iam::(\d{12}|\$\{[^}]+\}):root$/.test(a) || /^\d{12}$/.test(a)));
  const role = who.role;
  return aws.some((a) => {
    const ref = parseReference(a);
    if (ref) return ref.address === role.address;
    const name = role.body.name;
    return typeof a === "string" && typeof name === "string" && a.endsWith(`:role/${name}`);
  });
}

/** The Allow statements of `statements` that name `who` and cover `action`. */
export function allowing(plan: PlanView, statements: readonly PolicyStatement[], who: Who, action: string): PolicyStatement[] {
  return statements.filter((s) => s.effect === "Allow" && namesPrincipal(plan, s.principal, who) && s.actions.some((a) => actionMatches(a, action)));
}

/** Doc links the rules cite, in one place so comments and remediation say the same. */
export const DOCS = {
  keyPolicyLockout: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key",
  logsKms: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  snsKms: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
  keyPolicyIam: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam",
  albAccessLogs: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
  logRetention: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  fargateSizes: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
  ecrEndpoints: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
  pullThroughSecret: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html",
  pullThroughIam: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html",
  rotationPermission: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html",
  rotationNetwork: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html",
  flowLogRole: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
  gracePeriod: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html",
  localBackend: "https://developer.hashicorp.com/terraform/language/backend/local",
  references: "https://developer.hashicorp.com/terraform/language/expressions/references",
  ecsSecrets: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
} as const;

/** Each role with the identity policy statements attached to it (inline, aws_iam_role_policy, attached policies). */
export function rolePolicies(plan: PlanView): ReadonlyMap<PlanResource, readonly PolicyStatement[]> {
  // Once per plan: four rules ask.
  let roles = rolePoliciesOf.get(plan);
  if (!roles) rolePoliciesOf.set(plan, (roles = readRolePolicies(plan)));
  return roles;
}

const rolePoliciesOf = new WeakMap<PlanView, ReadonlyMap<PlanResource, readonly PolicyStatement[]>>();

function readRolePolicies(plan: PlanView): Map<PlanResource, PolicyStatement[]> {
  const out = new Map<PlanResource, PolicyStatement[]>();
  const add = (role: PlanResource | undefined, source: PlanResource, attr: string, value: unknown) => {
    if (!role) return;
    const read = readPolicy(plan, { resource: source, attr, value, kind: "identity" });
    if (read.ok) out.set(role, [...(out.get(role) ?? []), ...read.statements]);
  };
  for (const p of plan.resources("aws_iam_role_policy")) add(plan.target(p.body.role, "aws_iam_role"), p, "policy", p.body.policy);
  for (const r of plan.resources("aws_iam_role")) [r.body.inline_policy ?? []].flat().forEach((p: any, i: number) => p?.policy && add(r, r, `inline_policy[${i}].policy`, p.policy));
  for (const a of plan.resources("aws_iam_role_policy_attachment")) {
    const policy = plan.target(a.body.policy_arn, "aws_iam_policy");
    if (policy) add(plan.target(a.body.role, "aws_iam_role"), policy, "policy", policy.body.policy);
  }
  return out;
}

/**
 * The addresses a Terraform template's interpolations refer to: `type.name` for resources (types hold an underscore:
 * aws_vpc, tls_private_key), `data.type.name`, `var.x`, `local.x` and `module.x`. Quoted strings inside an
 * expression are literal text and are skipped; `$${` is an escaped, literal `${`.
 */
export function referencedAddresses(template: string): readonly string[] {
  // Memoized: MCP-DEPLOY-016 and 017 both read every template of the plan (as parseReference is, in plan.ts).
  const hit = addressesOf.get(template);
  if (hit) return hit;
  const out: string[] = [];
  for (const expr of interpolations(template)) {
    const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const m of code.matchAll(/(?<![\w.:])(?:(data)\.([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z_][\w-]*)|(var|local|module)\.([A-Za-z_][\w-]*)|([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z_][\w-]*))/g)) {
      if (m[1]) out.push(`data.${m[2]}.${m[3]}`);
      else if (m[4]) out.push(`${m[4]}.${m[5]}`);
      else out.push(`${m[6]}.${m[7]}`);
    }
  }
  addressesOf.set(template, out);
  return out;
}

const addressesOf = new Map<string, readonly string[]>();

/** Every string under `value` (objects and lists, any depth), skipping cdktf's `//` metadata. */
export function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (k !== "//") yield* stringsIn(v);
}

/** The text of each top-level `${…}` in a template, braces balanced and quoted strings respected. */
function interpolations(template: string): string[] {
  const out: string[] = [];
  let i = 0;
  while ((i = template.indexOf("${", i)) !== -1) {
    if (template[i - 1] === "$") {
      i += 2; // $${ is a literal
      continue;
    }
    let depth = 1;
    let j = i + 2;
    for (let quoted = false; j < template.length && depth > 0; j++) {
      const c = template[j];
      if (quoted) {
        if (c === "\\") j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
    }
    out.push(template.slice(i + 2, j - 1));
    i = j;
  }
  return out;
}

const closures = new WeakMap<PlanView, (address: string) => ReadonlySet<string>>();

/**
 * address → every address it waits for, through depends_on and references, transitively: what Terraform creates
 * before it. Memoized per plan, so the ordering rules (MCP-DEPLOY-017, 018) share one walk.
 */
export function dependencyClosure(plan: PlanView): (address: string) => ReadonlySet<string> {
  const hit = closures.get(plan);
  if (hit) return hit;
  const memo = new Map<string, Set<string>>();
  const direct = (r: PlanResource): string[] => {
    const found: string[] = [];
    for (const s of stringsIn({ ...r.body, depends_on: undefined })) found.push(...referencedAddresses(s));
    if (Array.isArray(r.body.depends_on)) found.push(...r.body.depends_on.filter((d: unknown): d is string => typeof d === "string"));
    return found;
  };
  const closure = (address: string): Set<string> => {
    const known = memo.get(address);
    if (known) return known;
    const seen = new Set<string>();
    memo.set(address, seen); // a cycle ends here (Terraform refuses cycles anyway)
    const r = plan.get(address);
    for (const d of r ? direct(r) : []) {
      if (seen.has(d)) continue;
      seen.add(d);
      for (const x of closure(d)) seen.add(x);
    }
    return seen;
  };
  closures.set(plan, closure);
  return closure;
}
