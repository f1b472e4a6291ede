/**
 * Who can read and who can write each secret, computed from the plan the way AWS decides it for a principal of the
 * account: Secrets Manager allows the call when the principal's IAM policy or the secret's resource policy allows it
 * and no Deny applies; the call then succeeds only if the KMS key lets the principal use it through Secrets Manager
 * (kms:Decrypt to read; kms:GenerateDataKey and kms:Decrypt to put a value: Secrets Manager user guide,
 * security-encryption.html "Permissions for the KMS key"). A key policy that names the principal is enough; one
 * that names only the account root defers to the principal's IAM policy (KMS key policies page).
 *
 * Conditions are evaluated for what the plan can tell: aws:PrincipalArn in Deny statements, kms:ViaService,
 * kms:EncryptionContext:SecretARN (the secret's ARN, name + "-" + six characters) and other encryption-context keys
 * (absent in a Secrets Manager call). A condition on anything else is taken to hold.
 */
import { actionMatches } from "../policy/deploy/support";
import { blocks, literal, PlanIndex, refsIn, Res } from "./plan-index";

export interface SecretAccessFact {
  /** Principals that can read the value: role names, or ARNs of roles outside the plan. */
  readonly read: readonly string[];
  /** Principals that can put a value (or move AWSCURRENT). */
  readonly write: readonly string[];
  /** Principals a policy allows but that would fail, and why. */
  readonly blocked: readonly string[];
}

/** Stands for every principal no policy of the plan names, when an IAM policy outside the plan could let them in. */
export const OTHERS = "any principal of the account whose IAM policy allows it";

interface Stmt {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly principal: unknown;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition: Record<string, Record<string, unknown>>;
}

/** A principal: a role of the plan (by address) or an ARN outside it. */
interface Who {
  readonly key: string;
  readonly label: string;
  readonly role?: Res;
  readonly arn?: string;
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function parse(doc: unknown): Stmt[] {
  if (typeof doc !== "string") return [];
  let d: any;
  try {
    d = JSON.parse(doc);
  } catch {
    return [];
  }
  return asList(d?.Statement).map((s: any) => ({
    sid: s.Sid,
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    principal: s.Principal,
    actions: asList(s.Action).map(String),
    resources: asList(s.Resource).map(String),
    condition: s.Condition && typeof s.Condition === "object" ? s.Condition : {},
  }));
}

/** IAM's wildcards (`*`, `?`, case-insensitive), as the policy rules match them; each pattern compiled once. */
const glob = (pattern: string, value: string): boolean => actionMatches(pattern, value);

/** A pattern from a plan: references Terraform fills in at apply (account ids, regions) match anything. */
const planPatterns = new Map<string, string>();

function globPlan(pattern: string, value: string): boolean {
  let p = planPatterns.get(pattern);
  if (p === undefined) {
    p = pattern.replace(/\$\{[^}]*\}/g, "*");
    planPatterns.set(pattern, p);
  }
  return glob(p, value);
}

const actionIn = (s: Stmt, action: string) => s.actions.some((a) => glob(a, action));

/** Per plan: the parsed policies, once. */
export class SecretAccessIndex {
  private readonly identity = new Map<string, Stmt[]>();
  private readonly principals = new Map<string, Who>();
  private readonly keyPolicies = new Map<string, Stmt[]>();
  private readonly roles: Res[];
  private readonly region?: string;
  private readonly account: string;

  constructor(private readonly idx: PlanIndex) {
    this.roles = idx.all("aws_iam_role");
    for (const p of idx.all("aws_iam_role_policy")) {
      const role = idx.target(p.body.role, "aws_iam_role");
      if (role) this.identity.set(role.address, [...(this.identity.get(role.address) ?? []), ...parse(p.body.policy)]);
    }
    for (const r of this.roles) for (const p of blocks(r.body.inline_policy)) this.identity.set(r.address, [...(this.identity.get(r.address) ?? []), ...parse(p.policy)]);
    const aws = blocks((idx.plan.provider as any)?.aws)[0];
    this.region = literal(aws?.region);
    // The provider's allowed account when config set one; otherwise patterns hold a reference, read as a wildcard.
    this.account = literal(asList(aws?.allowed_account_ids)[0]) ?? "123456789012";
  }

