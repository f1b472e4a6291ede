import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { McpConfig } from "../config/schema";
import { ImageRepositories } from "../constructs/image-repositories";
import { AwsEnv, PROJECT } from "../lib/aws-env";
import { imagesStackName, kitImages } from "../lib/images";

export { imagesStackName };

/**
 * An environment's image repositories, in a stack of their own so the first deploy works: apply this stack, push the
 * images (`npm run images -- <env> --push`), then apply `mcp-<env>`, whose plan reads the pushed images. Its state
 * sits beside the environment's: the same bucket, the key with `-images` before `.tfstate`.
 */
export class ImagesStack extends TerraformStack {
  readonly config: McpConfig;
  readonly env: AwsEnv;
  readonly repositories: ImageRepositories;

  constructor(scope: Construct, config: McpConfig) {
    super(scope, imagesStackName(config.environment));
    this.config = config;
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      defaultTags: [{ tags: { project: PROJECT, environment: config.environment, owner: config.owner, "managed-by": "cdktf" } }],
    });
    if (config.state) {
      // The environment's key (McpStack's default when unset) with -images before the extension.
      const key = (config.state.key ?? `${PROJECT}/${config.environment}.tfstate`).replace(/(\.tfstate)?$/, "-images.tfstate");
      new S3Backend(this, { bucket: config.state.bucket, key, region: config.state.region ?? config.region, encrypt: true });
      // cdktf 0.21's S3Backend has no prop for S3 native state locking (Terraform ≥ 1.10); set it directly.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Beside cdktf.out like the main stack's (McpStack), never inside it.
      new LocalBackend(this, { path: `../../../terraform.${imagesStackName(config.environment)}.tfstate` });
    }
    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, "caller").accountId;
    this.env = { accountId, region: config.region, partition: "aws", environment: config.environment, stage: config.stage };
    this.repositories = new ImageRepositories(this, "repositories", { env: this.env, images: kitImages(config) });
  }

  /** Self-contained like McpStack: no cross-stack references to prepare (see McpStack.prepareStack). */
  override prepareStack(): void {}
}
