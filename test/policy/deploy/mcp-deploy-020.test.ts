import { rule } from "../../../policy/deploy/mcp-deploy-020";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DEPLOY-020 database and cache option combinations AWS accepts", () => {
  it("fails an AUTH token without TLS, Multi-AZ without failover, failover without a replica, and a managed plus a given password", () => {
    const r = judge(
      rule,
      dataPlan({
        cache: { transit_encryption_enabled: false, auth_token: ref("data.aws_secretsmanager_secret_version.cache", "secret_string"), automatic_failover_enabled: undefined },
        db: { password_wo: "${ephemeral.aws_secretsmanager_secret_version.db.secret_string}" },
        extra: { aws_elasticache_replication_group: { one: { replication_group_id: "one", automatic_failover_enabled: true, num_cache_clusters: 1 } } },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_elasticache_replication_group.gw: sets auth_token without transit_encryption_enabled = true; ElastiCache refuses an AUTH token on a group without in-transit encryption",
      "aws_elasticache_replication_group.gw: sets multi_az_enabled without automatic_failover_enabled; ElastiCache refuses Multi-AZ without automatic failover",
      "aws_elasticache_replication_group.one: enables automatic failover with num_cache_clusters 1; ElastiCache needs a replica to fail over to (2 or more)",
      "aws_db_instance.gw: sets manage_master_user_password together with password_wo; RDS refuses both at once",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html");
  });

  it("passes the fixture and is quiet without databases or caches", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, plan({})).verdict).toBe("not-applicable");
  });
});
