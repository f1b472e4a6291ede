/** S3 buckets: versioning, encryption, lifecycle, public access blocks, object lock, TLS-only policy, access logging. */
import type { BucketFact } from "../facts";
import { byKey } from "../markdown";
import { blocks, bool, literal, num, PlanIndex, Res } from "../plan-index";
import { keyLabel } from "./labels";

const PUBLIC_ACCESS_BLOCKS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

function bucketFact(idx: PlanIndex, b: Res): BucketFact {
  const related = (type: string) => idx.referencingVia(b, type, (x) => x.bucket);
  const ver = related("aws_s3_bucket_versioning")[0];
  const verStatus = ver ? (literal(blocks(ver.body.versioning_configuration)[0]?.status) ?? "?") : blocks(b.body.versioning)[0] && bool(blocks(b.body.versioning)[0].enabled) ? "Enabled" : "not configured";
  const sse = related("aws_s3_bucket_server_side_encryption_configuration")[0];
  const def = sse ? blocks(sse.body.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default))[0] : undefined;
  const algorithm = def ? (literal(def.sse_algorithm) ?? "?") : undefined;
  const key = def && def.kms_master_key_id !== undefined ? keyLabel(idx, def.kms_master_key_id, "aws/s3") : undefined;
  const encryption = !algorithm ? "S3 default (SSE-S3)" : algorithm === "AES256" ? "SSE-S3 (AES256)" : `${algorithm === "aws:kms:dsse" ? "DSSE-KMS" : "SSE-KMS"} with ${key?.label ?? "aws/s3 (AWS managed)"}`;
  const lc = related("aws_s3_bucket_lifecycle_configuration")[0];
  const enabledRules = lc ? blocks(lc.body.rule).filter((r) => literal(r.status) !== "Disabled") : [];
  const expiration = enabledRules.map((r) => num(blocks(r.expiration)[0]?.days)).filter((d): d is number => d !== undefined);
  const noncurrent = enabledRules.map((r) => num(blocks(r.noncurrent_version_expiration)[0]?.noncurrent_days)).filter((d): d is number => d !== undefined);
  const pab = related("aws_s3_bucket_public_access_block")[0];
  const blocked = pab ? PUBLIC_ACCESS_BLOCKS.filter((k) => bool(pab.body[k]) === true).length : 0;
  const lock = related("aws_s3_bucket_object_lock_configuration")[0];
  const lockRule = lock ? blocks(lock.body.rule).flatMap((r) => blocks(r.default_retention))[0] : undefined;
  const policies = related("aws_s3_bucket_policy").map((p) => (typeof p.body.policy === "string" ? p.body.policy : JSON.stringify(p.body.policy ?? "")));
  const tlsOnly = policies.some((p) => p.includes("aws:SecureTransport") && p.includes("Deny"));
  const logging = related("aws_s3_bucket_logging")[0];
  const logTarget = logging && idx.target(logging.body.target_bucket, "aws_s3_bucket");
  const receivesLogs = idx.referencingVia(b, "aws_s3_bucket_logging", (x) => x.target_bucket).length > 0 || idx.all("aws_lb").some((lb) => blocks(lb.body.access_logs).some((a) => idx.target(a.bucket) === b));
  const accessLogging = logging ? `to ${logTarget ? (literal(logTarget.body.bucket) ?? logTarget.address) : "?"} under ${literal(logging.body.target_prefix) ?? "?"}` : receivesLogs ? "receives logs" : "off";
  return {
    address: b.address,
    name: literal(b.body.bucket) ?? (literal(b.body.bucket_prefix) ? `${literal(b.body.bucket_prefix)}…` : b.address),
    versioning: verStatus,
    encryption,
    customerKey: !!key?.customer,
    expirationDays: expiration.length ? Math.min(...expiration) : undefined,
    noncurrentDays: noncurrent.length ? Math.min(...noncurrent) : undefined,
    publicAccessBlocked: blocked,
    objectLock: lockRule ? `${literal(lockRule.mode) ?? "?"} ${num(lockRule.days) ?? num(lockRule.years) ?? "?"}${lockRule.years !== undefined ? " years" : " days"}` : bool(b.body.object_lock_enabled) ? "enabled, no default retention" : undefined,
    tlsOnly,
    accessLogging,
  };
}

/** Every bucket, sorted by name. */
export function bucketFacts(idx: PlanIndex): BucketFact[] {
  return idx
    .all("aws_s3_bucket")
    .map((b) => bucketFact(idx, b))
    .sort(byKey((b) => b.name));
}
