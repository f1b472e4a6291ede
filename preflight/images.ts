/**
 * The container images, as tasks in an isolated VPC will pull them: only from ECR of the stack's own region
 * (through the ecr.api/ecr.dkr endpoints). An image of another registry (ghcr.io) is reachable only through an
 * ECR pull-through cache rule, whose upstream credential must be a Secrets Manager secret named
 * `ecr-pullthroughcache/…` (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html).
 * The image itself must already be in the cache ("mirror images" in docs/deploy.md), so the first task start
 * does not depend on the upstream registry.
 */
import { DescribeImagesCommand, DescribePullThroughCacheRulesCommand, ValidatePullThroughCacheRuleCommand } from "@aws-sdk/client-ecr";
import type { PullThroughCacheRule } from "@aws-sdk/client-ecr";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { couldNotCheck, isError } from "./aws";
import { planResources } from "./plan";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "images";
export const PULL_THROUGH_SECRET_PREFIX = "ecr-pullthroughcache/";

export interface ImageRef {
  /** Registry host, e.g. "ghcr.io" or "123456789012.dkr.ecr.us-east-1.amazonaws.com". */
  readonly registry: string;
  /** Repository path in that registry, e.g. "ibm/ibmi-mcp-server". */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference; a first segment without "." or ":" (and not "localhost") means Docker Hub. */
export function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) [rest, digest] = [rest.slice(0, at), rest.slice(at + 1)];
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) [rest, tag] = [rest.slice(0, colon), rest.slice(colon + 1)];
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const explicit = first.includes(".") || first.includes(":") || first === "localhost";
  return explicit ? { registry: first, repository: rest.slice(slash + 1), tag, digest } : { registry: "docker.io", repository: rest.includes("/") ? rest : `library/${rest}`, tag, digest };
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The ECR upstream registry URL a pull-through cache rule names for a registry host. */
function upstreamUrl(registry: string): string {
  return registry === "docker.io" ? "registry-1.docker.io" : registry;
}

export async function checkImages(ctx: PreflightContext): Promise<CheckResult[]> {
  const images = [
    { what: "mcpServer.image", ref: ctx.config.mcpServer.image },
    { what: "gateway.image", ref: ctx.config.gateway.image },
  ];
  let rules: PullThroughCacheRule[] | undefined;
  const out: CheckResult[] = [];
  for (const { what, ref } of images) {
    const img = parseImage(ref);
    const ecr = ECR_HOST.exec(img.registry);
    if (ecr) {
      if (ecr[2] !== ctx.config.region) {
        out.push(fail(GROUP, what, `${ref} is in ECR of ${ecr[2]}; the VPC endpoints reach only ECR of ${ctx.config.region}`, `replicate the repository to ${ctx.config.region} (ECR replication) and point ${what} there`));
        continue;
      }
      out.push(await checkImageInRepository(ctx, what, img.repository, img, ref));
      continue;
    }
    if (rules === undefined) {
      try {
        rules = await listRules(ctx);
      } catch (e) {
        out.push(couldNotCheck(GROUP, "pull-through cache rules", e, "ecr:DescribePullThroughCacheRules"));
        return out;
      }
    }
    const url = upstreamUrl(img.registry);
    const planned = planResources(ctx.plan, "aws_ecr_pull_through_cache_rule").map(([, b]) => b).find((b) => b.upstream_registry_url === url);
    // Rules are registry-wide, so each environment caches under its own prefix (constructs/container-images.ts):
    // another environment's rule for the same upstream is not this stack's.
    const prefix = typeof planned?.ecr_repository_prefix === "string" ? planned.ecr_repository_prefix : `mcp-${ctx.config.environment}-ghcr`;
    const rule = rules.find((r) => r.upstreamRegistryUrl === url && r.ecrRepositoryPrefix === prefix);
    if (!rule) {
      if (planned) {
        out.push(skip(GROUP, what, `the pull-through cache rule for ${url} (prefix ${planned.ecr_repository_prefix}) is created by this deploy; the image cannot be checked before it exists`, "after the deploy, mirror the image (docs/deploy.md) and run the preflight again"));
        out.push(...(await checkPlannedCredential(ctx, url, planned.credential_arn)));
      } else {
        out.push(fail(GROUP, what, `${ref} is on ${img.registry}, which tasks in the isolated VPC cannot reach, and no ECR pull-through cache rule ${prefix}/ for ${url} exists in ${ctx.config.region}`, `run npm run synth (the plan creates the rule) and the preflight again, or create a pull-through cache rule with prefix ${prefix} for ${url} (credential secret named ${PULL_THROUGH_SECRET_PREFIX}…), or copy the image into ECR of ${ctx.config.region} and point ${what} there`));
      }
      continue;
    }
    out.push(...(await checkRule(ctx, rule)));
    out.push(await checkImageInRepository(ctx, what, `${rule.ecrRepositoryPrefix}/${img.repository}`, img, ref));
  }
  return dedupe(out);
}

async function listRules(ctx: PreflightContext): Promise<PullThroughCacheRule[]> {
  const rules: PullThroughCacheRule[] = [];
  let nextToken: string | undefined;
  do {
    const res = await ctx.clients.ecr.send(new DescribePullThroughCacheRulesCommand({ nextToken }));
    rules.push(...(res?.pullThroughCacheRules ?? []));
    nextToken = res?.nextToken;
  } while (nextToken);
  return rules;
}

