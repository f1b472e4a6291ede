/**
 * The container images, as the tasks will pull them: the kit's own images (lib/images.ts) in the environment's private
 * ECR repositories, which the `mcp-<env>-images` stack creates and `npm run images -- <env> --push` fills. The main
 * stack's plan reads each image by its kit tag, so a missing image would stop `cdktf deploy` at plan time; this
 * says so earlier, with the command that fixes it. Where the configured base image is pinned by a digest on ghcr.io,
 * the digest is looked up there too, anonymously (public packages need no credential, only a pull token).
 */
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { imagesStackName, kitImages, PLACEHOLDER_DIGEST } from "../lib/images";
import { couldNotCheck, isError } from "./aws";
import { CheckResult, fail, Fetch, pass, PreflightContext, skip } from "./types";

const GROUP = "images";

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

/** Manifest media types a registry may answer a digest with (single image or multi-platform index). */
const MANIFEST_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");

export async function checkImages(ctx: PreflightContext): Promise<CheckResult[]> {
  const fetchImpl = ctx.fetch ?? (globalThis.fetch as unknown as Fetch | undefined);
  const env = ctx.config.environment;
  const out: CheckResult[] = [];
  for (const image of kitImages(ctx.config)) {
    const what = `${image.spec.configKey}.image`;
    const base = parseImage(image.base);
    if (base.digest === PLACEHOLDER_DIGEST) {
      out.push(
        fail(
          GROUP,
          `${what} base`,
          `${image.base} carries the placeholder digest of the example config, not the reviewed image's`,
          `replace it with the digest of the reviewed upstream image (docker buildx imagetools inspect ${image.base.split("@")[0]})`,
        ),
      );
    } else if (base.digest && base.registry === "ghcr.io") {
      out.push(await checkGhcrDigest(what, base, image.base, fetchImpl));
    }
    out.push(await checkPushed(ctx, image.repositoryName, image.tag, env));
  }
  return out;
}

/** The kit tag is in the environment's repository: the image the task definitions will name. */
async function checkPushed(ctx: PreflightContext, repositoryName: string, tag: string, env: string): Promise<CheckResult> {
  const check = `${repositoryName}:${tag}`;
  try {
    const res = await ctx.clients.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }));
    const found = res?.imageDetails?.[0];
    if (!found) return fail(GROUP, check, `${check} is not in the registry`, `run npm run images -- ${env} --push`);
    return pass(GROUP, check, `is in ECR as ${found.imageDigest ?? "an image"}`);
  } catch (e) {
    if (isError(e, "RepositoryNotFoundException")) return fail(GROUP, check, `repository ${repositoryName} does not exist`, `deploy the image repositories first (npx cdktf deploy ${imagesStackName(env)}), then run npm run images -- ${env} --push`);
    if (isError(e, "ImageNotFoundException")) return fail(GROUP, check, `${check} is not in the registry`, `run npm run images -- ${env} --push`);
    return couldNotCheck(GROUP, check, e, "ecr:DescribeImages");
  }
}

/** ghcr.io's registry API with an anonymous pull token: HEAD of the manifest by digest. */
async function checkGhcrDigest(what: string, ref: ImageRef, shown: string, fetchImpl: Fetch | undefined): Promise<CheckResult> {
  const check = `${what} base`;
  if (!fetchImpl) return skip(GROUP, check, "this Node.js has no fetch to reach ghcr.io", `check it by hand: docker buildx imagetools inspect ${shown}`);
  try {
    const signal = AbortSignal.timeout(10_000);
    const tokenRes = await fetchImpl(`https://ghcr.io/token?scope=${encodeURIComponent(`repository:${ref.repository}:pull`)}&service=ghcr.io`, { signal });
    const token = tokenRes.status === 200 ? ((await tokenRes.json()) as { token?: unknown }).token : undefined;
    if (typeof token !== "string") return fail(GROUP, check, `ghcr.io gave no anonymous pull token for ${ref.repository} (HTTP ${tokenRes.status}): the package is private or does not exist`, `check the repository name in ${what}`);
    const res = await fetchImpl(`https://ghcr.io/v2/${ref.repository}/manifests/${ref.digest}`, { method: "HEAD", headers: { Authorization: `Bearer ${token}`, Accept: MANIFEST_TYPES }, signal });
    if (res.status === 200) return pass(GROUP, check, `${ref.digest} is on ghcr.io/${ref.repository}`);
    if (res.status === 404) return fail(GROUP, check, `${ref.digest} is not in the registry ghcr.io/${ref.repository}`, `pin ${what} to a digest upstream published (docker buildx imagetools inspect ghcr.io/${ref.repository}:${ref.tag ?? "<tag>"})`);
    return skip(GROUP, check, `ghcr.io answered HTTP ${res.status} for ${ref.digest}`, `check it by hand: docker buildx imagetools inspect ${shown}`);
  } catch (e) {
    return skip(GROUP, check, `could not reach ghcr.io (${(e as Error).message ?? String(e)})`, `check it by hand: docker buildx imagetools inspect ${shown}`);
  }
}
