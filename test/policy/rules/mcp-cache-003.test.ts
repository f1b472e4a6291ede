import { rule } from "../../../policy/rules/mcp-cache-003";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan } from "../fixtures";

describe("MCP-CACHE-003 prod caches fail over across zones", () => {
  it("fails a single-node prod group without failover or Multi-AZ, and a stand-alone cluster", () => {
    const r = judge(rule, dataPlan({ cache: { num_cache_clusters: 1, automatic_failover_enabled: undefined, multi_az_enabled: false }, extra: { aws_elasticache_cluster: { solo: { cluster_id: "x", engine: "valkey" } } } }), { stage: "prod" });
    expect(lines(r)).toEqual([
      "aws_elasticache_replication_group.gw: has automatic_failover_enabled unset in prod (default false)",
      "aws_elasticache_replication_group.gw: has multi_az_enabled false in prod (default false)",
      "aws_elasticache_replication_group.gw: runs 1 node per shard in prod; failover needs a replica (num_cache_clusters 2 or more)",
      "aws_elasticache_cluster.solo: is a stand-alone cache cluster in prod: it has no replica to fail over to",
    ]);
  });

  it("counts replicas of a sharded group", () => {
    expect(judge(rule, dataPlan({ cache: { num_cache_clusters: undefined, num_node_groups: 2, replicas_per_node_group: 1 } }), { stage: "prod" }).verdict).toBe("pass");
    expect(lines(judge(rule, dataPlan({ cache: { num_cache_clusters: undefined, num_node_groups: 2, replicas_per_node_group: 0 } }), { stage: "prod" }))).toEqual([
      "aws_elasticache_replication_group.gw: runs 1 node per shard in prod; failover needs a replica (num_cache_clusters 2 or more)",
    ]);
  });

  it("passes the fixture in prod and applies only in prod", () => {
    expect(judge(rule, dataPlan(), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ cache: { num_cache_clusters: 1 } }), { stage: "dev" }).verdict).toBe("not-applicable");
    expect(judge(rule, plan({}), { stage: "prod" }).verdict).toBe("not-applicable");
  });
});
