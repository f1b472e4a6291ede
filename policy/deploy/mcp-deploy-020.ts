import { bool, isInterpolated, num } from "../plan";
import { defineRule } from "../rule";
import { dataOwners } from "../databases";

const CACHE_DOC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html";
const RDS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html";

/**
 * Option combinations RDS and ElastiCache refuse at create time:
 * - AuthToken "can be specified only on replication groups where TransitEncryptionEnabled is true"; MultiAZEnabled
 *   needs AutomaticFailoverEnabled, and automatic failover needs a replica (NumCacheClusters ≥ 2 with cluster mode
 *   disabled) (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html).
 * - ManageMasterUserPassword "can't" be combined with MasterUserPassword
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-020",
    title: "Database and cache options are combinations RDS and ElastiCache accept",
    severity: "high",
    references: [],
    remediation: `On a replication group, turn transit_encryption_enabled on with auth_token, automatic_failover_enabled on with multi_az_enabled, and run num_cache_clusters >= 2 with automatic failover (${CACHE_DOC}); on a database, drop password when manage_master_user_password is true (${RDS_DOC}).`,
  },
  (plan, _ctx, report) => {
    const groups = plan.resources("aws_elasticache_replication_group");
    for (const g of groups) {
      const b = g.body;
      if (b.auth_token !== undefined && bool(b.transit_encryption_enabled) !== true && !isInterpolated(b.transit_encryption_enabled))
        report(g.address, "sets auth_token without transit_encryption_enabled = true; ElastiCache refuses an AUTH token on a group without in-transit encryption");
      if (bool(b.multi_az_enabled) === true && bool(b.automatic_failover_enabled) !== true) report(g.address, "sets multi_az_enabled without automatic_failover_enabled; ElastiCache refuses Multi-AZ without automatic failover");
      const nodes = num(b.num_cache_clusters);
      const sharded = b.num_node_groups !== undefined || b.replicas_per_node_group !== undefined;
      if (bool(b.automatic_failover_enabled) === true && !sharded && (nodes ?? 1) < 2) report(g.address, `enables automatic failover with num_cache_clusters ${nodes ?? "unset (1)"}; ElastiCache needs a replica to fail over to (2 or more)`);
    }
    const dbs = dataOwners(plan);
    for (const db of dbs) {
      const plain = db.type === "aws_rds_cluster" ? "master_password" : "password";
      if (bool(db.body.manage_master_user_password) === true && (db.body[plain] !== undefined || db.body[`${plain}_wo`] !== undefined))
        report(db.address, `sets manage_master_user_password together with ${db.body[plain] !== undefined ? plain : `${plain}_wo`}; RDS refuses both at once`);
    }
    return groups.length + dbs.length > 0;
  },
);
