import { rule } from "../../../policy/rules/mcp-db-008";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan } from "../fixtures";

describe("MCP-DB-008 PostgreSQL logs exported to a declared log group", () => {
  it("fails no export, an export of upgrade logs only, and an export to a group the plan does not declare", () => {
    expect(lines(judge(rule, dataPlan({ db: { enabled_cloudwatch_logs_exports: undefined } })))).toEqual(['aws_db_instance.gw: exports no logs to CloudWatch; add "postgresql" (connections, errors, failed logins)']);
    expect(lines(judge(rule, dataPlan({ db: { enabled_cloudwatch_logs_exports: ["upgrade"] } })))).toEqual(['aws_db_instance.gw: exports ["upgrade"] to CloudWatch; add "postgresql" (connections, errors, failed logins)']);
    expect(lines(judge(rule, dataPlan({ db: { identifier: "mcp-staging-gateway" } })))).toEqual([
      "aws_db_instance.gw: exports postgresql logs to /aws/rds/instance/mcp-staging-gateway/postgresql, which the plan does not declare: RDS would create it without retention or a customer-managed key",
    ]);
  });

  it("wants a literal identifier, and reads a cluster's log group path", () => {
    expect(lines(judge(rule, dataPlan({ db: { identifier: undefined, identifier_prefix: "mcp-" } })))).toEqual(["aws_db_instance.gw: has identifier unset: the log group RDS writes to (named after it) cannot be matched to one of the plan"]);
    const cluster = plan({
      aws_cloudwatch_log_group: { g: { name: "/aws/rds/cluster/mcp-prod-gateway/postgresql", retention_in_days: 90 } },
      aws_rds_cluster: { c: { cluster_identifier: "mcp-prod-gateway", engine: "aurora-postgresql", enabled_cloudwatch_logs_exports: ["postgresql"] } },
    });
    expect(judge(rule, cluster).verdict).toBe("pass");
  });

  it("passes the fixture", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
  });
});
