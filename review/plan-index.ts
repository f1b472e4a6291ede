/**
 * A read-only index over one synthesized Terraform JSON document: resources by type and address, and the
 * `${type.name.attr}` references between them, so the report can say which rule guards which load balancer or which
 * container reads which secret. Values Terraform computes at plan time stay strings; `literal` tells them apart.
 */
import { TerraformJson } from "../policy/types";
import { byKey } from "./markdown";

export interface Res {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as Terraform names it in plans and state. */
  readonly address: string;
  readonly body: Record<string, any>;
}

/** One reference inside a string: `${aws_kms_key.k.arn}` → type aws_kms_key, name k, attr arn. */
export interface Ref {
  readonly type: string;
  readonly name: string;
  readonly attr: string;
  readonly address: string;
}

/** Older resource type names that mean the same thing; plans produced elsewhere still use them. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  aws_lb: ["aws_alb"],
  aws_lb_listener: ["aws_alb_listener"],
  aws_lb_listener_rule: ["aws_alb_listener_rule"],
  aws_lb_target_group: ["aws_alb_target_group"],
};

const REF = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_.[\]"*-]+))?\}/g;

/** Every resource reference inside a value (strings, arrays and objects, recursively); data sources excluded. */
export function refsIn(value: unknown): Ref[] {
  const out: Ref[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(REF)) {
        if (m[1] === "data" || m[1] === "var" || m[1] === "local" || m[1] === "module") continue;
        out.push({ type: m[1], name: m[2], attr: m[3] ?? "", address: `${m[1]}.${m[2]}` });
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => k !== "//" && visit(x));
  };
  visit(value);
  return out;
}

/** The value when Terraform knows it before apply (no `${…}` inside), else undefined. */
export function literal(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/** Terraform JSON writes a nested block as an object or as a list of objects: always a list here. */
export function blocks(value: unknown): Record<string, any>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v && typeof v === "object");
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

export class PlanIndex {
  private readonly byAddress = new Map<string, Res>();
  private readonly byType = new Map<string, Res[]>();
  /** address → addresses of resources whose body references it. */
  private readonly referrers = new Map<string, Set<string>>();

  constructor(readonly plan: TerraformJson) {
    for (const [type, instances] of Object.entries(plan.resource ?? {})) {
      const list: Res[] = [];
      for (const [name, body] of Object.entries(instances ?? {})) {
        const res: Res = { type, name, address: `${type}.${name}`, body: (body ?? {}) as Record<string, any> };
        this.byAddress.set(res.address, res);
        list.push(res);
      }
      this.byType.set(type, list.sort(byKey((r) => r.address)));
    }
    for (const res of this.byAddress.values()) {
      for (const r of refsIn(res.body)) {
        if (!this.referrers.has(r.address)) this.referrers.set(r.address, new Set());
        this.referrers.get(r.address)!.add(res.address);
      }
    }
  }

  /** Every resource of a type (and of its older aliases, e.g. aws_alb for aws_lb), sorted by address. */
  all(type: string): Res[] {
    const aliases = ALIASES[type] ?? [];
    if (aliases.length === 0) return this.byType.get(type) ?? [];
    return [type, ...aliases].flatMap((t) => this.byType.get(t) ?? []).sort(byKey((r) => r.address));
  }

  get(address: string): Res | undefined {
    return this.byAddress.get(address);
  }

  /** The resource a value refers to (the first reference of the wanted type, when given). */
  target(value: unknown, type?: string): Res | undefined {
    const ref = refsIn(value).find((r) => !type || r.type === type || (ALIASES[type] ?? []).includes(r.type));
    return ref ? this.get(ref.address) : undefined;
  }

  /** Resources of `type` whose body refers to `res` anywhere. */
  referencing(res: Res, type?: string): Res[] {
    return [...(this.referrers.get(res.address) ?? [])]
      .map((a) => this.get(a)!)
      .filter((r) => r && (!type || r.type === type))
      .sort(byKey((r) => r.address));
  }

  /** Resources of `type` whose `attr` refers to `res`. */
  referencingVia(res: Res, type: string, attr: (body: Record<string, any>) => unknown): Res[] {
    // this.all follows aliases, so an aws_alb_listener_rule of an aws_lb_listener is found too.
    return this.all(type).filter((r) => refsIn(attr(r.body)).some((x) => x.address === res.address));
  }

  /** The construct path cdktf records (`mcp-dev/agent-access/tasks/group`), or the address. */
  path(res: Res): string {
    return String(res.body["//"]?.metadata?.path ?? res.address);
  }

  /** The stack's default tags (project, environment, …) from the AWS provider. */
  defaultTags(): Record<string, string> {
    const providers = blocks((this.plan.provider as any)?.aws);
    const tags: Record<string, string> = {};
    for (const p of providers) for (const dt of blocks(p.default_tags)) Object.assign(tags, dt.tags ?? {});
    return tags;
  }

  /** Every resource type present, sorted. */
  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
