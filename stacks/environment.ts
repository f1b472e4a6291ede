import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { McpConfig } from "../config/schema";
import { AwsEnv, PROJECT } from "../lib/aws-env";

/**
 * What every stack of an environment shares: the AWS provider (default tags, the allowed account), the state backend
 * and the AwsEnv its constructs build names and ARNs from. `stateSuffix` keeps a second stack's state beside the
 * environment's own: the same bucket, the key with the suffix before `.tfstate` (e.g. `-images`).
 */
export function environmentOf(stack: TerraformStack, config: McpConfig, stateSuffix = ""): AwsEnv {
  new AwsProvider(stack, "aws", {
    region: config.region,
    allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    defaultTags: [{ tags: { project: PROJECT, environment: config.environment, owner: config.owner, "managed-by": "cdktf" } }],
  });
  if (config.state) {
    const key = config.state.key ?? `${PROJECT}/${config.environment}.tfstate`;
    new S3Backend(stack, {
      bucket: config.state.bucket,
      key: stateSuffix ? key.replace(/(\.tfstate)?$/, `${stateSuffix}.tfstate`) : key,
      region: config.state.region ?? config.region,
      encrypt: true,
    });
    // cdktf 0.21's S3Backend has no prop for S3 native state locking (Terraform ≥ 1.10); set it directly.
    stack.addOverride("terraform.backend.s3.use_lockfile", true);
  } else {
    // Relative to the stack's directory (cdktf.out/stacks/<stack>): state lives beside cdktf.out, never inside it,
    // so replacing the output folder cannot delete it, and no machine path lands in the plan.
    new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
  }
  const accountId = config.accountId ?? new DataAwsCallerIdentity(stack, "caller").accountId;
  return { accountId, region: config.region, partition: "aws", environment: config.environment, stage: config.stage };
}
