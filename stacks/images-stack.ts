import { Construct } from "constructs";
import { McpConfig } from "../config/schema";
import { ImageRepositories } from "../constructs/image-repositories";
import { SelfContainedStack } from "../lib/cdktf-compat";
import { AwsEnv } from "../lib/aws-env";
import { imagesStackName, kitImages } from "../lib/images";
import { environmentOf } from "./environment";

/**
 * An environment's image repositories, in a stack of their own so the first deploy works: apply this stack, push the
 * images (`npm run images -- <env> --push`), then apply `mcp-<env>`, whose plan reads the pushed images. Its state
 * sits beside the environment's: the same bucket, the key with `-images` before `.tfstate`.
 */
export class ImagesStack extends SelfContainedStack {
  readonly config: McpConfig;
  readonly env: AwsEnv;
  readonly repositories: ImageRepositories;

  constructor(scope: Construct, config: McpConfig) {
    super(scope, imagesStackName(config.environment));
    this.config = config;
    this.env = environmentOf(this, config, "-images");
    this.repositories = new ImageRepositories(this, "repositories", { env: this.env, images: kitImages(config) });
  }
}
