/**
 * The review of an environment's image repositories (`mcp-<env>-images`, stacks/images-stack.ts): ECR repositories
 * and the key that encrypts them, nothing the seed checklist or the reachability tables judge. The report says what
 * the plan holds (tag immutability, scan on push, encryption key, lifecycle) and the policy result, and marks the
 * checklist not applicable, pointing to the environment's own report.
 *
 * Which plan this is is read from what it holds, not from its name: `npm run review` and `--diff` have plans only,
 * and the plan's own resources are what make the checklist inapplicable. The environment comes from the provider's
 * default tags (ImagesStack sets `environment`).
 */
import { TerraformJson } from "../policy/types";
import { extractFacts, Flag, FlagSeverity } from "./facts";
import { byKey, code, document, esc, list, md, Md, strong, table } from "./markdown";
import { blocks, bool, literal, num, PlanIndex, Res } from "./plan-index";
import { policyCounts, policySection } from "./policy-section";
import type { ReportOptions, StackReview, StackSummary } from "./report";

/** What an images stack may hold: repositories, their policies, and the key that encrypts them. */
export const IMAGE_STACK_TYPES: readonly string[] = ["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy", "aws_kms_key", "aws_kms_alias"];

/** A plan of ECR repositories (at least one) and nothing but what serves them. */
export function isImagesPlan(plan: TerraformJson): boolean {
  const types = Object.entries(plan.resource ?? {})
    .filter(([, instances]) => Object.keys(instances ?? {}).length > 0)
    .map(([t]) => t);
  return types.includes("aws_ecr_repository") && types.every((t) => IMAGE_STACK_TYPES.includes(t));
}

/** The environment stack whose images these are: `mcp-<environment>` from the provider's default tags. */
export function imagesFor(plan: TerraformJson): string | undefined {
  const env = new PlanIndex(plan).defaultTags().environment;
  return env ? `mcp-${env}` : undefined;
}

export interface RepositoryFact {
  readonly address: string;
  readonly name: string;
  readonly tagMutability: string;
  readonly scanOnPush: boolean;
  readonly encryption: string;
  readonly customerKey: boolean;
  /** Descriptions of the lifecycle policy's rules (by priority); undefined without a lifecycle policy. */
  readonly lifecycle?: readonly string[];
  readonly repositoryPolicy: boolean;
  readonly forceDelete: boolean;
  readonly flags: readonly Flag[];
}

const SEVERITIES: readonly FlagSeverity[] = ["critical", "high", "medium", "low"];

export function repositoryFacts(plan: TerraformJson): RepositoryFact[] {
  const idx = new PlanIndex(plan);
  return idx.all("aws_ecr_repository").map((r) => {
    const b = r.body;
    const mutability = literal(b.image_tag_mutability) ?? "MUTABLE";
    const scanOnPush = blocks(b.image_scanning_configuration).some((c) => bool(c.scan_on_push) === true);
    const enc = blocks(b.encryption_configuration)[0];
    const key = enc && literal(enc.encryption_type) === "KMS" ? (enc.kms_key ? idx.target(enc.kms_key, "aws_kms_key") : undefined) : undefined;
    const encryption = !enc || literal(enc.encryption_type) !== "KMS" ? "AES-256 (ECR default)" : key ? aliasOf(idx, key) : enc.kms_key ? String(literal(enc.kms_key) ?? enc.kms_key) : "aws/ecr (AWS managed)";
    const customerKey = !!enc && literal(enc.encryption_type) === "KMS" && !!enc.kms_key;
    const lifecyclePolicy = idx.referencingVia(r, "aws_ecr_lifecycle_policy", "repository")[0];
    const lifecycle = lifecyclePolicy ? lifecycleRules(lifecyclePolicy) : undefined;
    const repositoryPolicy = idx.referencingVia(r, "aws_ecr_repository_policy", "repository").length > 0;
    const forceDelete = bool(b.force_delete) === true;
    const flags: Flag[] = [];
    // IMMUTABLE_WITH_EXCLUSION keeps the kit's tags immutable unless a filter exempts them; reported as it is.
    if (mutability === "MUTABLE") flags.push({ severity: "high", text: "tags are mutable: a push can replace the image a running tag names" });
    if (!scanOnPush) flags.push({ severity: "medium", text: "images are not scanned on push" });
    if (!customerKey) flags.push({ severity: "medium", text: "not encrypted with a customer-managed key" });
    if (!lifecycle) flags.push({ severity: "low", text: "no lifecycle policy: untagged layers and old images accumulate" });
    if (forceDelete) flags.push({ severity: "medium", text: "force_delete: destroying the stack deletes the images in it" });
    return { address: r.address, name: literal(b.name) ?? r.address, tagMutability: mutability, scanOnPush, encryption, customerKey, lifecycle, repositoryPolicy, forceDelete, flags };
  });
}

function aliasOf(idx: PlanIndex, key: Res): string {
  return (
    idx
      .referencing(key, "aws_kms_alias")
      .map((a) => literal(a.body.name))
      .find(Boolean) ?? key.address
  );
}

function lifecycleRules(policy: Res): string[] {
  try {
    const doc = JSON.parse(String(literal(policy.body.policy) ?? "{}"));
    const rules: { rulePriority?: number; description?: string }[] = Array.isArray(doc.rules) ? doc.rules : [];
    return rules.sort((a, b) => (a.rulePriority ?? 0) - (b.rulePriority ?? 0)).map((r) => r.description ?? `rule ${r.rulePriority ?? "?"}`);
  } catch {
    return ["(policy not readable before apply)"];
  }
}

