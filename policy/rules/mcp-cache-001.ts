import { defineRule } from "../rule";
import { bool, isInterpolated, show, unverifiable } from "../plan";
import { customerKeyProblem } from "../kms";
import { caches } from "../databases";

/**
 * `transit_encryption_mode = "preferred"` accepts plain connections beside TLS (meant only for migrating a running
 * cluster); "required", or unset on a new group with transit encryption on, refuses them. A stand-alone
 * aws_elasticache_cluster cannot be encrypted at rest with a customer key: only a replication group can.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
 */
export const rule = defineRule(
  {
    id: "MCP-CACHE-001",
    title: "Caches are encrypted at rest with a customer-managed key and require TLS in transit",
    severity: "high",
    references: ["CKV_AWS_29", "CKV_AWS_30", "CKV_AWS_191", "AWS-0045", "AWS-0051", "cdk-nag AEC3"],
    remediation: 'Use an aws_elasticache_replication_group with at_rest_encryption_enabled = true, kms_key_id = the environment\'s EncryptionKey ARN, transit_encryption_enabled = true and transit_encryption_mode unset or "required".',
  },
  (plan, _ctx, report) => {
    const list = caches(plan);
    for (const c of list) {
      const transit = c.body.transit_encryption_enabled;
      if (isInterpolated(transit)) report(c.address, unverifiable("transit_encryption_enabled", transit));
      else if (bool(transit) !== true) report(c.address, `has transit_encryption_enabled ${show(transit)} (default false): clients and replicas talk in plain text`);
      const mode = c.body.transit_encryption_mode;
      if (mode !== undefined && mode !== "required") report(c.address, `has transit_encryption_mode ${show(mode)}: only "required" refuses connections without TLS`);
      if (c.type === "aws_elasticache_cluster") {
        report(c.address, "is a stand-alone cache cluster, which cannot be encrypted at rest with a customer-managed key; use an aws_elasticache_replication_group");
        continue;
      }
      const rest = c.body.at_rest_encryption_enabled;
      if (isInterpolated(rest)) report(c.address, unverifiable("at_rest_encryption_enabled", rest));
      // Valkey and Redis OSS 7+ groups are encrypted at rest by default, but only a kms_key_id makes the key the kit's.
      else if (bool(rest) === false) report(c.address, "has at_rest_encryption_enabled false: snapshots and swapped data are unencrypted");
      const p = customerKeyProblem(plan, "kms_key_id", c.body.kms_key_id);
      if (p) report(c.address, p);
    }
    return list.length > 0;
  },
);
