import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KIT_IMAGES, KIT_TAG, kitImages, kitRoot, kitTag, PLACEHOLDER_DIGEST } from "../../lib/images";

/** A copy of the kit's image inputs in a scratch directory, to change one byte at a time. */
function scratchRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-images-"));
  fs.cpSync(path.join(kitRoot(), "images"), path.join(dir, "images"), { recursive: true });
  for (const input of new Set(KIT_IMAGES.flatMap((s) => s.inputs))) fs.cpSync(path.join(kitRoot(), input), path.join(dir, input), { recursive: true });
  return dir;
}

describe("kit tags", () => {
  const [server, gateway] = KIT_IMAGES;
  const base = "ghcr.io/ibm/ibmi-mcp-server:v0.5.1";
  let root: string;
  beforeEach(() => (root = scratchRoot()));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is kit- and 12 hex digits, the same for the same inputs", () => {
    const tag = kitTag(root, server, base);
    expect(tag).toMatch(KIT_TAG);
    expect(kitTag(kitRoot(), server, base)).toBe(tag);
  });

  it("changes with the base reference, the Dockerfile, and any file of tools/ (added, changed or renamed)", () => {
    const tags = new Set([kitTag(root, server, base)]);
    tags.add(kitTag(root, server, `${base}@sha256:${"1".repeat(64)}`));
    fs.appendFileSync(path.join(root, "images/mcp-server/Dockerfile"), "\n");
    tags.add(kitTag(root, server, base));
    fs.writeFileSync(path.join(root, "tools/extra.yaml"), "toolsets: {}\n");
    tags.add(kitTag(root, server, base));
    fs.renameSync(path.join(root, "tools/extra.yaml"), path.join(root, "tools/other.yaml"));
    tags.add(kitTag(root, server, base));
    expect(tags.size).toBe(5);
  });

  it("does not change the gateway image with tools/, which it does not copy", () => {
    const before = kitTag(root, gateway, "ghcr.io/ibm/mcp-context-forge:v0.7.0");
    fs.writeFileSync(path.join(root, "tools/extra.yaml"), "toolsets: {}\n");
    expect(kitTag(root, gateway, "ghcr.io/ibm/mcp-context-forge:v0.7.0")).toBe(before);
  });

  it("names each environment's repositories and Dockerfiles", () => {
    const images = kitImages({ environment: "qa", mcpServer: { image: base }, gateway: { image: "ghcr.io/ibm/mcp-context-forge:v0.7.0" } }, root);
    expect(images.map((i) => [i.repositoryName, i.dockerfile, i.base])).toEqual([
      ["mcp-qa/ibmi-mcp-server", "images/mcp-server/Dockerfile", base],
      ["mcp-qa/mcp-gateway", "images/gateway/Dockerfile", "ghcr.io/ibm/mcp-context-forge:v0.7.0"],
    ]);
  });
});

describe("the shipped configs", () => {
  const { shippedConfigs } = require("../configs") as typeof import("../configs");
  const cfg = shippedConfigs();

  it("build from tags upstream publishes, and prod from the plainly fake all-zero digest", () => {
    // IBM/ibmi-mcp-server v0.5.1 .github/workflows/docker-multiplatform.yml:22-23 (on tags v*), :70
    // TAG=${GITHUB_REF#refs/tags/}, :158 --tag "${IMAGE}:${TAG}": v0.5.1 (the git tag), never 0.5.1.
    // IBM/mcp-context-forge v1.0.8 .github/workflows/docker-multiplatform.yml:32 (on tags v*), :474 REF_NAME=<git tag>,
    // :493 imagetools create --tag "${IMAGE}:${REF_NAME}": v1.0.8; its charts/mcp-stack/values.yaml:88 pins
    // tag "v1.0.8". (Its README.md:592 still shows ":1.0.0-RC-3"; the workflow is what pushes, and the preflight asks
    // ghcr.io for the pinned digest before a deploy.)
    for (const env of ["dev", "staging"]) {
      expect([cfg[env].mcpServer.image, cfg[env].gateway.image]).toEqual(["ghcr.io/ibm/ibmi-mcp-server:v0.5.1", "ghcr.io/ibm/mcp-context-forge:v1.0.8"]);
    }
    // No digest could be verified offline: prod carries a value nobody can take for a real one (npm run images and
    // the preflight refuse it).
    expect([cfg.prod.mcpServer.image, cfg.prod.gateway.image]).toEqual([`ghcr.io/ibm/ibmi-mcp-server:v0.5.1@${PLACEHOLDER_DIGEST}`, `ghcr.io/ibm/mcp-context-forge:v1.0.8@${PLACEHOLDER_DIGEST}`]);
  });
});
