/** A stack with only an AWS provider, for testing one construct's options and errors outside McpStack. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { invokeAspects } from "../../lib/cdktf-compat";
import { AwsEnv } from "../../lib/aws-env";
import { TerraformJson } from "../../policy/types";

export function bareEnv(overrides: Partial<AwsEnv> = {}): AwsEnv {
  return { accountId: "123456789012", region: "us-east-1", partition: "aws", environment: "t", stage: "dev", ...overrides };
}

export function bareStack(env: AwsEnv = bareEnv()): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region: env.region });
  return stack;
}

/** Terraform JSON with `//` metadata kept (resourceAt needs the construct paths), validations run. */
export function synthBare(stack: TerraformStack): TerraformJson {
  invokeAspects(stack);
  stack.runAllValidations();
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}
