import { blocks, isObject, PlanResource, PlanView, tagsOf } from "../plan";
import { defineRule } from "../rule";
import { lbType, LB_TYPES, listenerLb, LISTENER_TYPES } from "../load-balancers";
import { owningGroup, sgRules } from "../security-groups";
import { planRegion, referencedAddresses } from "./support";

/**
 * AWS's per-resource limits a plan can exceed, each refused at apply (the resource that crosses it fails to create):
 * - inbound or outbound rules per security group: 60 (vpc L-0EA8095F, adjustable; the quota times the security
 *   groups per network interface may not pass 1,000) and security groups per network interface: 5 (vpc L-2AFB9258,
 *   adjustable), which bounds a load balancer's groups too: its nodes are network interfaces carrying all of them
 *   https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 * - rules per Application Load Balancer (default rules aside): 100 (elasticloadbalancing L-7EED9B64, adjustable);
 *   condition values per rule: 5
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * - aggregate inline policy size per role: 10,240 characters without whitespace; managed policy: 6,144
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * - key policy document: 32 KB https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
 * - tags per resource, the provider's default tags included: 50
 *   https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 * - a Lambda function's environment variables, names and values together: 4 KB
 *   https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * Sizes count references by what they become: a Secrets Manager ARN is built from the secret's name, a PEM
 * certificate as 2 KB; any other by its own length (ARNs, ids and DNS names are of that order).
 */
export const LIMITS = {
  sgRules: { limit: 60, scope: "per security group and direction", quota: "vpc L-0EA8095F, adjustable" },
  sgsPerInterface: { limit: 5, scope: "per network interface", quota: "vpc L-2AFB9258, adjustable" },
  albRules: { limit: 100, scope: "per Application Load Balancer, default rules aside", quota: "elasticloadbalancing L-7EED9B64, adjustable" },
  conditionValues: { limit: 5, scope: "per listener rule", quota: "fixed" },
  roleInlinePolicies: { limit: 10240, scope: "per role, whitespace aside", quota: "IAM, fixed" },
  managedPolicy: { limit: 6144, scope: "per managed policy, whitespace aside", quota: "IAM, fixed" },
  keyPolicy: { limit: 32768, scope: "per key policy", quota: "KMS, fixed" },
  tags: { limit: 50, scope: "per resource", quota: "fixed" },
  lambdaEnvironment: { limit: 4096, scope: "bytes of environment variables per function, names and values", quota: "Lambda, fixed" },
} as const;

const DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";

