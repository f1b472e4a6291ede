/**
 * The kit's own container images: each is an upstream image (the configured base reference) plus what the kit adds
 * (images/<id>/Dockerfile, and for the MCP server the tool YAML of tools/). They live in a private ECR repository per
 * environment (the `mcp-<env>-images` stack) under a tag named by their content, so the task definitions name
 * exactly one image and synth needs no registry. Shared by the stacks, `npm run images` and the preflight.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the MCP server image holds the kit's tool YAML; TOOLS_YAML_PATH points here (images/mcp-server/Dockerfile). */
export const TOOLS_DIR_IN_IMAGE = "/opt/ibmi-mcp/tools";

/** A kit tag: `kit-` and 12 hex digits of the image's inputs (kitTag). */
export const KIT_TAG = /^kit-[0-9a-f]{12}$/;

/**
 * A digest that is plainly not one (all zeros): the example prod config carries it because no real digest could be
 * verified when it was written. It synthesizes; `npm run images -- <env> --push` and the preflight refuse it.
 */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

export interface KitImageSpec {
  /** images/<id>/Dockerfile; also the last part of the repository name. */
  readonly id: "ibmi-mcp-server" | "mcp-gateway";
  /** The config section whose `image` is the base reference. */
  readonly configKey: "mcpServer" | "gateway";
  /** Files and folders (relative to the kit's root) the image is built from, besides its Dockerfile. */
  readonly inputs: readonly string[];
}

export const KIT_IMAGES: readonly KitImageSpec[] = [
  { id: "ibmi-mcp-server", configKey: "mcpServer", inputs: ["tools", "runtime/mcp-server/verify-ibmi-ca.cjs"] },
  { id: "mcp-gateway", configKey: "gateway", inputs: ["runtime/gateway/compose-urls.sh"] },
];

/** One kit image of one environment, as the stacks, the images command and the preflight use it. */
export interface KitImage {
  readonly spec: KitImageSpec;
  /** The configured upstream reference it is built FROM, e.g. `ghcr.io/ibm/ibmi-mcp-server:v0.5.1`. */
  readonly base: string;
  /** Dockerfile path relative to the kit's root (the build context). */
  readonly dockerfile: string;
  /** The environment's private repository: `mcp-<env>/<id>`. */
  readonly repositoryName: string;
  /** `kit-<12 hex>`, from the Dockerfile, the inputs and the base reference. */
  readonly tag: string;
}

/** The Terraform stack of an environment's image repositories (stacks/images-stack.ts), applied before `mcp-<env>`. */
export function imagesStackName(environment: string): string {
  return `mcp-${environment}-images`;
}

/** The private ECR repository of a kit image in an environment. */
export function repositoryName(environment: string, id: KitImageSpec["id"]): string {
  return `mcp-${environment}/${id}`;
}

/** The kit's root: the nearest folder above this module holding images/ (source under jest, dist/ when bundled). */
export function kitRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "images", "mcp-server", "Dockerfile"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`images/mcp-server/Dockerfile not found above ${__dirname}`);
    dir = parent;
  }
}

/** Every file under `rel` (a file or a folder), relative to root, sorted: the bytes a build copies. */
function filesUnder(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((name) => filesUnder(root, path.posix.join(rel, name)));
}

/**
 * The content-addressed tag of a kit image: the same Dockerfile, inputs and base reference give the same tag on any
 * machine, and any change gives a new one, which an IMMUTABLE repository can hold only once.
 */
export function kitTag(root: string, spec: KitImageSpec, base: string): string {
  const hash = createHash("sha256");
  hash.update(`base\0${base}\0`);
  for (const rel of [dockerfileOf(spec), ...spec.inputs].flatMap((r) => filesUnder(root, r)).sort()) {
    hash.update(`file\0${rel}\0`);
    hash.update(fs.readFileSync(path.join(root, rel)));
    hash.update("\0");
  }
  return `kit-${hash.digest("hex").slice(0, 12)}`;
}

export function dockerfileOf(spec: KitImageSpec): string {
  return `images/${spec.id === "ibmi-mcp-server" ? "mcp-server" : "gateway"}/Dockerfile`;
}

/** The kit images of an environment, from its config. */
export function kitImages(config: { readonly environment: string; readonly mcpServer: { readonly image: string }; readonly gateway: { readonly image: string } }, root = kitRoot()): KitImage[] {
  return KIT_IMAGES.map((spec) => {
    const base = config[spec.configKey].image;
    return { spec, base, dockerfile: dockerfileOf(spec), repositoryName: repositoryName(config.environment, spec.id), tag: kitTag(root, spec, base) };
  });
}

/** The ECR registry host of an account and region. */
export function registryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
}
