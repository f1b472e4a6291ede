import { rule } from "../../../policy/deploy/mcp-deploy-008";
import { NAME_LIMITS, nameProblem } from "../../../policy/deploy/names";
import { judge, lines, plan } from "../fixtures";

const limit = (type: string, attr: string) => NAME_LIMITS.find((l) => l.type === type && l.attr === attr)!;

describe("MCP-DEPLOY-008 names AWS accepts", () => {
  it("fails names too long, with refused characters or reserved forms", () => {
    const r = judge(
      rule,
      plan({
        aws_lb: { lb: { name: "mcp-production-east-internal-alb1" } },
        aws_lb_target_group: { tg: { name: "mcp_prod_tier" } },
        aws_iam_role: { role: { name: `mcp-${"x".repeat(61)}` } },
        aws_s3_bucket: { upper: { bucket: "MCP-Prod-Logs" }, ip: { bucket: "10.0.0.1" } },
        aws_secretsmanager_secret: { s: { name: "mcp/prod/api key" } },
        aws_cloudwatch_log_group: { g: { name: "/mcp/prod/server:1" } },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_lb.lb: name "mcp-production-east-internal-alb1" has 33 characters; AWS accepts 1–32 (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html)',
      'aws_lb_target_group.tg: name "mcp_prod_tier" has characters AWS refuses; allowed: letters, digits and hyphens, not starting or ending with a hyphen (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html)',
      `aws_iam_role.role: name "mcp-${"x".repeat(61)}" has 65 characters; AWS accepts 1–64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)`,
      'aws_s3_bucket.upper: bucket "MCP-Prod-Logs" has characters AWS refuses; allowed: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)',
      'aws_s3_bucket.ip: bucket "10.0.0.1" must not look like an IP address (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)',
      'aws_secretsmanager_secret.s: name "mcp/prod/api key" has characters AWS refuses; allowed: letters, digits and /_+=.@- (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html)',
      'aws_cloudwatch_log_group.g: name "/mcp/prod/server:1" has characters AWS refuses; allowed: letters, digits and ._-/# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html)',
    ]);
  });

  it("passes the kit's names at their longest (12-character environment, 9-character tier id)", () => {
    const env = "abcdefghijkl";
    const r = judge(
      rule,
      plan({
        aws_lb: { lb: { name: `mcp-${env}` } },
        aws_lb_target_group: { tg: { name: `mcp-${env}-ro-0a1b2c` }, gw: { name: `mcp-${env}-gateway` } },
        aws_iam_role: { role: { name: `mcp-${env}-rw-0a1b2c-execution` } },
        aws_s3_bucket: { logs: { bucket: `mcp-${env}-alb-logs-123456789012-ap-southeast-3` } },
        aws_secretsmanager_secret: { s: { name: `mcp/${env}/agent-token/${"a".repeat(24)}` }, ptc: { name: `ecr-pullthroughcache/mcp-${env}-ghcr` } },
        aws_cloudwatch_log_group: { g: { name: `/mcp/${env}/lambda-secret-age-check` } },
        aws_ecr_pull_through_cache_rule: { r: { ecr_repository_prefix: `mcp-${env}-ghcr` } },
        aws_kms_alias: { a: { name: `alias/mcp-${env}` } },
      }),
    );
    expect(lines(r)).toEqual([]);
  });

  it("checks only the literal part of a name that holds an expression", () => {
    expect(nameProblem(limit("aws_lb", "name"), "mcp-${var.env}")).toBeUndefined();
    expect(nameProblem(limit("aws_lb", "name"), `${"x".repeat(33)}\${var.env}`)).toMatch(/longer than 32 characters even before/);
    expect(nameProblem(limit("aws_kms_alias", "name"), "alias/aws/mcp")).toBe('name "alias/aws/mcp" must not start with alias/aws/ (reserved for AWS managed keys)');
  });
  it("holds RDS and ElastiCache identifiers to AWS's rules (a letter first, no double or trailing hyphen, 63 / 40 / 50 characters)", () => {
    const r = judge(
      rule,
      plan({
        aws_db_instance: { db: { identifier: "1-mcp-prod" }, ok: { identifier: `m${"x".repeat(62)}` } },
        aws_rds_cluster: { c: { cluster_identifier: "mcp--prod" } },
        aws_elasticache_replication_group: { rg: { replication_group_id: `mcp-${"abcdefghijkl"}-gateway-cache-abcdefghij` }, end: { replication_group_id: "mcp-prod-" } },
        aws_elasticache_cluster: { ok: { cluster_id: `m${"x".repeat(49)}` } },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_db_instance.db: identifier "1-mcp-prod" has characters AWS refuses; allowed: letters, digits and hyphens, starting with a letter (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html)',
      'aws_rds_cluster.c: cluster_identifier "mcp--prod" must not contain two consecutive hyphens (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html)',
      'aws_elasticache_replication_group.rg: replication_group_id "mcp-abcdefghijkl-gateway-cache-abcdefghij" has 41 characters; AWS accepts 1–40 (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)',
      'aws_elasticache_replication_group.end: replication_group_id "mcp-prod-" must not end with a hyphen (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)',
    ]);
  });
});
