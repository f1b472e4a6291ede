import { rule } from "../../../policy/rules/mcp-ecr-001";
import { TerraformJson } from "../../../policy/types";
import { judge, lines } from "../fixtures";

const repo = (body: Record<string, unknown>): TerraformJson => ({
  resource: { aws_kms_key: { k: { enable_key_rotation: true } }, aws_ecr_repository: { r: { name: "mcp-prod/x", image_tag_mutability: "IMMUTABLE", ...body } } },
});
const GOOD = { image_scanning_configuration: { scan_on_push: true }, encryption_configuration: [{ encryption_type: "KMS", kms_key: "${aws_kms_key.k.arn}" }] };

describe("MCP-ECR-001 image repositories scan on push and use a customer key", () => {
  it("passes a scanned repository encrypted with a key of the plan", () => {
    expect(judge(rule, repo(GOOD)).verdict).toBe("pass");
  });

  it("fails no scan, the default AES256, the AWS managed ECR key and a missing key", () => {
    expect(lines(judge(rule, repo({})))).toEqual([
      "aws_ecr_repository.r: does not scan images on push, so a known vulnerability in a pushed image goes unreported",
      "aws_ecr_repository.r: is encrypted with AES256, not a KMS key the environment controls",
    ]);
    expect(lines(judge(rule, repo({ ...GOOD, encryption_configuration: [{ encryption_type: "KMS", kms_key: "alias/aws/ecr" }] })))).toEqual([
      "aws_ecr_repository.r: kms_key is alias/aws/ecr, an AWS managed key; use a customer-managed key (its policy decides who may use it)",
    ]);
    expect(lines(judge(rule, repo({ ...GOOD, encryption_configuration: [{ encryption_type: "KMS" }] })))).toEqual(["aws_ecr_repository.r: sets no kms_key, so it is not encrypted with a customer-managed key"]);
  });

  it("does not apply to a plan without repositories", () => {
    expect(judge(rule, { resource: { aws_kms_key: { k: {} } } }).verdict).toBe("not-applicable");
  });
});
