import { bucketParts, defaultEncryption } from "../buckets";
import { readPolicy } from "../documents";
import { LB_TYPES } from "../load-balancers";
import { block, bool, isObject, parseReference, PlanResource, PlanView } from "../plan";
import { defineRule } from "../rule";
import { actionMatches, DOCS, referencesIn } from "./support";

export const ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The bucket an `access_logs.bucket` value names: a reference to a bucket of the plan, or a literal name of one. */
function logBucket(plan: PlanView, value: unknown): PlanResource | undefined {
  return plan.target(value, "aws_s3_bucket") ?? plan.resources("aws_s3_bucket").find((b) => typeof value === "string" && b.body.bucket === value);
}

/** Whether a policy Resource lets objects land under `<bucket>/<prefix>/AWSLogs/`. */
function coversLogPath(resource: unknown, bucket: PlanResource, prefix: string): boolean {
  if (typeof resource !== "string") return false;
  const refs = referencesIn(resource);
  const named = refs.includes(bucket.address) || (typeof bucket.body.bucket === "string" && resource.includes(`:::${bucket.body.bucket}/`));
  if (!named) return false;
  const path = resource.replace(/^.*?(\}|:::[^/]+)\//, "");
  const wanted = `${prefix ? `${prefix}/` : ""}AWSLogs/`;
  const re = new RegExp(`^${path.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}`);
  return re.test(`${wanted}123456789012/elasticloadbalancing/`) || path === "*";
}

/**
 * An ALB delivers access logs only to a bucket encrypted with SSE-S3 (AES256) whose policy lets ELB log delivery
 * put objects under `<prefix>/AWSLogs/<account>/`: the service principal logdelivery.elasticloadbalancing.amazonaws.com,
 * or in Regions opened before August 2022 that Region's ELB account. With SSE-KMS, or without the policy, the load
 * balancer reports no error and no log ever arrives.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-005",
    title: "Load balancer access-log buckets use SSE-S3 and let ELB log delivery write",
    severity: "high",
    references: [],
    remediation: `Encrypt the access-log bucket with SSE-S3 (sse_algorithm AES256, not aws:kms) and allow ${ELB_LOG_DELIVERY} (plus the Region's ELB account in Regions opened before August 2022) s3:PutObject on <bucket>/<prefix>/AWSLogs/<account>/*; see ${DOCS.albAccessLogs}`,
  },
  (plan, _ctx, report) => {
    let applicable = false;
    for (const lb of plan.resources(...LB_TYPES)) {
      const logs = block(lb.body.access_logs);
      if (!logs || bool(logs.enabled) !== true) continue;
      applicable = true;
      const bucket = logBucket(plan, logs.bucket);
      if (!bucket) continue; // A bucket outside the plan: checked by the preflight, not here.
      const prefix = typeof logs.prefix === "string" ? logs.prefix.replace(/^\/+|\/+$/g, "") : "";
      for (const e of defaultEncryption(plan, bucket)) {
        if (e.algorithm !== "AES256") report(bucket.address, `receives ${lb.address}'s access logs but its default encryption (${e.source}) is ${String(e.algorithm)}; ELB delivers only to SSE-S3 (AES256) buckets, so no log would arrive`);
      }
      const policies = bucketParts(plan, "aws_s3_bucket_policy", bucket);
      const statements = policies.flatMap((p) => {
        const r = readPolicy(plan, { resource: p, attr: "policy", value: p.body.policy, kind: "resource" });
        return r.ok ? r.statements : [];
      });
      const delivers = statements.some(
        (s) =>
          s.effect === "Allow" &&
          s.actions.some((a) => actionMatches(a, "s3:PutObject")) &&
          isObject(s.principal) &&
          ([s.principal.Service].flat().includes(ELB_LOG_DELIVERY) || [s.principal.AWS].flat().some((a) => typeof a === "string" && (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(a) || parseReference(a)?.type === "aws_elb_service_account"))) &&
          s.resources.some((r) => coversLogPath(r, bucket, prefix)),
      );
      if (!delivers) report(bucket.address, `receives ${lb.address}'s access logs but no bucket policy lets ${ELB_LOG_DELIVERY} put objects under ${prefix ? `${prefix}/` : ""}AWSLogs/, so no log would arrive`);
    }
    return applicable;
  },
);
