import { ImageRepositories } from "../../constructs/image-repositories";
import { kitImages } from "../../lib/images";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs } from "../configs";
import { resourceAt, resources, shippedPlan } from "../plans";
import { bareEnv, bareStack } from "./bare-stack";

const keyPolicy = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_kms_key", "repositories/key/key").policy);

describe("ImageRepositories (stack mcp-<env>-images)", () => {
  const cfg = shippedConfigs();
  let images: TerraformJson;
  beforeAll(() => (images = shippedPlan("prod-images")));

  it("makes one IMMUTABLE, scanned, KMS-encrypted repository per kit image", () => {
    const key = resources(images, "aws_kms_key")[0][0];
    expect(resources(images, "aws_ecr_repository").map(([, r]) => r)).toEqual(
      kitImages(cfg.prod).map((k) =>
        expect.objectContaining({
          name: k.repositoryName,
          image_tag_mutability: "IMMUTABLE",
          image_scanning_configuration: { scan_on_push: true },
          encryption_configuration: [{ encryption_type: "KMS", kms_key: `\${${key}.arn}` }],
          force_delete: false,
        }),
      ),
    );
  });

  it("keeps the 10 newest kit images and drops untagged leftovers", () => {
    const p = JSON.parse(resourceAt(images, "aws_ecr_lifecycle_policy", "repositories/ibmi-mcp-server-lifecycle").policy);
    expect(p.rules.map((r: any) => [r.rulePriority, r.selection, r.action.type])).toEqual([
      [1, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, "expire"],
      [2, { tagStatus: "tagged", tagPrefixList: ["kit-"], countType: "imageCountMoreThan", countNumber: 10 }, "expire"],
    ]);
  });

  it("encrypts with its own rotating key whose policy lets ECR make its grants for this account's callers only", () => {
    expect(resourceAt(images, "aws_kms_key", "repositories/key/key")).toMatchObject({ enable_key_rotation: true });
    expect(resourceAt(images, "aws_kms_alias", "repositories/key/alias").name).toBe("alias/mcp-prod-images");
    const ecr = keyPolicy(images).Statement.find((s: any) => s.Sid === "EcrCreatesRepositoryGrants");
    // ECR "Encryption at rest": on CreateRepository ECR calls DescribeKey and CreateGrant as the caller; RetireGrant on delete.
    expect(ecr).toEqual({
      Sid: "EcrCreatesRepositoryGrants",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "ecr.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012" } },
    });
  });

  it("lets no log group use the images key: only the environment key names CloudWatch Logs", () => {
    const sids = (plan: TerraformJson, at: string) => JSON.parse(resourceAt(plan, "aws_kms_key", at).policy).Statement.map((s: any) => s.Sid);
    expect(sids(images, "repositories/key/key")).toEqual(["AccountAdministersKey", "EcrCreatesRepositoryGrants"]);
    expect(keyPolicy(images).Statement.flatMap((s: any) => [].concat(s.Principal?.Service ?? []))).toEqual([]);
    // The environment's key still lets CloudWatch Logs encrypt its log groups (MCP-DEPLOY-002).
    expect(sids(shippedPlan("prod"), "encryption-key/key")).toContain("CloudWatchLogsEncryptsThisAccountsLogGroups");
  });

  it("keeps its state beside the environment's: same bucket, -images in the key", () => {
    expect(images.terraform?.backend).toEqual({ s3: { bucket: "acme-terraform-state-123456789012", key: "ibmi-mcp/prod-images.tfstate", region: "us-east-1", encrypt: true, use_lockfile: true } });
    expect(shippedPlan("dev-images").terraform?.backend).toEqual({ local: { path: "../../../terraform.mcp-dev-images.tfstate" } });
    expect((shippedPlan("prod").terraform as any).backend.s3.key).toBe("ibmi-mcp/prod.tfstate");
  });

  it("holds nothing but the repositories, their lifecycle and their key", () => {
    expect(Object.keys(images.resource ?? {}).sort()).toEqual(["aws_ecr_lifecycle_policy", "aws_ecr_repository", "aws_kms_alias", "aws_kms_key"]);
  });

  it("refuses to keep fewer than 2 images", () => {
    const env = bareEnv();
    expect(() => new ImageRepositories(bareStack(env), "repos", { env, images: [], keepImages: 1 })).toThrow("t/repos: keepImages 1 must be an integer from 2 to 1000 (the running image and its predecessor at least)");
  });
});
