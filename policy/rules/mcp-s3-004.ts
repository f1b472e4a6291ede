import { defineRule } from "../rule";
import { bucketParts } from "../buckets";
import { PolicyStatement, readPolicy } from "../documents";
import { isObject } from "../plan";

/**
 * A Deny to everyone of every S3 action (`s3:*` or `*`) when aws:SecureTransport is false, as AWS's own example and
 * cdk-nag S10 have it. A list of object actions is not enough: bucket settings, ACLs and policies stay open over HTTP.
 */
export function deniesInsecureTransport(s: PolicyStatement): boolean {
  if (s.effect !== "Deny") return false;
  const allActions = s.actions.some((a) => a === "*" || a === "s3:*");
  const everyone = s.principal === "*" || (isObject(s.principal) && [s.principal.AWS].flat().includes("*"));
  const cond = ["Bool", "BoolIfExists"].some((op) => {
    const v = isObject(s.condition[op]) ? s.condition[op]["aws:SecureTransport"] : undefined;
    return [v].flat().some((x) => x === false || x === "false");
  });
  return allActions && everyone && cond;
}

export const rule = defineRule(
  {
    id: "MCP-S3-004",
    title: "S3 bucket policies deny every request not made over TLS",
    severity: "medium",
    references: ["cdk-nag S10"],
    remediation: 'Attach a bucket policy with a Deny to Principal "*" of s3:* on the bucket and its objects when aws:SecureTransport is "false" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).',
  },
  (plan, _ctx, report) => {
    const buckets = plan.resources("aws_s3_bucket");
    for (const b of buckets) {
      const policies = bucketParts(plan, "aws_s3_bucket_policy", b);
      if (policies.length === 0) {
        report(b.address, "has no aws_s3_bucket_policy, so requests over plain HTTP are allowed");
        continue;
      }
      let ok = false;
      for (const p of policies) {
        const read = readPolicy(plan, { resource: p, attr: "policy", value: p.body.policy, kind: "resource" });
        if (!read.ok) report(b.address, `${p.address} ${read.why}`);
        else if (read.statements.some(deniesInsecureTransport)) ok = true;
      }
      if (!ok && policies.every((p) => readPolicy(plan, { resource: p, attr: "policy", value: p.body.policy, kind: "resource" }).ok)) report(b.address, "has a bucket policy without a Deny of s3:* on aws:SecureTransport = false");
    }
    return buckets.length > 0;
  },
);
