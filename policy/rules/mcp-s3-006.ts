import { defineRule } from "../rule";
import { bucketParts } from "../buckets";
import { readPolicy, statementName } from "../documents";
import { bool, isObject, show } from "../plan";

/**
 * A bucket policy that lets anyone (Principal "*") do something is public unless it is limited to fixed values S3
 * recognises (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status);
 * the kit's one such grant, the JWKS (constructs/jwks-bucket.ts), is s3:GetObject limited by aws:SourceVpce to the
 * VPC's own S3 endpoint, with all four Block Public Access settings on: readable without credentials from inside the
 * isolated VPC, by no one outside it.
 */
export const rule = defineRule(
  {
    id: "MCP-S3-006",
    title: "A bucket anyone may read is read only through the VPC's own S3 endpoint, with Block Public Access on",
    severity: "high",
    references: ["AWS-0086", "AWS-0087", "AWS-0093", "CKV_AWS_70"],
    remediation: 'Limit each Allow to Principal "*" to s3:GetObject on named objects with Condition StringEquals aws:SourceVpce = the aws_vpc_endpoint of the VPC\'s S3 gateway endpoint, and turn on all four public access block settings.',
  },
  (plan, _ctx, report) => {
    let applies = false;
    for (const b of plan.resources("aws_s3_bucket")) {
      for (const p of bucketParts(plan, "aws_s3_bucket_policy", b)) {
        const read = readPolicy(plan, { resource: p, attr: "policy", value: p.body.policy, kind: "resource" });
        if (!read.ok) continue;
        read.statements.forEach((s, i) => {
          const anyone = s.principal === "*" || (isObject(s.principal) && [s.principal.AWS].flat().includes("*"));
          if (s.effect !== "Allow" || !anyone) return;
          applies = true;
          const where = `${p.address} ${statementName(s, i)}`;
          const bad = s.actions.filter((a) => a !== "s3:GetObject");
          if (bad.length || s.notActions.length) report(b.address, `${where} lets anyone ${show(bad.length ? bad : s.notActions)}; only s3:GetObject`);
          if (s.resources.some((r) => typeof r === "string" && /\/\*$|^\*$/.test(r))) report(b.address, `${where} covers every object (${show(s.resources)}); name the objects`);
          const vpce = isObject(s.condition.StringEquals) ? s.condition.StringEquals["aws:SourceVpce"] : undefined;
          if (vpce === undefined) report(b.address, `${where} lets anyone read without an aws:SourceVpce condition`);
          else if (![vpce].flat().every((v) => plan.target(v, "aws_vpc_endpoint"))) report(b.address, `${where} names aws:SourceVpce ${show(vpce)}, not an S3 endpoint of this plan`);
          const bpa = bucketParts(plan, "aws_s3_bucket_public_access_block", b);
          const flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
          if (!bpa.some((x) => flags.every((f) => bool(x.body[f]) === true))) report(b.address, "is readable by anyone but does not turn on all four public access block settings");
        });
      }
    }
    return applies;
  },
);