export const rule = defineRule(
  {
    id: "MCP-DEPLOY-019",
    title: "No resource exceeds AWS's per-resource limits (security-group rules, groups per network interface, listener rules, condition values, policy sizes, tags, function environments)",
    severity: "high",
    references: [],
    remediation: `Spread agent ranges over more security groups (AgentAccess does, up to the load balancer's 5), split rules and policies (name-prefix ARNs instead of one per secret), or raise an adjustable quota and suppress the finding with the quota you have; see ${DOC} and https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html`,
  },
  (plan, _ctx, report) => {
    const over = (address: string, limit: (typeof LIMITS)[keyof typeof LIMITS], what: string, fix: string) => report(address, `${what}; AWS allows ${limit.limit} ${limit.scope} (${limit.quota}): ${fix}`);
    let applicable = false;

    // Rules per security group, each direction apart; a legacy rule with several CIDR blocks is a rule per block.
    const perGroup = new Map<string, number>();
    for (const r of sgRules(plan)) {
      const g = owningGroup(plan, r);
      if (!g) continue;
      const key = `${g.address}\u0000${r.direction}`;
      perGroup.set(key, (perGroup.get(key) ?? 0) + Math.max(1, r.cidrs.length));
    }
    for (const [key, n] of perGroup) {
      applicable = true;
      const [address, direction] = key.split("\u0000");
      if (n > LIMITS.sgRules.limit) over(address, LIMITS.sgRules, `holds ${n} ${direction === "ingress" ? "inbound" : "outbound"} rules`, "spread the rules over more security groups, or raise the quota");
    }

    // Security groups on one network interface: ECS tasks (awsvpc), VPC functions, load balancers.
    for (const s of plan.resources("aws_ecs_service")) {
      const groups = blocks(s.body.network_configuration).flatMap((n) => list(n.security_groups));
      if (groups.length > LIMITS.sgsPerInterface.limit) over(s.address, LIMITS.sgsPerInterface, `puts ${groups.length} security groups on each task's network interface`, "use fewer security groups per task, or raise the quota");
    }
    for (const f of plan.resources("aws_lambda_function")) {
      const groups = blocks(f.body.vpc_config).flatMap((v) => list(v.security_group_ids));
      if (groups.length > LIMITS.sgsPerInterface.limit) over(f.address, LIMITS.sgsPerInterface, `puts ${groups.length} security groups on the function's network interfaces`, "use fewer security groups per function, or raise the quota");
    }
    const rulesPerLb = new Map<PlanResource, number>();
    for (const lb of plan.resources(...LB_TYPES)) {
      applicable = true;
      if (lbType(lb) !== "application") continue;
      rulesPerLb.set(lb, 0);
      const groups = list(lb.body.security_groups);
      if (groups.length > LIMITS.sgsPerInterface.limit)
        over(lb.address, LIMITS.sgsPerInterface, `puts ${groups.length} security groups on each of its nodes' network interfaces`, "merge agent ranges, or raise the rules-per-group quota (vpc L-0EA8095F) so fewer groups hold them");
    }

    // Listener rules: per load balancer, and condition values per rule.
    const listeners = new Map(plan.resources(...LISTENER_TYPES).map((l) => [l.address, listenerLb(plan, l)]));
    for (const r of plan.resources("aws_lb_listener_rule", "aws_alb_listener_rule")) {
      applicable = true;
      const listener = plan.target(r.body.listener_arn, ...LISTENER_TYPES);
      const lb = listener && listeners.get(listener.address);
      if (lb && rulesPerLb.has(lb)) rulesPerLb.set(lb, rulesPerLb.get(lb)! + 1);
      const values = blocks(r.body.condition).reduce((n, c) => n + conditionValues(c), 0);
      if (values > LIMITS.conditionValues.limit) over(r.address, LIMITS.conditionValues, `matches ${values} condition values`, "split the rule in several with the same action");
    }
    for (const [lb, n] of rulesPerLb) {
      if (n > LIMITS.albRules.limit)
        over(
          lb.address,
          LIMITS.albRules,
          `has ${n} listener rules`,
          "merge agent groups whose hosts can share ranges (the kit already packs up to 4 ranges of one tier and prefix length per rule), split the estate over more environments, or raise the quota",
        );
    }

    // Policy sizes: inline policies per role together, managed policies, key policies.
    const inline = new Map<PlanResource, number>();
    for (const p of plan.resources("aws_iam_role_policy")) {
      const role = plan.target(p.body.role, "aws_iam_role");
      if (role) inline.set(role, (inline.get(role) ?? 0) + renderedSize(plan, p.body.policy));
    }
    for (const role of plan.resources("aws_iam_role")) {
      applicable = true;
      for (const p of blocks(role.body.inline_policy)) inline.set(role, (inline.get(role) ?? 0) + renderedSize(plan, p.policy));
    }
    for (const [role, n] of inline) {
      if (n > LIMITS.roleInlinePolicies.limit)
        over(role.address, LIMITS.roleInlinePolicies, `would carry about ${n} characters of inline policy`, "name resources by prefix (e.g. arn:…:secret:mcp/<env>/agent-token/*) instead of one ARN each, or move statements to managed policies");
    }
    for (const p of plan.resources("aws_iam_policy")) {
      const n = renderedSize(plan, p.body.policy);
      if (n > LIMITS.managedPolicy.limit) over(p.address, LIMITS.managedPolicy, `would carry about ${n} characters`, "split it into several managed policies, or name resources by prefix");
    }
    for (const k of [...plan.resources("aws_kms_key"), ...plan.resources("aws_kms_key_policy")]) {
      const n = renderedSize(plan, k.body.policy, false);
      if (n > LIMITS.keyPolicy.limit) over(k.address, LIMITS.keyPolicy, `would carry about ${n} bytes of key policy`, "grant roles through IAM (the key policy delegating to the account) rather than naming each");
    }

    // A function's environment: Lambda refuses the create or update above 4 KB.
    for (const f of plan.resources("aws_lambda_function")) {
      applicable = true;
      const vars = blocks(f.body.environment).flatMap((e) => (isObject(e.variables) ? Object.entries(e.variables) : []));
      const n = vars.reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + renderedSize(plan, typeof v === "string" ? v : JSON.stringify(v), false), 0);
      if (n > LIMITS.lambdaEnvironment.limit)
        over(f.address, LIMITS.lambdaEnvironment, `would carry about ${n} bytes of environment variables`, "pack what is known at synth beside the code (VpcFunction packageFiles) and keep only what apply resolves in the environment");
    }

    // Tags: the resource's own and the provider's default tags, which AWS applies to it as well.
    const defaults = defaultTagCount(plan);
    for (const r of plan.all()) {
      if (r.mode !== "managed" || !r.type.startsWith("aws_")) continue;
      const own = Object.keys(tagsOf(r));
      if (!own.length) continue;
      applicable = true;
      const n = new Set([...own, ...defaults]).size;
      if (n > LIMITS.tags.limit) over(r.address, LIMITS.tags, `carries ${n} tags with the provider's default tags`, "carry fewer tags (e.g. fewer agent groups per tier), or move the data elsewhere");
    }
    return applicable;
  },
);

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Match values of one condition block, whichever kind it is. */
function conditionValues(c: Record<string, any>): number {
  let n = 0;
  for (const [key, v] of Object.entries(c)) {
    // A query_string block is one key/value pair; every other condition lists its values.
    for (const b of blocks(v)) n += key === "query_string" ? 1 : list(b.values).length;
  }
  return n;
}

