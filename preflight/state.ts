/**
 * The S3 state bucket named in `state.bucket`: it must exist before `cdktf deploy` (Terraform does not create its
 * own backend), in the region the backend names, encrypted, versioned (a bad apply can then be rolled back) and
 * closed to the public. https://developer.hashicorp.com/terraform/language/backend/s3
 */
import { GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import { couldNotCheck, isError } from "./aws";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "state";

/** GetBucketLocation's answer as a region code (null/empty means us-east-1, "EU" the legacy eu-west-1). */
export function locationToRegion(location: string | undefined | null): string {
  if (!location) return "us-east-1";
  return location === "EU" ? "eu-west-1" : location;
}

export async function checkState(ctx: PreflightContext): Promise<CheckResult[]> {
  const state = ctx.config.state;
  if (!state) return [skip(GROUP, "backend", "no state bucket configured: state stays in a local file beside cdktf.out", 'for a shared environment add "state": { "bucket": … } to the config')];
  const bucket = state.bucket;
  const region = state.region ?? ctx.config.region;
  const s3 = ctx.clients.s3;
  const out: CheckResult[] = [];
  try {
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    const actual = locationToRegion(loc?.LocationConstraint);
    if (actual !== region) {
      return [fail(GROUP, bucket, `is in ${actual}, but the backend looks for it in ${region}; terraform init would fail`, `set state.region to "${actual}" in the config`)];
    }
    out.push(pass(GROUP, bucket, `exists in ${actual}`));
  } catch (e) {
    if (isError(e, "NoSuchBucket", "NotFound")) {
      return [
        fail(
          GROUP,
          bucket,
          "does not exist; Terraform does not create its own state bucket",
          `create it first (docs/deploy.md, step 1): aws s3api create-bucket --bucket ${bucket} --region ${region}, then turn on versioning, default encryption and the public access block`,
        ),
      ];
    }
    return [couldNotCheck(GROUP, bucket, e, "s3:GetBucketLocation")];
  }
  try {
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const algos = (enc?.ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).filter(Boolean);
    if (algos.length) out.push(pass(GROUP, "encryption", `default encryption ${algos.join(", ")}`));
    else out.push(fail(GROUP, "encryption", "has no default encryption", `aws s3api put-bucket-encryption --bucket ${bucket} with SSE-KMS (aws:kms) or at least AES256`));
  } catch (e) {
    if (isError(e, "ServerSideEncryptionConfigurationNotFoundError")) out.push(fail(GROUP, "encryption", "has no default encryption", `aws s3api put-bucket-encryption --bucket ${bucket} with SSE-KMS (aws:kms) or at least AES256`));
    else out.push(couldNotCheck(GROUP, "encryption", e, "s3:GetEncryptionConfiguration"));
  }
  try {
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    if (v?.Status === "Enabled") out.push(pass(GROUP, "versioning", "enabled"));
    else out.push(fail(GROUP, "versioning", `is ${v?.Status ?? "off"}; a corrupted or deleted state could not be recovered`, `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`));
  } catch (e) {
    out.push(couldNotCheck(GROUP, "versioning", e, "s3:GetBucketVersioning"));
  }
  const FIX_PAB = `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
  try {
    const pab = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))?.PublicAccessBlockConfiguration;
    const off = (["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] as const).filter((k) => pab?.[k] !== true);
    if (off.length) out.push(fail(GROUP, "public access block", `${off.join(", ")} not on; state holds resource ids and may hold secrets`, FIX_PAB));
    else out.push(pass(GROUP, "public access block", "all four settings on"));
  } catch (e) {
    if (isError(e, "NoSuchPublicAccessBlockConfiguration")) out.push(fail(GROUP, "public access block", "none is set on the bucket; state holds resource ids and may hold secrets", FIX_PAB));
    else out.push(couldNotCheck(GROUP, "public access block", e, "s3:GetBucketPublicAccessBlock"));
  }
  return out;
}