/** Key facts: rotation, deletion window, and who the key policy names in each statement. */
function keyRows(idx: PlanIndex) {
  return idx.all("aws_kms_key").map((k) => {
    let statements: string[] = [];
    try {
      const doc = JSON.parse(String(literal(k.body.policy) ?? "{}"));
      statements = blocks(doc.Statement).map((s) => `${s.Sid ?? "(no Sid)"}: ${principals(s.Principal)}`);
    } catch {
      statements = ["(policy not readable before apply)"];
    }
    const rotation = bool(k.body.enable_key_rotation) === true;
    return { address: k.address, alias: aliasOf(idx, k), rotation, deletionDays: num(k.body.deletion_window_in_days), statements };
  });
}

function principals(p: unknown): string {
  if (p === "*") return "*";
  if (!p || typeof p !== "object") return "—";
  return Object.entries(p as Record<string, unknown>)
    .flatMap(([kind, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${kind} ${String(x)}`))
    .join(", ");
}

export function reviewImagesStack(stack: string, plan: TerraformJson, opts: ReportOptions = {}): StackReview {
  const idx = new PlanIndex(plan);
  const facts = extractFacts(stack, plan, opts.context);
  const repos = repositoryFacts(plan);
  const keys = keyRows(idx);
  const env = imagesFor(plan);
  const flags = [
    ...repos.flatMap((r) => r.flags.map((flag) => ({ where: r.address, flag }))),
    ...keys.filter((k) => !k.rotation).map((k) => ({ where: k.address, flag: { severity: "medium" as FlagSeverity, text: "automatic key rotation is off" } })),
  ].sort((x, y) => SEVERITIES.indexOf(x.flag.severity) - SEVERITIES.indexOf(y.flag.severity) || (x.where < y.where ? -1 : x.where > y.where ? 1 : 0));
  const see = env ? md("see ", linkTo(env)) : md("see the environment's report");
  const out: string[] = [];
  out.push(`# Security review: ${esc(stack)}`, "");
  out.push(
    `Generated from ${code(opts.source ?? `stacks/${stack}/cdk.tf.json`).md} (${facts.resourceCount} resources${facts.stage ? `, stage ${esc(facts.stage)}` : ""}) by \`npm run review\`. Every table below is computed from the synthesized plan.`,
    "",
  );
  out.push("## At a glance", "");
  out.push(
    `- **What it holds:** image repositories only (${repos.length} ECR ${repos.length === 1 ? "repository" : "repositories"}, ${keys.length} KMS ${keys.length === 1 ? "key" : "keys"}), applied before the images are pushed${env ? ` and before ${linkTo(env).md}` : ""}. No network, secret, listener or running service.`,
  );
  out.push(`- **Seed checklist:** not applicable: image repositories only, ${see.md}.`);
  out.push(`- **Policy:** ${opts.policy ? `${opts.policy.passed ? "passed" : "FAILED"}: ${policyCounts(opts.policy).failed} failing rules, ${policyCounts(opts.policy).suppressed} suppressed findings` : "not run for this report"}.`);
  out.push(`- **Flags:** ${flags.length ? SEVERITIES.map((s) => `${flags.filter((x) => x.flag.severity === s).length} ${s}`).join(", ") : "none open"}.`, "");
  if (flags.length)
    out.push(
      "### Flags",
      "",
      table(
        ["Severity", "Where", "What"],
        flags.map((x) => [strong(x.flag.severity), code(x.where), x.flag.text]),
      ),
      "",
    );

  out.push("## Repositories", "");
  out.push(
    table(
      ["Repository", "Tags", "Scan on push", "Encryption", "Lifecycle", "Repository policy"],
      [...repos]
        .sort(byKey((r) => r.name))
        .map((r) => [
          md(code(r.name), "\n", code(r.address)),
          r.tagMutability === "IMMUTABLE" ? "immutable" : r.tagMutability === "MUTABLE" ? strong("mutable") : r.tagMutability,
          r.scanOnPush ? "yes" : strong("no"),
          r.customerKey ? md(code(r.encryption), " (customer managed)") : r.encryption,
          r.lifecycle ? list(r.lifecycle, "; ") : strong("none"),
          r.repositoryPolicy ? "yes" : "none (account principals allowed by IAM)",
        ]),
      "_No ECR repository in this plan._",
    ),
    "",
  );
  out.push("## Encryption key", "");
  out.push(
    table(
      ["Key", "Automatic rotation", "Deletion window", "Key policy statements"],
      keys.map((k) => [md(code(k.alias), "\n", code(k.address)), k.rotation ? "yes" : strong("no"), k.deletionDays === undefined ? "30 days (AWS default)" : `${k.deletionDays} days`, list(k.statements, "; ")]),
      "_No KMS key in this plan._",
    ),
    "",
  );
  out.push("## Seed checklist", "", `Not applicable: image repositories only, ${see.md}.`, "");
  out.push(...policySection(opts.policy, { heading: "## Policy result", applicableOnly: true }));

  const summary: StackSummary = {
    stack,
    stage: facts.stage,
    resources: facts.resourceCount,
    flags: Object.fromEntries(SEVERITIES.map((s) => [s, flags.filter((x) => x.flag.severity === s).length])) as Record<FlagSeverity, number>,
    accepted: 0,
    policy: opts.policy ? policyCounts(opts.policy) : undefined,
    mcpSources: [],
    imagesFor: env,
  };
  return {
    markdown: document(out),
    summary,
    facts,
  };
}

/** A link to a sibling report in review/. */
export function linkTo(stack: string): Md {
  return new Md(`[${esc(stack)}](${encodeURIComponent(stack)}.md)`);
}
