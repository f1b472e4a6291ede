/**
 * The one reader of synthesized Terraform JSON that policy, review and preflight share: resources with their
 * addresses (object or list-of-objects form, older type aliases), `${type.name.attr}` references (the whole value,
 * or every one inside a template), numbers (decimals too), JSON-string attributes parsed, and every value that
 * Terraform computes at plan time (`${var.x}`, `${jsonencode(…)}`, `${a}-${b}`) kept apart as unknown, so that a
 * rule reports it as unverifiable instead of passing it.
 */

/** A synthesized Terraform JSON document (cdk.tf.json), as parsed. */
export interface TerraformJson {
  readonly terraform?: Record<string, unknown>;
  readonly provider?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
  readonly variable?: Record<string, unknown>;
}

/** Older resource type names that mean the same thing; plans produced elsewhere still use them. */
export const ALIASES: Readonly<Record<string, readonly string[]>> = {
  aws_lb: ["aws_alb"],
  aws_lb_listener: ["aws_alb_listener"],
  aws_lb_listener_rule: ["aws_alb_listener_rule"],
  aws_lb_target_group: ["aws_alb_target_group"],
};

/** A type and its older aliases (`aws_lb` → aws_lb, aws_alb). */
export function withAliases(type: string): string[] {
  return [type, ...(ALIASES[type] ?? [])];
}

/** One resource or data source of the plan. */
export interface PlanResource {
  /** "managed" for `resource`, "data" for `data`. */
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Terraform address: `type.name`, or `data.type.name` for a data source. */
  readonly address: string;
  readonly body: Record<string, any>;
}

/** A reference that is the whole value, e.g. `${aws_kms_key.key_1A2B.arn}`. */
export interface Reference {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, e.g. `arn` or `rotation_rules[0].days`; empty for the bare resource. */
  readonly attr: string;
  readonly address: string;
}

/** How a value reads before apply. */
export type Value = { readonly kind: "literal"; readonly value: unknown } | { readonly kind: "ref"; readonly ref: Reference; readonly target?: PlanResource } | { readonly kind: "unknown"; readonly text: string };

/**
 * One reference: optional `data.`, a type, a name, then an attribute path (`arn`, `rotation_rules[0].days`,
 * `tags["Name"]`). The same grammar reads a whole value (`parseReference`) and every reference in a template (`refsIn`).
 */
const REF_BODY = String.raw`((data)\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.([^\${}]+))?`;
const WHOLE_REF = new RegExp(`^\\$\\{${REF_BODY}\\}$`);
const ANY_REF = new RegExp(`\\$\\{${REF_BODY}\\}`, "g");
/** Terraform's own namespaces are not resources: their values are only known at plan time. */
const NOT_RESOURCES = ["var", "local", "module", "each", "count", "path", "terraform", "self"];

function toReference(m: RegExpExecArray | RegExpMatchArray): Reference | undefined {
  const mode = m[2] ? "data" : "managed";
  const type = m[3];
  if (mode === "managed" && NOT_RESOURCES.includes(type)) return undefined;
  const name = m[4];
  return Object.freeze({ mode, type, name, attr: m[5] ?? "", address: mode === "data" ? `data.${type}.${name}` : `${type}.${name}` });
}

const references = new Map<string, Reference | undefined>();

/** The reference a value is made of, when the whole value is one plain `${type.name[.attr]}` (not `var.`, `local.`, a function or a template). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  // Memoized: rules match every resource against every other (each secret against each rotation, …).
  if (references.has(value)) return references.get(value);
  const m = WHOLE_REF.exec(value);
  const ref = m ? toReference(m) : undefined;
  references.set(value, ref);
  return ref;
}

/**
 * Every managed-resource reference inside a value (strings, arrays and objects, recursively, inside templates too;
 * `//` metadata skipped). Data sources are left out: they are read, not deployed.
 */
export function refsIn(value: unknown): Reference[] {
  const out: Reference[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      if (!v.includes("${")) return;
      for (const ref of refsInString(v)) out.push(ref);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.entries(v).forEach(([k, x]) => k !== "//" && visit(x));
  };
  visit(value);
  return out;
}

const stringRefs = new Map<string, readonly Reference[]>();

/**
 * The managed-resource references in one string, memoized: review and policy ask about the same policy documents and
 * ARNs once per secret, role or rule (a 200-group plan: ~100,000 calls over a few thousand distinct strings).
 */
function refsInString(v: string): readonly Reference[] {
  let refs = stringRefs.get(v);
  if (!refs) {
    const found: Reference[] = [];
    for (const m of v.matchAll(ANY_REF)) {
      const ref = toReference(m);
      if (ref && ref.mode === "managed") found.push(ref);
    }
    refs = found;
    stringRefs.set(v, refs);
  }
  return refs;
}

