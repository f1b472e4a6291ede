/**
 * The review of an environment's image repositories (mcp-<env>-images): what the plan holds, the policy result, and
 * no seed checklist (all of it would read "not met" for a plan of ECR repositories and a key).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IMAGE_STACK_TYPES, imagesFor, isImagesPlan, repositoryFacts } from "../../review/images-report";
import { reviewPolicy } from "../../review/policy-source";
import { renderIndex, reviewStack } from "../../review/report";
import { writeReviews } from "../../review/write";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs } from "../configs";
import { shippedOutdir, shippedPlan } from "../plans";

const ENVS = Object.keys(shippedConfigs()).sort();
const imagesPlan = (env: string): TerraformJson => JSON.parse(fs.readFileSync(path.join(shippedOutdir(), "stacks", `mcp-${env}-images`, "cdk.tf.json"), "utf8"));
const copy = (p: TerraformJson): any => JSON.parse(JSON.stringify(p));

describe("telling an images stack apart by what its plan holds", () => {
  test.each(ENVS)("the %s images plan holds only image-repository types; its environment plan is not one", (env) => {
    const plan = imagesPlan(env);
    // A new resource type in stacks/images-stack.ts must be added to IMAGE_STACK_TYPES, or its report turns into the full one.
    expect(Object.keys(plan.resource ?? {}).filter((t) => !IMAGE_STACK_TYPES.includes(t))).toEqual([]);
    expect(isImagesPlan(plan)).toBe(true);
    expect(imagesFor(plan)).toBe(`mcp-${env}`);
    expect(isImagesPlan(shippedPlan(env))).toBe(false);
  });

  test("a plan with anything else besides repositories, or with no repository, gets the full review", () => {
    const withVpc = copy(imagesPlan("prod"));
    withVpc.resource.aws_vpc = { vpc: { cidr_block: "10.42.0.0/20" } };
    expect(isImagesPlan(withVpc)).toBe(false);
    expect(reviewStack("mcp-prod-images", withVpc).markdown).toContain("\n## 5. Seed checklist\n");
    expect(isImagesPlan({ resource: { aws_kms_key: { k: {} } } })).toBe(false);
  });
});

describe.each(ENVS)("report of the shipped %s images stack", (env) => {
  const stack = `mcp-${env}-images`;
  let markdown: string;
  beforeAll(() => {
    markdown = reviewStack(stack, imagesPlan(env), { policy: reviewPolicy(stack, imagesPlan(env)) }).markdown;
  });

  test("has no seed checklist table, but says why and points to the environment's report", () => {
    expect(markdown).not.toMatch(/\| Item \| Status \|/);
    expect(markdown).not.toContain("not met");
    expect(markdown).toContain(`\n## Seed checklist\n\nNot applicable: image repositories only, see [mcp-${env}](mcp-${env}.md).\n`);
    expect(markdown).not.toContain("## 1. Reachability");
  });

  test("lists every repository with immutable tags, scan on push, the images key and its lifecycle rules", () => {
    const plan = imagesPlan(env);
    const repos = Object.values<any>(plan.resource!.aws_ecr_repository);
    expect(repos.length).toBeGreaterThan(0);
    const rules = JSON.parse(Object.values<any>(plan.resource!.aws_ecr_lifecycle_policy)[0].policy).rules.map((r: any) => r.description);
    for (const r of repos) {
      const row = markdown.split("\n").find((l) => l.startsWith(`| \`${r.name}\` `))!;
      expect(row).toBeDefined();
      expect(row).toContain(`| ${r.image_tag_mutability === "IMMUTABLE" ? "immutable" : "**mutable**"} | ${r.image_scanning_configuration.scan_on_push ? "yes" : "**no**"} | \`alias/mcp-${env}-images\` (customer managed) | ${rules.join("; ")} |`);
    }
  });

  test("shows the policy result, listing only the rules that judged something", () => {
    expect(markdown).toMatch(/\n## Policy result\n\n\| Rule \|/);
    expect(markdown).toContain("| `MCP-ECR-001` |");
    expect(markdown).toMatch(/\n\d+ more rules are not applicable: they judge resources this plan does not hold\.\n/);
    expect(markdown).not.toContain("| not-applicable |");
  });
});

describe("flags of an images plan", () => {
  test("mutable tags, no scan, AES-256, no lifecycle and force_delete are flagged, and counted in the summary", () => {
    const plan = copy(imagesPlan("prod"));
    const [name] = Object.keys(plan.resource.aws_ecr_repository);
    Object.assign(plan.resource.aws_ecr_repository[name], { image_tag_mutability: "MUTABLE", image_scanning_configuration: { scan_on_push: false }, encryption_configuration: [{ encryption_type: "AES256" }], force_delete: true });
    plan.resource.aws_ecr_lifecycle_policy = Object.fromEntries(Object.entries<any>(plan.resource.aws_ecr_lifecycle_policy).filter(([, p]) => !String(p.repository).includes(`.${name}.`)));
    const fact = repositoryFacts(plan).find((r) => r.address === `aws_ecr_repository.${name}`)!;
    expect(fact.flags.map((f) => `${f.severity}: ${f.text}`)).toEqual([
      "high: tags are mutable: a push can replace the image a running tag names",
      "medium: images are not scanned on push",
      "medium: not encrypted with a customer-managed key",
      "low: no lifecycle policy: untagged layers and old images accumulate",
      "medium: force_delete: destroying the stack deletes the images in it",
    ]);
    const review = reviewStack("mcp-prod-images", plan);
    expect(review.summary.flags).toEqual({ critical: 0, high: 1, medium: 3, low: 1 });
    expect(review.markdown).toContain("| AES-256 (ECR default) | **none** |");
  });

  test("the shipped images plans raise no flag", () => {
    for (const env of ENVS) expect(repositoryFacts(imagesPlan(env)).flatMap((r) => r.flags)).toEqual([]);
  });
});

describe("index", () => {
  test("lists each images stack right under its environment, checklist not applicable, and writes its report", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-images-"));
    try {
      for (const env of ["dev", "prod"]) {
        for (const [stack, plan] of [
          [`mcp-${env}`, shippedPlan(env)],
          [`mcp-${env}-images`, imagesPlan(env)],
        ] as const) {
          fs.mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
          fs.writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(plan));
        }
      }
      writeReviews(dir);
      const index = fs.readFileSync(path.join(dir, "review", "index.md"), "utf8");
      const rows = index.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Stack"));
      expect(rows.map((r) => /\[([^\]]+)\]/.exec(r)![1])).toEqual(["mcp-dev", "mcp-dev-images", "mcp-prod", "mcp-prod-images"]);
      expect(rows[3]).toMatch(/^\| ↳ \[mcp-prod-images\]\(mcp-prod-images\.md\) \(image repositories\) \| prod \| \d+ \| — \(no listener\) \| .* \| not applicable: image repositories only, see \[mcp-prod\]\(mcp-prod\.md\) \|/);
      expect(rows[2]).toMatch(/\| \d+ met, \d+ partly, \d+ not met, \d+ outside \|/);
      expect(fs.readFileSync(path.join(dir, "review", "mcp-prod-images.md"), "utf8")).toContain("## Repositories");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an images stack whose plan names no environment is still marked, without a link", () => {
    const plan = copy(imagesPlan("dev"));
    delete plan.provider;
    const review = reviewStack("mcp-x-images", plan);
    expect(review.summary.imagesFor).toBeUndefined();
    expect(review.summary.checklist).toBeUndefined();
    expect(renderIndex([review.summary])).toContain("| not applicable: image repositories only |");
  });
});
