import { DataAwsEcrImage } from "@cdktf/provider-aws/lib/data-aws-ecr-image";
import { Construct } from "constructs";
import { arn, AwsEnv } from "../lib/aws-env";
import { KitImage, KitImageSpec, registryHost } from "../lib/images";
import { ServiceRole } from "./service-role";

export interface ContainerImagesProps {
  readonly env: AwsEnv;
  /** The environment's kit images (lib/images.ts kitImages), pushed by `npm run images -- <env> --push`. */
  readonly images: readonly KitImage[];
}

/** An image as the tasks pull it: the kit's own image in this environment's private ECR repository. */
export interface ContainerImage {
  readonly kit: KitImage;
  /** What the task definition pulls: `<account>.dkr.ecr.<region>.amazonaws.com/mcp-<env>/<id>@<digest of the kit tag>`. */
  readonly uri: string;
  readonly repositoryArn: string;
}

/**
 * Where the tasks get their images: the kit's images (upstream image + what images/<id>/Dockerfile adds) in the
 * environment's private ECR repositories, which the `mcp-<env>-images` stack creates before this one (IMMUTABLE
 * tags, scan on push, KMS; constructs/image-repositories.ts). The tasks reach ECR through the VPC endpoints only.
 *
 * Each image is read at plan time by its `kit-<12 hex>` tag (a data source): the plan fails while the image is not
 * pushed, so no service is created that could not start, and the task definition names the image by the digest
 * that tag holds. The tag is immutable in its repository, so the digest never changes under the same tag.
 */
export class ContainerImages extends Construct {
  private readonly env: AwsEnv;
  private readonly byId = new Map<KitImageSpec["id"], ContainerImage>();

  constructor(scope: Construct, id: string, props: ContainerImagesProps) {
    super(scope, id);
    this.env = props.env;
    const registry = registryHost(props.env.accountId, props.env.region);
    for (const kit of props.images) {
      const pushed = new DataAwsEcrImage(this, kit.spec.id, { repositoryName: kit.repositoryName, imageTag: kit.tag });
      this.byId.set(kit.spec.id, {
        kit,
        uri: `${registry}/${kit.repositoryName}@${pushed.imageDigest}`,
        repositoryArn: arn(props.env, "ecr", `repository/${kit.repositoryName}`),
      });
    }
  }

  /** The image a service runs; throws for an image this environment does not build. */
  of(id: KitImageSpec["id"]): ContainerImage {
    const image = this.byId.get(id);
    if (!image) throw new Error(`${this.node.path}: no kit image "${id}" in environment ${this.env.environment}`);
    return image;
  }

  /**
   * Lets a task execution role pull these images: the registry token (AWS requires resource "*") and layers and
   * manifests of exactly these repositories. No KMS right is needed: ECR decrypts with the grant it made on the
   * repository's key when the repository was created (ECR "Encryption at rest").
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
   */
  grantPull(role: ServiceRole, images: readonly ContainerImage[]): void {
    const arns = [...new Set(images.map((i) => i.repositoryArn))].sort();
    role.addToPolicy({
      sid: "EcrAuthorizationToken",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
      why: "ecr:GetAuthorizationToken is account-wide and supports no resource-level permission (ECR IAM reference); the token alone grants no repository.",
    });
    role.addToPolicy({ sid: "EcrPullImages", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: arns });
  }
}
