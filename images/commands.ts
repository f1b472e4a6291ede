/**
 * The shell script that builds the kit's images of one environment and pushes them to its private ECR repositories:
 * `npm run images -- <env>` prints it, `--push` runs it. Pure, so tests check every line without docker.
 */
import { McpConfig } from "../config/schema";
import { KitImage, kitImages, PLACEHOLDER_DIGEST, registryHost } from "../lib/images";

/**
 * The task definitions run on X86_64 (constructs/mcp-service.ts, gateway-service.ts runtimePlatform); an image built
 * on an Arm laptop would otherwise fail to start with "exec format error".
 */
export const BUILD_PLATFORM = "linux/amd64";

/** Single-quoted for sh unless it is plainly safe (every config value is validated, this is belt and braces). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ImagesScript {
  readonly images: readonly KitImage[];
  /** The script lines, run in order with `sh -e` from the kit's root (the build context). */
  readonly lines: readonly string[];
  /** Configured base references that carry the example's placeholder digest: nothing can be built from them. */
  readonly placeholders: readonly string[];
}

/**
 * Log in to ECR, then for each image: skip it when its kit tag is already in the repository (tags are IMMUTABLE, a
 * second push of the same tag is refused), else build it FROM the configured base and push it. Build and push are
 * separate commands: under `sh -e` a failure inside an `a && b` list does not stop the script.
 */
export function imagesScript(config: McpConfig, root?: string): ImagesScript {
  const images = kitImages(config, root);
  const region = config.region;
  const lines: string[] = [];
  let account = config.accountId;
  if (!account) {
    lines.push("AWS_ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)");
    account = "${AWS_ACCOUNT_ID}";
  }
  const registry = registryHost(account, region);
  // Double quotes where the account is a shell variable, so it expands.
  const q = (s: string) => (s.includes("${AWS_ACCOUNT_ID}") ? `"${s}"` : shellQuote(s));
  lines.push(`aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${q(registry)}`);
  for (const image of images) {
    const target = `${registry}/${image.repositoryName}:${image.tag}`;
    lines.push(
      `if aws ecr describe-images --region ${region} --repository-name ${image.repositoryName} --image-ids imageTag=${image.tag} >/dev/null 2>&1; then echo ${shellQuote(`${image.repositoryName}:${image.tag} is already in ECR`)}; else docker build --pull --platform ${BUILD_PLATFORM} --build-arg BASE_IMAGE=${shellQuote(image.base)} -t ${q(target)} -f ${image.dockerfile} .; docker push ${q(target)}; fi`,
    );
  }
  const placeholders = images.filter((i) => i.base.endsWith(`@${PLACEHOLDER_DIGEST}`)).map((i) => `${i.spec.configKey}.image`);
  return { images, lines, placeholders };
}
