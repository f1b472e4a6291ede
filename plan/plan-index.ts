/**
 * The plan as the review report walks it: resources sorted by address, types with their older aliases, and the
 * graph of which resource's body references which (inside templates too), so the report can say which rule guards
 * which load balancer or which container reads which secret. It reads nothing itself: `view(plan)` (plan/terraform.ts)
 * parses the document once for policy, review and preflight alike.
 */
import { PlanResource, PlanView, Reference, refsIn, TerraformJson, view, withAliases } from "./terraform";

/** A managed resource of the plan (the review's name for PlanResource). */
export type Res = PlanResource;
/** One reference inside a value (the review's name for Reference). */
export type Ref = Reference;

const byAddress = (a: PlanResource, b: PlanResource) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

export class PlanIndex {
  readonly view: PlanView;
  /** address → addresses of managed resources whose body references it. */
  private readonly referrers = new Map<string, Set<string>>();
  private readonly referencingCache = new Map<string, Res[]>();
  /** `type\0attr` → referenced address → resources of the type whose attribute refers to it, sorted by address. */
  private readonly viaCache = new Map<string, Map<string, Res[]>>();

  constructor(readonly plan: TerraformJson) {
    this.view = view(plan);
    for (const res of this.view.all()) {
      if (res.mode !== "managed") continue;
      for (const r of refsIn(res.body)) {
        if (!this.referrers.has(r.address)) this.referrers.set(r.address, new Set());
        this.referrers.get(r.address)!.add(res.address);
      }
    }
  }

  /** Every resource of a type (and of its older aliases, e.g. aws_alb for aws_lb), sorted by address. */
  all(type: string): Res[] {
    return this.view.resourcesOf(type);
  }

  /** A managed resource by address. */
  get(address: string): Res | undefined {
    const r = this.view.get(address);
    return r?.mode === "managed" ? r : undefined;
  }

  /** The resource a value refers to: the first reference (inside a template too) of the wanted type, when given. */
  target(value: unknown, type?: string): Res | undefined {
    const ref = refsIn(value).find((r) => !type || withAliases(type).includes(r.type));
    return ref ? this.get(ref.address) : undefined;
  }

  /** Resources of `type` whose body refers to `res` anywhere. */
  referencing(res: Res, type?: string): Res[] {
    // Once per resource and type: the review asks which alias names the environment key for every secret and log
    // group, and that key has a referrer per role.
    const key = `${res.address}\0${type ?? ""}`;
    let found = this.referencingCache.get(key);
    if (!found) {
      found = [...(this.referrers.get(res.address) ?? [])]
        .map((a) => this.get(a)!)
        .filter((r) => r && (!type || r.type === type))
        .sort(byAddress);
      this.referencingCache.set(key, found);
    }
    return found.slice();
  }

  /**
   * Resources of `type` (and its aliases) whose `attr` refers to `res`. Given an attribute name, the answer comes
   * from an index of that attribute built once; given a function, every resource of the type is read again.
   */
  referencingVia(res: Res, type: string, attr: string | ((body: Record<string, any>) => unknown)): Res[] {
    if (typeof attr !== "string") return this.all(type).filter((r) => refsIn(attr(r.body)).some((x) => x.address === res.address));
    const key = `${type}\0${attr}`;
    let byTarget = this.viaCache.get(key);
    if (!byTarget) {
      byTarget = new Map();
      for (const r of this.all(type)) {
        for (const address of new Set(refsIn(r.body[attr]).map((x) => x.address))) {
          const list = byTarget.get(address);
          if (list) list.push(r);
          else byTarget.set(address, [r]);
        }
      }
      this.viaCache.set(key, byTarget);
    }
    return [...(byTarget.get(res.address) ?? [])];
  }

  /** The construct path cdktf records (`mcp-dev/agent-access/tasks/group`), or the address. */
  path(res: Res): string {
    return this.view.path(res);
  }

  /** The stack's default tags (project, environment, …) from the AWS provider. */
  defaultTags(): Record<string, string> {
    return this.view.defaultTags();
  }

  /** Every managed resource type present, sorted. */
  types(): string[] {
    return this.view.types();
  }
}
