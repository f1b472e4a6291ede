import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { KitImage } from "../lib/images";
import { EncryptionKey } from "./encryption-key";

export interface ImageRepositoriesProps {
  readonly env: AwsEnv;
  /** The environment's kit images (lib/images.ts kitImages): one repository each. */
  readonly images: readonly KitImage[];
  /** Tagged images kept per repository; older ones expire. @default 10 */
  readonly keepImages?: number;
}

/** ECR's grants on the key: two CreateGrant calls when a repository is made, RetireGrant when it is deleted. */
const ECR_KEY_ACTIONS = ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"];

/**
 * The environment's private ECR repositories for the kit's images, in a stack of their own (`mcp-<env>-images`)
 * applied before the images are pushed and the services are created. IMMUTABLE tags, so a `kit-<12 hex>` tag names
 * one image for good; scan on push; encrypted with a customer key of this stack (the environment key lives in the
 * main stack, which is applied after the push); a lifecycle policy bounding what is kept.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
 */
export class ImageRepositories extends Construct {
  readonly key: EncryptionKey;
  readonly repositories: Readonly<Record<string, EcrRepository>>;

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const keep = props.keepImages ?? 10;
    if (!Number.isInteger(keep) || keep < 2 || keep > 1000) throw new Error(`${this.node.path}: keepImages ${keep} must be an integer from 2 to 1000 (the running image and its predecessor at least)`);
    this.key = new EncryptionKey(this, "key", {
      env: props.env,
      aliasName: `mcp-${props.env.environment}-images`,
      description: `Encrypts the container images of the IBM i MCP environment ${props.env.environment}`,
      // Images only: no log group of the account may use this key.
      encryptsLogGroups: false,
    });
    // The key policy delegates nothing to IAM but administration: ECR creates its grants as the caller, so the
    // callers (whoever applies this stack) may do so through ECR only.
    this.key.allowAccountThroughService("EcrCreatesRepositoryGrants", "ecr", ECR_KEY_ACTIONS);
    const repositories: Record<string, EcrRepository> = {};
    for (const image of props.images) {
      const repo = new EcrRepository(this, image.spec.id, {
        name: image.repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: this.key.arn }],
        // A repository that still holds images is not deleted with the stack: the running services pull from it.
        forceDelete: false,
      });
      new EcrLifecyclePolicy(this, `${image.spec.id}-lifecycle`, {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "Untagged layers left by an interrupted push go after a week",
              selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
              action: { type: "expire" },
            },
            {
              rulePriority: 2,
              description: `Keep the ${keep} newest kit images (the running one and those to roll back to)`,
              selection: { tagStatus: "tagged", tagPrefixList: ["kit-"], countType: "imageCountMoreThan", countNumber: keep },
              action: { type: "expire" },
            },
          ],
        }),
      });
      repositories[image.spec.id] = repo;
    }
    this.repositories = repositories;
  }
}