/**
 * The size a policy document will have in AWS: whitespace outside strings does not count (IAM), and each reference
 * is replaced by an estimate of what it becomes. `stripWhitespace` false for KMS, which counts bytes as sent.
 */
function renderedSize(plan: PlanView, policy: unknown, stripWhitespace = true): number {
  if (typeof policy !== "string") return isObject(policy) ? JSON.stringify(policy).length : 0;
  let text = policy;
  if (stripWhitespace) {
    try {
      text = JSON.stringify(JSON.parse(policy));
    } catch {
      text = policy.replace(/\s+/g, "");
    }
  }
  let size = text.length;
  for (const m of text.matchAll(/\$\{[^}]*\}/g)) {
    const [address] = referencedAddresses(m[0]);
    const target = address ? plan.get(address) : undefined;
    size += estimate(plan, target, m[0]) - m[0].length;
  }
  return size;
}

/** A PEM certificate as a reference becomes (an RSA 4096 certificate with a few extensions is under 2 KB). */
const PEM_BYTES = 2048;

/** What a reference becomes: a Secrets Manager ARN from the secret's name and the plan's region, a PEM 2 KB; otherwise as long as it is. */
function estimate(plan: PlanView, target: PlanResource | undefined, ref: string): number {
  if (/_pem\}$/.test(ref)) return PEM_BYTES;
  if (target?.type === "aws_secretsmanager_secret" && ref.endsWith(".arn}") && typeof target.body.name === "string") {
    const region = planRegion(plan) ?? "us-east-1";
    // arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 random characters>
    return `arn:aws:secretsmanager:${region}:123456789012:secret:${target.body.name}-XXXXXX`.length;
  }
  return ref.length;
}

/** Keys of the default aws provider's default_tags. */
function defaultTagCount(plan: PlanView): string[] {
  const p = isObject(plan.plan.provider) ? plan.plan.provider.aws : undefined;
  const first = Array.isArray(p) ? (p.find((x) => isObject(x) && !x.alias) ?? p[0]) : p;
  const dt = isObject(first) ? blocks(first.default_tags) : [];
  return dt.flatMap((d) => (isObject(d.tags) ? Object.keys(d.tags) : []));
}
