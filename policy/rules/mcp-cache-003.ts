import { defineRule } from "../rule";
import { bool, num, show } from "../plan";

/**
 * Multi-AZ needs automatic failover, which needs at least one replica (num_cache_clusters ≥ 2, or
 * replicas_per_node_group ≥ 1 with cluster mode); Context Forge keeps sessions and leader election in the cache.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 */
export const rule = defineRule(
  {
    id: "MCP-CACHE-003",
    title: "Production caches fail over automatically to a replica in another zone (Multi-AZ)",
    severity: "medium",
    references: ["CKV2_AWS_50", "cdk-nag AEC4"],
    remediation: "In prod set automatic_failover_enabled = true, multi_az_enabled = true and num_cache_clusters = 2 or more (subnets in two zones or more).",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const groups = plan.resources("aws_elasticache_replication_group");
    for (const g of groups) {
      if (bool(g.body.automatic_failover_enabled) !== true) report(g.address, `has automatic_failover_enabled ${show(g.body.automatic_failover_enabled)} in prod (default false)`);
      if (bool(g.body.multi_az_enabled) !== true) report(g.address, `has multi_az_enabled ${show(g.body.multi_az_enabled)} in prod (default false)`);
      const nodes = num(g.body.num_cache_clusters) ?? (num(g.body.replicas_per_node_group) !== undefined ? 1 + num(g.body.replicas_per_node_group)! : 1);
      if (nodes < 2) report(g.address, `runs ${nodes} node${nodes === 1 ? "" : "s"} per shard in prod; failover needs a replica (num_cache_clusters 2 or more)`);
    }
    const standalone = plan.resources("aws_elasticache_cluster").filter((c) => c.body.replication_group_id === undefined);
    for (const c of standalone) report(c.address, "is a stand-alone cache cluster in prod: it has no replica to fail over to");
    return groups.length + standalone.length > 0;
  },
);
