import { ContainerImages } from "../../constructs/container-images";
import { ServiceRole } from "../../constructs/service-role";
import { containerDefinition } from "../../lib/container";
import { kitImages } from "../../lib/images";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs } from "../configs";
import { resourceAt, resources, shippedOutdir, shippedPlan } from "../plans";
import { bareEnv, bareStack, synthBare } from "./bare-stack";

describe("ContainerImages", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  beforeAll(() => (prod = shippedPlan("prod")));

  it("reads each kit image by its kit tag at plan time, from the environment's own repository", () => {
    for (const kit of kitImages(cfg.prod)) {
      expect(prod.data?.aws_ecr_image && Object.values(prod.data.aws_ecr_image).filter((d: any) => d.repository_name === kit.repositoryName)).toEqual([expect.objectContaining({ repository_name: kit.repositoryName, image_tag: kit.tag })]);
    }
    expect(kitImages(cfg.prod).map((k) => k.repositoryName)).toEqual(["mcp-prod/ibmi-mcp-server", "mcp-prod/mcp-gateway"]);
  });

  it("runs every container by the digest its kit tag holds, from ECR of the stack's account and region", () => {
    const names = Object.fromEntries(Object.entries(prod.data?.aws_ecr_image ?? {}).map(([n, d]: [string, any]) => [d.repository_name, n]));
    for (const [, td] of resources(prod, "aws_ecs_task_definition")) {
      for (const c of JSON.parse(td.container_definitions)) {
        const repo = c.name === "mcp-gateway" ? "mcp-prod/mcp-gateway" : "mcp-prod/ibmi-mcp-server";
        expect(c.image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${repo}@\${data.aws_ecr_image.${names[repo]}.image_digest}`);
      }
    }
  });

  it("counts as pinned by digest in the review (the seed's security-updates item)", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const review = fs.readFileSync(path.join(shippedOutdir(), "review", "mcp-prod.md"), "utf8");
    const containers = resources(prod, "aws_ecs_task_definition").flatMap(([, td]) => JSON.parse(td.container_definitions)).length;
    expect(review).toContain(`| ${containers} of ${containers} images pinned by digest |`);
  });

  it("has no pull-through cache rule and no registry credential any more", () => {
    expect(Object.keys(prod.resource ?? {})).not.toContain("aws_ecr_pull_through_cache_rule");
    expect(resources(prod, "aws_secretsmanager_secret").map(([, s]) => s.name)).not.toContainEqual(expect.stringMatching(/^ecr-pullthroughcache\//));
    expect(resourceAt(prod, "aws_iam_role_policy", "gateway/execution-role/policy").policy).not.toMatch(/BatchImportUpstreamImage|ecr:CreateRepository/);
  });

  it("grants pulls of exactly the given repositories, and refuses an image the environment does not build", () => {
    const env = bareEnv({ environment: "t" });
    const stack = bareStack(env);
    const images = new ContainerImages(stack, "images", { env, images: kitImages({ environment: "t", mcpServer: { image: "ghcr.io/ibm/ibmi-mcp-server:v0.5.1" }, gateway: { image: "ghcr.io/ibm/mcp-context-forge:v0.7.0" } }) });
    const role = new ServiceRole(stack, "role", { env, name: "r", assumedBy: "ecs-tasks.amazonaws.com", description: "test" });
    images.grantPull(role, [images.of("mcp-gateway")]);
    const doc = JSON.parse(resourceAt(synthBare(stack), "aws_iam_role_policy", "role/policy").policy);
    expect(doc.Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["EcrAuthorizationToken", "ecr:GetAuthorizationToken", "*"],
      ["EcrPullImages", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "arn:aws:ecr:us-east-1:123456789012:repository/mcp-t/mcp-gateway"],
    ]);
    const none = new ContainerImages(bareStack(env), "images", { env, images: [] });
    expect(() => none.of("ibmi-mcp-server")).toThrow('t/images: no kit image "ibmi-mcp-server" in environment t');
  });
});

describe("containerDefinition", () => {
  const base = {
    name: "c",
    image: "i",
    user: "app",
    port: 3010,
    environment: {},
    secrets: {},
    scratch: [],
    healthCheck: ["true"],
    startPeriodSeconds: 10,
    logGroupName: "/g",
    region: "us-east-1",
    streamPrefix: "p",
  };
  it("refuses root and credentials in environment", () => {
    expect(() => containerDefinition({ ...base, user: "root" })).toThrow("container c: runs as root");
    expect(() => containerDefinition({ ...base, user: "0" })).toThrow("container c: runs as root");
    expect(() => containerDefinition({ ...base, environment: { DB2i_PASS: "x" } })).toThrow("container c: DB2i_PASS looks like a credential; pass it in secrets, never in environment");
    expect(() => containerDefinition({ ...base, environment: { JWT_SECRET_KEY: "x" } })).toThrow("JWT_SECRET_KEY looks like a credential");
    // Names that only mention a token or key are settings.
    expect(() => containerDefinition({ ...base, environment: { REQUIRE_TOKEN_EXPIRATION: "true", IBMI_AUTH_PRIVATE_KEY_PATH: "/tmp/k" } })).not.toThrow();
  });
});
