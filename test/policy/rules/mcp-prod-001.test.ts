import { rule } from "../../../policy/rules/mcp-prod-001";
import { TerraformJson } from "../../../policy/types";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

const REG = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const TAG = "kit-0123456789ab";

/** A task definition plus the resources and data sources a kit image needs around it. */
function withKit(images: string[], extra: { resource?: Record<string, any>; data?: Record<string, any> }): TerraformJson {
  const p = taskPlan(images.map((image, i) => ({ ...goodContainer, name: `c${i}`, image })));
  return { ...p, resource: { ...p.resource, ...extra.resource }, data: extra.data };
}

describe("MCP-PROD-001 production runs exactly one reviewed image", () => {
  const p = taskPlan([goodContainer, { ...goodContainer, name: "gw", image: "ghcr.io/ibm/mcp-context-forge:latest" }, { ...goodContainer, name: "x", image: "${var.image}" }]);

  it("fails tags and unknown images in prod", () => {
    expect(lines(judge(rule, p, { stage: "prod" }))).toEqual([
      'aws_ecs_task_definition.mcp: container "gw" runs image ghcr.io/ibm/mcp-context-forge:latest, which is neither pinned by @sha256 digest nor a kit tag (its digest, or in an immutable repository of this plan)',
      'aws_ecs_task_definition.mcp: container "x" runs image ${var.image}, which is neither pinned by @sha256 digest nor a kit tag (its digest, or in an immutable repository of this plan)',
    ]);
  });

  it("passes digests in prod (also behind a repository reference) and does not apply elsewhere", () => {
    const ok = taskPlan([goodContainer, { ...goodContainer, name: "r", image: "${aws_ecr_repository.r.repository_url}@sha256:" + "b".repeat(64) }]);
    expect(judge(rule, ok, { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, p, { stage: "staging" }).verdict).toBe("not-applicable");
  });

  it("passes the digest a kit tag holds (data.aws_ecr_image of the same repository), and nothing else read that way", () => {
    const data = {
      aws_ecr_image: {
        kit: { repository_name: "mcp-prod/ibmi-mcp-server", image_tag: TAG },
        moving: { repository_name: "mcp-prod/ibmi-mcp-server", image_tag: "latest" },
        other: { repository_name: "mcp-prod/mcp-gateway", image_tag: TAG },
      },
    };
    const ok = withKit([`${REG}/mcp-prod/ibmi-mcp-server@\${data.aws_ecr_image.kit.image_digest}`], { data });
    expect(judge(rule, ok, { stage: "prod" }).verdict).toBe("pass");
    const bad = withKit([`${REG}/mcp-prod/ibmi-mcp-server@\${data.aws_ecr_image.moving.image_digest}`, `${REG}/mcp-prod/ibmi-mcp-server@\${data.aws_ecr_image.other.image_digest}`], { data });
    expect(lines(judge(rule, bad, { stage: "prod" })).map((l) => l.replace(/ runs image .*/, ""))).toEqual(['aws_ecs_task_definition.mcp: container "c0"', 'aws_ecs_task_definition.mcp: container "c1"']);
  });

  it("passes a kit tag only in an IMMUTABLE repository of the same plan, and fails any MUTABLE repository", () => {
    const repo = (mutability?: string) => ({ aws_ecr_repository: { r: { name: "mcp-prod/mcp-gateway", ...(mutability ? { image_tag_mutability: mutability } : {}) } } });
    const images = [`${REG}/mcp-prod/mcp-gateway:${TAG}`, `\${aws_ecr_repository.r.repository_url}:${TAG}`];
    expect(judge(rule, withKit(images, { resource: repo("IMMUTABLE") }), { stage: "prod" }).verdict).toBe("pass");
    const bad = lines(judge(rule, withKit(images, { resource: repo() }), { stage: "prod" }));
    expect(bad[0]).toBe("aws_ecr_repository.r: has image_tag_mutability MUTABLE, so a pushed tag can be moved to another image");
    expect(bad.slice(1).map((l) => l.replace(/ runs image .*, which/, " … which"))).toEqual([
      'aws_ecs_task_definition.mcp: container "c0" … which is neither pinned by @sha256 digest nor a kit tag (its digest, or in an immutable repository of this plan)',
      'aws_ecs_task_definition.mcp: container "c1" … which is neither pinned by @sha256 digest nor a kit tag (its digest, or in an immutable repository of this plan)',
    ]);
    // A kit tag of a repository this plan does not declare: nothing says the tag cannot move.
    expect(judge(rule, withKit([`${REG}/elsewhere/image:${TAG}`], { resource: repo("IMMUTABLE") }), { stage: "prod" }).verdict).toBe("fail");
  });

  it("applies to a plan of repositories alone (the images stack)", () => {
    const only: TerraformJson = { resource: { aws_ecr_repository: { r: { name: "mcp-prod/x", image_tag_mutability: "IMMUTABLE" } } } };
    expect(judge(rule, only, { stage: "prod" }).verdict).toBe("pass");
  });
});
