import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { IResolveContext, Lazy, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { Condition, Grantee, policyDocument, Statement } from "../lib/iam";

/** A secret whose resource policy this construct writes. */
export interface PolicySecret {
  readonly secret: SecretsmanagerSecret;
  /** Full name, for messages. */
  readonly name: string;
  readonly arn: string;
}

/** Reading the value. */
export const READ_ACTIONS = ["secretsmanager:GetSecretValue"] as const;
/** Putting a value or moving the AWSCURRENT label: what changes what readers get. */
export const WRITE_ACTIONS = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"] as const;

export interface SecretPoliciesProps {
  /** Every secret that gets a resource policy. */
  readonly secrets: readonly PolicySecret[];
}

interface External {
  readonly sid: string;
  readonly principals: readonly string[];
  readonly actions: readonly string[];
}

interface ExtraDeny {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly condition: Condition;
}

/**
 * One resource policy per secret (aws_secretsmanager_secret_policy, BlockPublicPolicy on), so the value is read and
 * written only by who was granted it, whatever IAM policies elsewhere in the account say:
 * - roles the kit granted (every Grantee in the stack whose policy allows GetSecretValue or PutSecretValue on the
 *   secret: ECS execution roles through grantRead, the rotation function, the agent-token readers) keep exactly that;
 * - principals outside the kit (operators) get the actions `allow` names, on the secrets it names;
 * - anyone else is denied reading and writing (a Deny on `aws:PrincipalArn`, which for a role session is the role's
 *   ARN: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn). Managing the secret (describe, tag, rotate, delete, change this
 *   policy) stays with IAM, so Terraform and administrators keep working.
 * The readers and writers are derived at synth from the grants themselves, so a new grantRead elsewhere needs nothing
 * here. In particular the rotation function keeps the DescribeSecret, GetSecretValue, PutSecretValue and
 * UpdateSecretVersionStage it needs on every secret it rotates
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html):
 * a Deny on its role would make each rotation fail.
 */
export class SecretPolicies extends Construct {
  private readonly entries: { readonly s: PolicySecret; readonly external: External[]; readonly denies: ExtraDeny[] }[];
  private index?: { readonly exact: Map<string, Access>; readonly patterns: readonly { readonly name: RegExp; readonly access: Access }[] };

  constructor(scope: Construct, id: string, props: SecretPoliciesProps) {
    super(scope, id);
    this.entries = props.secrets.map((s) => ({ s, external: [], denies: [] }));
    const ids = new Set<string>();
    for (const e of this.entries) {
      const cid = e.s.name.replace(/[^A-Za-z0-9-]+/g, "-");
      if (ids.has(cid)) throw new Error(`${this.node.path}: secret ${e.s.name} is listed twice`);
      ids.add(cid);
      new SecretsmanagerSecretPolicy(this, cid, {
        secretArn: e.s.arn,
        // PutResourcePolicy refuses a policy that grants broad access (e.g. a "*" principal in an Allow).
        blockPublicPolicy: true,
        policy: Lazy.stringValue({ produce: (ctx: IResolveContext) => policyDocument([...this.statements(e.s, e.external, (x) => String(ctx.resolve(x))), ...e.denies.map((d) => this.denyStatement(e.s, d))]) }),
      });
    }
  }

  /**
   * Lets principals the kit does not manage (IAM role ARNs from config) do `actions` on `secrets`, in the resource
   * policy itself: for a role of the same account that is enough without an IAM policy of its own.
   */
  allow(sid: string, principals: readonly string[], actions: readonly string[], secrets: readonly PolicySecret[]): void {
    if (!/^[A-Za-z0-9]+$/.test(sid)) throw new Error(`${this.node.path}: statement id "${sid}" must be alphanumeric`);
    if (principals.length === 0) throw new Error(`${this.node.path}: ${sid} names no principal`);
    if (actions.some((a) => !a.startsWith("secretsmanager:") || a.includes("*"))) throw new Error(`${this.node.path}: ${sid} must list single secretsmanager: actions`);
    for (const s of secrets) {
      const e = this.entries.find((x) => x.s === s || x.s.secret === s.secret);
      if (!e) throw new Error(`${this.node.path}: ${s.name} has no resource policy here`);
      if (e.external.some((x) => x.sid === sid)) throw new Error(`${this.node.path}: ${sid} is already in the policy of ${s.name}`);
      e.external.push({ sid, principals: [...principals], actions: [...actions] });
    }
  }

  /**
   * Denies `actions` on `secret` to whoever `condition` matches, whatever any grant says: for a rule that must hold even
   * against a mistaken grant (e.g. no agent group's reader role reads another group's token).
   */
  deny(sid: string, actions: readonly string[], secret: PolicySecret, condition: Condition): void {
    if (!/^[A-Za-z0-9]+$/.test(sid)) throw new Error(`${this.node.path}: statement id "${sid}" must be alphanumeric`);
    const e = this.entries.find((x) => x.s === secret || x.s.secret === secret.secret);
    if (!e) throw new Error(`${this.node.path}: ${secret.name} has no resource policy here`);
    if (e.denies.some((d) => d.sid === sid)) throw new Error(`${this.node.path}: ${sid} is already in the policy of ${secret.name}`);
    e.denies.push({ sid, actions: [...actions], condition });
  }

  private denyStatement(s: PolicySecret, d: ExtraDeny): Statement {
    return { sid: d.sid, effect: "Deny", principal: "*", actions: d.actions, resources: [s.arn], condition: d.condition };
  }

  private statements(s: PolicySecret, external: readonly External[], resolve: (x: string) => string): Statement[] {
    const granted = this.granted(s, resolve);
    const readers = new Map(granted.read);
    const writers = new Map(granted.write);
    for (const x of external) {
      for (const p of x.principals) {
        if (x.actions.some((a) => (READ_ACTIONS as readonly string[]).includes(a))) readers.set(p, p);
        if (x.actions.some((a) => (WRITE_ACTIONS as readonly string[]).includes(a))) writers.set(p, p);
      }
    }
    const deny = (sid: string, actions: readonly string[], allowed: Map<string, string>): Statement => ({
      sid,
      effect: "Deny",
      principal: "*",
      actions,
      resources: [s.arn],
      // Nobody is allowed: deny everyone (no condition), rather than an ArnNotEquals over an empty list.
      condition: allowed.size ? { ArnNotEquals: { "aws:PrincipalArn": [...allowed.values()] } } : undefined,
    });
    return [
      ...external.map((x) => ({ sid: x.sid, principal: { AWS: x.principals.length === 1 ? x.principals[0] : [...x.principals] }, actions: x.actions, resources: [s.arn] })),
      deny("DenyReadingToAllOthers", READ_ACTIONS, readers),
      deny("DenyWritingToAllOthers", WRITE_ACTIONS, writers),
    ];
  }

  /**
   * Roles of the stack whose own policy allows reading or writing `s`, by resolved ARN → the ARN as written. A grant
   * names the secret by its ARN, or by an ARN pattern over secret names (e.g. the rotation function's
   * `secret:mcp/<env>/agent-token/*`, Secrets.agentTokenArns), which IAM matches against the name with its suffix.
   */
  private granted(s: PolicySecret, resolve: (x: string) => string): { read: Map<string, string>; write: Map<string, string> } {
    if (!this.index) {
      // Built once, at the first policy rendered (synth): every grant exists by then.
      const exact = new Map<string, Access>();
      const patterns: { readonly name: RegExp; readonly access: Access }[] = [];
      for (const g of TerraformStack.of(this).node.findAll().filter(isGrantee)) {
        const who = resolve(g.arn);
        for (const st of g.grants) {
          if (st.effect === "Deny") continue;
          const read = st.actions.some((a) => (READ_ACTIONS as readonly string[]).includes(a));
          const write = st.actions.some((a) => (WRITE_ACTIONS as readonly string[]).includes(a));
          if (!read && !write) continue;
          for (const r of st.resources ?? []) {
            const key = resolve(r);
            const pattern = /:secret:([^:]*\*[^:]*)$/.exec(key);
            let entry: Access;
            if (pattern) {
              entry = { read: new Map(), write: new Map() };
              patterns.push({ name: globOf(pattern[1]), access: entry });
            } else {
              entry = exact.get(key) ?? { read: new Map(), write: new Map() };
              exact.set(key, entry);
            }
            if (read) entry.read.set(who, g.arn);
            if (write) entry.write.set(who, g.arn);
          }
        }
      }
      this.index = { exact, patterns };
    }
    const out: Access = { read: new Map(), write: new Map() };
    const merge = (a: Access) => {
      for (const [k, v] of a.read) out.read.set(k, v);
      for (const [k, v] of a.write) out.write.set(k, v);
    };
    const found = this.index.exact.get(resolve(s.arn));
    if (found) merge(found);
    // Secrets Manager appends "-" and six characters to the name in the ARN.
    for (const p of this.index.patterns) if (p.name.test(`${s.name}-AbCdEf`)) merge(p.access);
    return out;
  }
}

interface Access {
  readonly read: Map<string, string>;
  readonly write: Map<string, string>;
}

/** An IAM resource pattern over a secret name: `*` any run of characters, `?` one. */
function globOf(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
}

function isGrantee(c: IConstruct): c is IConstruct & Grantee {
  const g = c as unknown as Partial<Grantee>;
  return Array.isArray(g.grants) && typeof g.addToPolicy === "function" && typeof g.arn === "string";
}
