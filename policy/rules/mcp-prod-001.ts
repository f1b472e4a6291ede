import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { parseReference, PlanResource, PlanView, show } from "../plan";

const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** The kit's content-addressed tags (lib/images.ts KIT_TAG). */
const KIT_TAG = /^kit-[0-9a-f]{12}$/;
/** `<registry or repository reference>/<repository>@${data.aws_ecr_image.<name>.image_digest}` */
const DIGEST_OF_TAG = /^(.*)@(\$\{data\.aws_ecr_image\.[^}]+\.image_digest\})$/;
/** `<registry>/<repository>:kit-…`, or `${aws_ecr_repository.<name>.repository_url}:kit-…` */
const KIT_TAGGED = /^(.*):(kit-[0-9a-f]{12})$/;

/** Why an image names exactly one reviewed image, or undefined when it does not. */
function pinnedBy(plan: PlanView, image: string, repositories: readonly PlanResource[]): string | undefined {
  if (DIGEST.test(image)) return "digest";
  const byTag = DIGEST_OF_TAG.exec(image);
  if (byTag) {
    const data = plan.target(byTag[2], "aws_ecr_image");
    const tag = data?.body.image_tag;
    // The digest a kit tag holds, read at plan time: the tag is content-addressed, the digest fixed by ECR.
    if (data && typeof tag === "string" && KIT_TAG.test(tag) && byTag[1].endsWith(`/${String(data.body.repository_name)}`)) return "kit tag digest";
    return undefined;
  }
  const kit = KIT_TAGGED.exec(image);
  if (kit) {
    // A kit tag alone is one image only in an IMMUTABLE repository declared in this plan.
    const repo = repositories.find((r) => parseReference(kit[1])?.address === r.address || (typeof r.body.name === "string" && kit[1].endsWith(`/${r.body.name}`)));
    if (repo && repo.body.image_tag_mutability === "IMMUTABLE") return "kit tag in an immutable repository";
  }
  return undefined;
}

export const rule = defineRule(
  {
    id: "MCP-PROD-001",
    title: "Production containers run exactly one reviewed image: pinned by @sha256 digest, or a kit tag of an immutable repository",
    severity: "high",
    references: ["CKV_AWS_51"],
    remediation:
      "Pin mcpServer.image and gateway.image in config/prod.json by @sha256 digest of the reviewed upstream image; the task definitions then run the kit images by the digest of their kit-<12 hex> tag (constructs/container-images.ts). ECR repositories in prod use image_tag_mutability IMMUTABLE.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const repositories = plan.resources("aws_ecr_repository");
    for (const r of repositories) {
      if (r.body.image_tag_mutability !== "IMMUTABLE") report(r.address, `has image_tag_mutability ${show(r.body.image_tag_mutability ?? "MUTABLE")}, so a pushed tag can be moved to another image`);
    }
    const containers = eachContainer(plan, report, (td, c, label) => {
      if (typeof c.image !== "string" || !pinnedBy(plan, c.image, repositories))
        report(td.address, `${label} runs image ${show(c.image)}, which is neither pinned by @sha256 digest nor a kit tag (its digest, or in an immutable repository of this plan)`);
    });
    return containers || repositories.length > 0;
  },
);