  of(secret: Res): SecretAccessFact {
    const idx = this.idx;
    const arnRef = `\${${secret.address}.arn}`;
    const name = literal(secret.body.name);
    const resourcePolicy = [...parse(secret.body.policy), ...idx.referencingVia(secret, "aws_secretsmanager_secret_policy", "secret_arn").flatMap((p) => parse(p.body.policy))];
    const key = idx.target(secret.body.kms_key_id, "aws_kms_key");
    const keyPolicy = key ? this.keyPolicyOf(key) : undefined;
    const sample = name === undefined ? undefined : this.sampleArn(name);
    const namesSecret = (r: string) => r === arnRef || r === "*" || (sample !== undefined && !r.startsWith("${") && globPlan(r, sample));

    // Everyone any policy names for this secret.
    const who = new Map<string, Who>();
    const addWho = (w: Who) => who.set(w.key, who.get(w.key) ?? w);
    for (const [addr, stmts] of this.identity) {
      if (stmts.some((s) => s.effect === "Allow" && s.resources.some(namesSecret) && s.actions.some((a) => a.startsWith("secretsmanager:") || a === "*"))) addWho(this.roleWho(idx.get(addr)!));
    }
    for (const s of resourcePolicy) if (s.effect === "Allow") for (const p of asList((s.principal as any)?.AWS)) addWho(this.principal(String(p)));

    const can = (w: Who, action: string, kmsActions: readonly string[]): { ok: boolean; why?: string } => {
      const ident = (w.role ? this.identity.get(w.role.address) : undefined) ?? [];
      const allowedByIam = ident.some((s) => s.effect === "Allow" && actionIn(s, action) && s.resources.some(namesSecret));
      const allowedByResource = resourcePolicy.some((s) => s.effect === "Allow" && actionIn(s, action) && this.names(s.principal, w));
      if (!allowedByIam && !allowedByResource) return { ok: false };
      const deny = resourcePolicy.find((s) => s.effect === "Deny" && actionIn(s, action) && this.denyApplies(s, w));
      if (deny) return { ok: false, why: `${action} denied by the secret's resource policy (${deny.sid ?? "a Deny"})` };
      if (!key || !keyPolicy) return { ok: true };
      const missing = kmsActions.filter((a) => !this.keyAllows(keyPolicy, key, ident, w, a, name, arnRef));
      return missing.length ? { ok: false, why: `${action} allowed, but neither the key policy of ${key.address} nor, where that defers to IAM, its own policy lets it ${missing.join(" and ")} through Secrets Manager for this secret` } : { ok: true };
    };

    const read: string[] = [];
    const write: string[] = [];
    const blocked: string[] = [];
    for (const w of who.values()) {
      const r = can(w, "secretsmanager:GetSecretValue", ["kms:Decrypt"]);
      const p = can(w, "secretsmanager:PutSecretValue", ["kms:GenerateDataKey", "kms:Decrypt"]);
      if (r.ok) read.push(w.label);
      else if (r.why) blocked.push(`${w.label}: ${r.why}`);
      if (p.ok) write.push(w.label);
      else if (p.why) blocked.push(`${w.label}: ${p.why}`);
    }
    // Principals no policy of the plan names: an IAM policy outside the plan can let them in unless a Deny keeps them
    // out or the key neither names them nor defers to IAM.
    const anyone: Who = { key: "(others)", label: OTHERS, arn: `arn:aws:iam::${this.account}:role/any-other-role` };
    const open = (action: string, kmsActions: readonly string[]) =>
      !resourcePolicy.some((s) => s.effect === "Deny" && actionIn(s, action) && this.denyApplies(s, anyone)) && (!key || !keyPolicy || kmsActions.every((a) => this.keyDefers(keyPolicy, a, name, arnRef)));
    if (open("secretsmanager:GetSecretValue", ["kms:Decrypt"])) read.push(OTHERS);
    if (open("secretsmanager:PutSecretValue", ["kms:GenerateDataKey", "kms:Decrypt"])) write.push(OTHERS);
    return { read: read.sort(), write: write.sort(), blocked: blocked.sort() };
  }

  /**
   * A key's policy: its `policy`, or an aws_kms_key_policy of it; without either AWS applies the default key policy,
   * which gives the account root every kms action, i.e. defers to IAM (key-policy-default.html).
   */
  private keyPolicyOf(key: Res): Stmt[] {
    // Once per key: the environment key's policy (a grant per role) is shared by most secrets.
    let stmts = this.keyPolicies.get(key.address);
    if (!stmts) {
      stmts = this.readKeyPolicy(key);
      this.keyPolicies.set(key.address, stmts);
    }
    return stmts;
  }

  private readKeyPolicy(key: Res): Stmt[] {
    const separate = this.idx.referencingVia(key, "aws_kms_key_policy", "key_id")[0];
    const doc = separate?.body.policy ?? key.body.policy;
    if (doc !== undefined) return parse(doc);
    return [{ sid: "DefaultKeyPolicy", effect: "Allow", principal: { AWS: `arn:aws:iam::${this.account}:root` }, actions: ["kms:*"], resources: ["*"], condition: {} }];
  }

  /** An ARN the secret could have: Secrets Manager appends "-" and six random characters to its name. */
  private sampleArn(name: string): string {
    return `arn:aws:secretsmanager:${this.region ?? "us-east-1"}:${this.account}:secret:${name}-AbCdEf`;
  }