/** The rule's credential secret exists, is named as ECR requires, and ECR can log in to the upstream with it. */
async function checkRule(ctx: PreflightContext, rule: PullThroughCacheRule): Promise<CheckResult[]> {
  const check = `cache rule ${rule.ecrRepositoryPrefix}/ → ${rule.upstreamRegistryUrl}`;
  if (!rule.credentialArn) return [pass(GROUP, check, "exists (anonymous upstream, no credential)")];
  const name = rule.credentialArn.split(":").slice(6).join(":");
  if (!name.startsWith(PULL_THROUGH_SECRET_PREFIX)) {
    return [fail(GROUP, check, `its credential secret ${name} is not named ${PULL_THROUGH_SECRET_PREFIX}…, so ECR cannot use it`, `store the registry credential in a secret named ${PULL_THROUGH_SECRET_PREFIX}<registry> and recreate the rule with it`)];
  }
  try {
    const res = await ctx.clients.ecr.send(new ValidatePullThroughCacheRuleCommand({ ecrRepositoryPrefix: rule.ecrRepositoryPrefix }));
    if (res && res.isValid === false) return [fail(GROUP, check, `ECR cannot log in to ${rule.upstreamRegistryUrl} with ${name}: ${res.failure ?? "no reason given"}`, `put a valid ${rule.upstreamRegistryUrl} user name and access token (read:packages) into ${name}`)];
  } catch (e) {
    return [couldNotCheck(GROUP, check, e, "ecr:ValidatePullThroughCacheRule")];
  }
  return [pass(GROUP, check, `exists; ECR logs in to the upstream with ${name}`)];
}

/** Before the first deploy: the credential the planned rule names must already hold a value. */
async function checkPlannedCredential(ctx: PreflightContext, url: string, credentialArn: unknown): Promise<CheckResult[]> {
  const check = `cache credential for ${url}`;
  if (typeof credentialArn !== "string" || credentialArn.includes("${")) {
    return [skip(GROUP, check, "the credential secret is created by this deploy", `after the deploy, put the ${url} user name and token into it (docs/deploy.md), then mirror the images`)];
  }
  try {
    const s = await ctx.clients.secrets.send(new DescribeSecretCommand({ SecretId: credentialArn }));
    if (!s?.Name?.startsWith(PULL_THROUGH_SECRET_PREFIX)) return [fail(GROUP, check, `${s?.Name ?? credentialArn} is not named ${PULL_THROUGH_SECRET_PREFIX}…, so ECR refuses it`, `store the credential in a secret named ${PULL_THROUGH_SECRET_PREFIX}<registry>`)];
    if (s.DeletedDate) return [fail(GROUP, check, `${s.Name} is scheduled for deletion`, `restore it (aws secretsmanager restore-secret --secret-id ${s.Name})`)];
    const hasValue = Object.values(s.VersionIdsToStages ?? {}).some((stages) => stages.includes("AWSCURRENT"));
    if (!hasValue) return [fail(GROUP, check, `${s.Name} has no current value`, `put the ${url} user name and token into ${s.Name} (docs/deploy.md)`)];
    return [pass(GROUP, check, `${s.Name} exists and has a current value`)];
  } catch (e) {
    if (isError(e, "ResourceNotFoundException")) return [fail(GROUP, check, `${credentialArn} does not exist`, `create the secret ${PULL_THROUGH_SECRET_PREFIX}<registry> with the ${url} credential before deploying`)];
    return [couldNotCheck(GROUP, check, e, "secretsmanager:DescribeSecret")];
  }
}

async function checkImageInRepository(ctx: PreflightContext, what: string, repositoryName: string, img: ImageRef, ref: string): Promise<CheckResult> {
  const imageId = img.digest ? { imageDigest: img.digest } : { imageTag: img.tag ?? "latest" };
  const shown = img.digest ?? `:${imageId.imageTag}`;
  const uri = `${ctx.accountId}.dkr.ecr.${ctx.config.region}.amazonaws.com/${repositoryName}${img.tag ? `:${img.tag}` : ""}${img.digest ? `@${img.digest}` : img.tag ? "" : ":latest"}`;
  const mirror = `mirror it once from a machine with registry access: docker pull ${uri}`;
  try {
    const res = await ctx.clients.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [imageId] }));
    const found = res?.imageDetails?.[0];
    if (!found) return fail(GROUP, what, `${repositoryName}${shown} is not in ECR`, mirror);
    return pass(GROUP, what, `${repositoryName}@${found.imageDigest ?? img.digest} is in ECR (${ref})`);
  } catch (e) {
    if (isError(e, "RepositoryNotFoundException")) return fail(GROUP, what, `repository ${repositoryName} does not exist in ECR yet (nothing was pulled through the cache)`, mirror);
    if (isError(e, "ImageNotFoundException")) return fail(GROUP, what, `${repositoryName}${shown} is not in ECR`, mirror);
    return couldNotCheck(GROUP, what, e, "ecr:DescribeImages");
  }
}

/** Both images usually share one rule: report the rule once. */
function dedupe(results: CheckResult[]): CheckResult[] {
  const seen = new Set<string>();
  return results.filter((r) => {
    const k = `${r.check}|${r.status}|${r.detail}`;
    return !seen.has(k) && seen.add(k);
  });
}
