import { defineRule } from "../rule";
import { isInterpolated, show } from "../plan";
import { dataOwners, isPostgres } from "../databases";

/**
 * RDS publishes exported logs to `/aws/rds/instance/<identifier>/<log type>` (Aurora and Multi-AZ DB clusters:
 * `/aws/rds/cluster/<identifier>/<log type>`), creating that group itself when it does not exist: without retention
 * and without a customer key. The plan must declare the group under that exact name (literal, so Terraform creates
 * it before the database starts exporting), and MCP-LOG-001/002 then judge its retention and key.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
 */
export const rule = defineRule(
  {
    id: "MCP-DB-008",
    title: "PostgreSQL databases export their logs to a CloudWatch log group the plan declares (retention and key)",
    severity: "medium",
    references: ["CKV_AWS_129", "CKV_AWS_324"],
    remediation:
      'Set enabled_cloudwatch_logs_exports = ["postgresql"] and declare aws_cloudwatch_log_group "/aws/rds/instance/<identifier>/postgresql" (cluster: "/aws/rds/cluster/<identifier>/postgresql") with the kit\'s retention and key, which the database depends on.',
  },
  (plan, _ctx, report) => {
    const dbs = dataOwners(plan).filter((r) => isPostgres(r.body.engine));
    const names = new Set(
      plan
        .resources("aws_cloudwatch_log_group")
        .map((g) => plan.resolve(g.body.name))
        .filter((n): n is string => typeof n === "string"),
    );
    for (const db of dbs) {
      const exports = db.body.enabled_cloudwatch_logs_exports;
      const list: unknown[] = Array.isArray(exports) ? exports : [];
      if (isInterpolated(exports)) {
        report(db.address, `enabled_cloudwatch_logs_exports is ${show(exports)}, which is only known at apply time and cannot be verified`);
        continue;
      }
      if (!list.includes("postgresql")) {
        report(db.address, `exports ${list.length ? show(list) : "no logs"} to CloudWatch; add "postgresql" (connections, errors, failed logins)`);
        continue;
      }
      const idAttr = db.type === "aws_rds_cluster" ? "cluster_identifier" : "identifier";
      const id = db.body[idAttr];
      if (typeof id !== "string" || id.includes("${")) {
        report(db.address, `has ${idAttr} ${show(id)}: the log group RDS writes to (named after it) cannot be matched to one of the plan`);
        continue;
      }
      const expected = `/aws/rds/${db.type === "aws_rds_cluster" ? "cluster" : "instance"}/${id.toLowerCase()}/postgresql`;
      if (!names.has(expected)) report(db.address, `exports postgresql logs to ${expected}, which the plan does not declare: RDS would create it without retention or a customer-managed key`);
    }
    return dbs.length > 0;
  },
);