  private roleWho(role: Res): Who {
    const name = literal(role.body.name);
    return { key: role.address, label: name ?? role.address, role, arn: name ? `arn:aws:iam::${this.account}:role/${literal(role.body.path)?.replace(/^\/|\/$/g, "") ? `${literal(role.body.path)!.replace(/^\/|\/$/g, "")}/` : ""}${name}` : undefined };
  }

  /** Memoized: every secret's policies name the same few principals, and finding one by name scans every role. */
  private principal(p: string): Who {
    let w = this.principals.get(p);
    if (!w) {
      w = this.findPrincipal(p);
      this.principals.set(p, w);
    }
    return w;
  }

  private findPrincipal(p: string): Who {
    const ref = refsIn(p).find((r) => r.type === "aws_iam_role");
    if (ref) {
      const role = this.idx.get(ref.address);
      if (role) return this.roleWho(role);
    }
    const byName = this.roles.find((r) => literal(r.body.name) !== undefined && p.endsWith(`:role/${literal(r.body.name)}`));
    return byName ? this.roleWho(byName) : { key: p, label: p, arn: p };
  }

  /** Whether a Principal element names `w` ("*" names everyone). */
  private names(principal: unknown, w: Who): boolean {
    if (principal === "*") return true;
    return asList((principal as any)?.AWS).some((p) => p === "*" || this.principal(String(p)).key === w.key);
  }

  /** A Deny applies unless its condition exempts `w` by aws:PrincipalArn. */
  private denyApplies(s: Stmt, w: Who): boolean {
    if (!this.names(s.principal, w)) return false;
    for (const [op, kv] of Object.entries(s.condition)) {
      const values = asList(kv["aws:PrincipalArn"] ?? kv["aws:principalarn"]).map(String);
      if (!values.length) continue;
      const listed = values.some((v) => this.principal(v).key === w.key || (w.arn !== undefined && !v.startsWith("${") && globPlan(v, w.arn)));
      if (/^(ArnNotEquals|ArnNotLike|StringNotEquals|StringNotLike)$/.test(op) && listed) return false;
      if (/^(ArnEquals|ArnLike|StringEquals|StringLike)$/.test(op) && !listed) return false;
    }
    return true;
  }

  /** Whether the key lets `w` do `action` when Secrets Manager calls on its behalf for this secret. */
  private keyAllows(keyPolicy: Stmt[], key: Res, ident: Stmt[], w: Who, action: string, name: string | undefined, arnRef: string): boolean {
    const holds = (s: Stmt) => this.conditionHolds(s.condition, name, arnRef);
    const keyRef = `\${${key.address}.arn}`;
    if (keyPolicy.some((s) => s.effect === "Deny" && actionIn(s, action) && this.names(s.principal, w) && holds(s))) return false;
    if (keyPolicy.some((s) => s.effect === "Allow" && actionIn(s, action) && this.names(s.principal, w) && holds(s))) return true;
    return this.keyDefers(keyPolicy, action, name, arnRef) && ident.some((s) => s.effect === "Allow" && actionIn(s, action) && s.resources.some((r) => r === keyRef || r === "*") && holds(s));
  }

  /** The account root named with this action: the key defers to the principal's IAM policy. */
  private keyDefers(keyPolicy: Stmt[], action: string, name: string | undefined, arnRef: string): boolean {
    return keyPolicy.some((s) => s.effect === "Allow" && actionIn(s, action) && this.conditionHolds(s.condition, name, arnRef) && asList((s.principal as any)?.AWS).some((p) => /:root$/.test(String(p)) || /^\d{12}$/.test(String(p))));
  }

  private conditionHolds(condition: Record<string, Record<string, unknown>>, name: string | undefined, arnRef: string): boolean {
    for (const [op, kv] of Object.entries(condition)) {
      for (const [k, v] of Object.entries(kv)) {
        const values = asList(v).map(String);
        const lk = k.toLowerCase();
        const like = /Like$/.test(op);
        const negated = /Not/.test(op);
        let match: boolean | undefined;
        if (lk === "kms:viaservice") match = values.some((x) => (like ? glob(x, `secretsmanager.${this.region ?? x.split(".")[1]}.amazonaws.com`) : x === `secretsmanager.${this.region ?? x.split(".")[1]}.amazonaws.com`));
        else if (lk === "kms:encryptioncontext:secretarn") match = values.some((x) => x === arnRef || (like && name !== undefined && !x.startsWith("${") && globPlan(x, this.sampleArn(name))));
        else if (lk.startsWith("kms:encryptioncontext:")) match = false;
        if (match === undefined) continue;
        if (negated ? match : !match) return false;
      }
    }
    return true;
  }
}
