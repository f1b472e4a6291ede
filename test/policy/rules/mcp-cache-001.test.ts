import { rule } from "../../../policy/rules/mcp-cache-001";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-CACHE-001 caches encrypted at rest with a customer key and TLS required", () => {
  it("fails no transit encryption, the preferred mode, at-rest encryption off and no customer key", () => {
    expect(lines(judge(rule, dataPlan({ cache: { transit_encryption_enabled: undefined, at_rest_encryption_enabled: false, kms_key_id: undefined } })))).toEqual([
      "aws_elasticache_replication_group.gw: has transit_encryption_enabled unset (default false): clients and replicas talk in plain text",
      "aws_elasticache_replication_group.gw: has at_rest_encryption_enabled false: snapshots and swapped data are unencrypted",
      "aws_elasticache_replication_group.gw: sets no kms_key_id, so it is not encrypted with a customer-managed key",
    ]);
    expect(lines(judge(rule, dataPlan({ cache: { transit_encryption_mode: "preferred" } })))).toEqual(['aws_elasticache_replication_group.gw: has transit_encryption_mode preferred: only "required" refuses connections without TLS']);
  });

  it("fails a stand-alone cache cluster and judges member clusters through their group", () => {
    const p = plan({
      aws_elasticache_cluster: { solo: { cluster_id: "mcp-dev-cache", engine: "redis", transit_encryption_enabled: true }, member: { cluster_id: "m", replication_group_id: ref("aws_elasticache_replication_group.gw") } },
    });
    expect(lines(judge(rule, p))).toEqual(["aws_elasticache_cluster.solo: is a stand-alone cache cluster, which cannot be encrypted at rest with a customer-managed key; use an aws_elasticache_replication_group"]);
  });

  it("passes the fixture (required mode set or not) and is quiet without caches", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ cache: { transit_encryption_mode: "required" } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_kms_key: { k: {} } })).verdict).toBe("not-applicable");
  });
});