/** The value as text when Terraform knows it before apply (no `${…}` inside), else undefined. */
export function literal(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/** True when a string holds any `${…}` interpolation. */
export function isInterpolated(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

/** Shortens a value for a message. */
export function show(value: unknown): string {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s === undefined ? "unset" : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The message for a value no rule can judge before apply. */
export function unverifiable(what: string, value: unknown): string {
  return `${what} is ${show(value)}, which is only known at apply time and cannot be verified`;
}

/** A single nested block: cdktf writes it as an object, hand-written JSON often as a one-element list. */
export function block(value: unknown): Record<string, any> | undefined {
  if (Array.isArray(value)) return value.length > 0 && isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** A repeated nested block as a list (absent → empty). */
export function blocks(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

export function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `true`, `"true"` → true; `false`, `"false"` → false; anything else → undefined. Terraform accepts both forms. */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** A number or numeric string as a number; anything else → undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** The resource's own tags (not the provider's default tags). */
export function tagsOf(r: PlanResource): Record<string, unknown> {
  return isObject(r.body.tags) ? r.body.tags : {};
}

/** A parsed JSON attribute, or why it cannot be read. */
export type Parsed = { readonly ok: true; readonly value: any } | { readonly ok: false; readonly why: string };

const views = new WeakMap<object, PlanView>();

/** Indexed, read-only access to one plan. `view(plan)` caches it, so every rule of a run shares one index. */
export class PlanView {
  private readonly byAddress = new Map<string, PlanResource>();
  private readonly byType = new Map<string, PlanResource[]>();
  private readonly sortedByType = new Map<string, PlanResource[]>();

  constructor(readonly plan: TerraformJson) {
    for (const [mode, section] of [
      ["managed", plan.resource],
      ["data", plan.data],
    ] as const) {
      for (const [type, entries] of Object.entries(merged(section))) {
        for (const [name, raws] of Object.entries(merged(...entries))) {
          const flat = raws.flat();
          const body = flat.length === 1 ? flat[0] : undefined;
          if (!isObject(body)) throw new Error(`${mode === "data" ? "data." : ""}${type}.${name} is not a resource body (expected a JSON object)`);
          const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          const r: PlanResource = { mode, type, name, address, body };
          this.byAddress.set(address, r);
          const key = mode === "data" ? `data.${type}` : type;
          // Appended in place: copying the list per resource made indexing quadratic in a type's size.
          const list = this.byType.get(key);
          if (list) list.push(r);
          else this.byType.set(key, [r]);
        }
      }
    }
  }

  /** Managed resources of the given types, in document order (exactly these types: see `resourcesOf` for aliases). */
  resources(...types: string[]): PlanResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /** Managed resources of a type and of its older aliases (aws_alb for aws_lb), sorted by address. */
  resourcesOf(type: string): PlanResource[] {
    // Sorted once per type: review asks for the same types once per secret, role or listener.
    let sorted = this.sortedByType.get(type);
    if (!sorted) {
      sorted = this.resources(...withAliases(type)).sort(byAddress);
      this.sortedByType.set(type, sorted);
    }
    return sorted.slice();
  }

  /** Every managed resource type present, sorted. */
  types(): string[] {
    return [...this.byType.keys()].filter((k) => !k.startsWith("data.")).sort();
  }

  /** Data sources of the given types. */
  dataSources(...types: string[]): PlanResource[] {
    return types.flatMap((t) => this.byType.get(`data.${t}`) ?? []);
  }

  get(address: string): PlanResource | undefined {
    return this.byAddress.get(address);
  }

  /** The construct path cdktf records in the `//` metadata (`mcp-dev/agent-access/tasks/group`), or the address. */
  path(r: PlanResource): string {
    return String(r.body["//"]?.metadata?.path ?? r.address);
  }

  /** The stack's default tags (project, environment, …) from the AWS provider. */
  defaultTags(): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const p of blocks((this.plan.provider as any)?.aws)) for (const dt of blocks(p.default_tags)) Object.assign(tags, dt.tags ?? {});
    return tags;
  }

  /** Every resource and data source. */
  all(): PlanResource[] {
    return [...this.byAddress.values()];
  }

  /** Classifies a value: a literal, a reference (followed when it names a resource of this plan), or unknown. */
  value(v: unknown): Value {
    const ref = parseReference(v);
    if (ref) return { kind: "ref", ref, target: this.byAddress.get(ref.address) };
    if (isInterpolated(v)) return { kind: "unknown", text: v };
    return { kind: "literal", value: v };
  }

  /**
   * Follows a plain reference to a literal input attribute of the resource it names (e.g. `${aws_vpc.v.cidr_block}`
   * → "10.40.0.0/20"); anything else comes back unchanged. Computed attributes (ids, ARNs) stay references.
   */
  resolve(v: unknown, depth = 0): unknown {
    const ref = parseReference(v);
    const t = ref && this.byAddress.get(ref.address);
    if (!ref || !t || depth > 5 || !/^[a-z_][a-z0-9_]*$/.test(ref.attr) || !(ref.attr in t.body)) return v;
    const next = t.body[ref.attr];
    return typeof next === "string" || typeof next === "number" || typeof next === "boolean" ? this.resolve(next, depth + 1) : v;
  }

  /** The resource a value references, when it is one plain reference to a resource of this plan. */
  target(v: unknown, ...types: string[]): PlanResource | undefined {
    const ref = parseReference(v);
    const t = ref && this.byAddress.get(ref.address);
    return t && (types.length === 0 || types.includes(t.type)) ? t : undefined;
  }

  /** True when `v` is a plain reference to `target` (any attribute, or one of `attrs`). */
  refersTo(v: unknown, target: PlanResource, attrs?: readonly string[]): boolean {
    const ref = parseReference(v);
    return !!ref && ref.address === target.address && (!attrs || attrs.includes(ref.attr));
  }

  /** Resources of `types` whose attribute `attr` references `target` (e.g. flow logs whose vpc_id is this VPC). */
  referrers(types: readonly string[], attr: string, target: PlanResource, attrs?: readonly string[]): PlanResource[] {
    return this.resources(...types).filter((r) => this.refersTo(r.body[attr], target, attrs));
  }

  /**
   * Parses a JSON-string attribute (container definitions, policies). Objects pass through; a reference to a
   * `data.aws_iam_policy_document` is rebuilt from its blocks; `${jsonencode(…)}` and other expressions are unknown.
   */
  parseJson(v: unknown): Parsed {
    if (v === undefined || v === null) return { ok: false, why: "is not set" };
    if (isObject(v) || Array.isArray(v)) return { ok: true, value: v };
    if (typeof v !== "string") return { ok: false, why: `is ${show(v)}, not a JSON document` };
    const ref = parseReference(v);
    if (ref) {
      const t = this.byAddress.get(ref.address);
      if (t && t.mode === "data" && t.type === "aws_iam_policy_document" && ref.attr === "json") return { ok: true, value: policyFromDataSource(t.body) };
      return { ok: false, why: `is ${show(v)}, which is only known at apply time and cannot be verified` };
    }
    const trimmed = v.trim();
    if (trimmed.startsWith("${") && !/^[[{]/.test(trimmed)) return { ok: false, why: `is ${show(v)}, which is only known at apply time and cannot be verified` };
    try {
      return { ok: true, value: JSON.parse(v) };
    } catch (e) {
      return { ok: false, why: `is not valid JSON (${(e as Error).message})` };
    }
  }
}

/**
 * Terraform's JSON syntax lets any object property be an array of objects, merged in order
 * (https://developer.hashicorp.com/terraform/language/syntax/json); cdktf writes objects, hand-written plans may not.
 */
function merged(...values: unknown[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const add = (o: unknown) => {
    if (o === undefined || o === null) return;
    if (Array.isArray(o)) return o.forEach(add);
    if (!isObject(o)) throw new Error(`expected a JSON object of resources, got ${show(o)}`);
    for (const [k, x] of Object.entries(o)) (out[k] ??= []).push(x);
  };
  values.forEach(add);
  return out;
}

const byAddress = (a: PlanResource, b: PlanResource) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

export function view(plan: TerraformJson): PlanView {
  let v = views.get(plan);
  if (!v) {
    v = new PlanView(plan);
    views.set(plan, v);
  }
  return v;
}

/** An `aws_iam_policy_document` data source's blocks rendered as the JSON policy it produces. */
function policyFromDataSource(body: Record<string, any>): unknown {
  const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const principals = (v: unknown) => {
    const out: Record<string, unknown[]> = {};
    for (const p of blocks(v)) out[String(p.type)] = [...(out[String(p.type)] ?? []), ...(list(p.identifiers) ?? [])];
    // type "*" with identifier "*" renders as Principal "*" (everyone).
    if (out["*"]) return "*";
    return Object.keys(out).length ? out : undefined;
  };
  const conditions = (v: unknown) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const c of blocks(v)) out[String(c.test)] = { ...(out[String(c.test)] ?? {}), [String(c.variable)]: c.values };
    return Object.keys(out).length ? out : undefined;
  };
  return {
    Version: body.version ?? "2012-10-17",
    Statement: blocks(body.statement).map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      Principal: principals(s.principals),
      NotPrincipal: principals(s.not_principals),
      Action: list(s.actions),
      NotAction: list(s.not_actions),
      Resource: list(s.resources),
      NotResource: list(s.not_resources),
      Condition: conditions(s.condition),
    })),
  };
}
