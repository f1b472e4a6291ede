import { defineRule } from "../rule";
import { show, unverifiable } from "../plan";
import { dataOwners, isPostgres, parameterGroupAttr, parameterValue } from "../databases";

/**
 * PostgreSQL refuses clients without TLS only when `rds.force_ssl` is 1 in the parameter group the database uses.
 * RDS for PostgreSQL 15 and later default it to 1, but a default parameter group cannot be read from the plan, and an
 * older engine or a custom group silently allows plain connections: the rule wants it explicit.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
 */
export const rule = defineRule(
  {
    id: "MCP-DB-005",
    title: "PostgreSQL databases refuse connections without TLS (rds.force_ssl = 1)",
    severity: "high",
    references: ["CKV2_AWS_69"],
    remediation: 'Attach a parameter group of the plan (aws_db_parameter_group for an instance, aws_rds_cluster_parameter_group for a cluster) with parameter { name = "rds.force_ssl", value = "1" }.',
  },
  (plan, _ctx, report) => {
    const dbs = dataOwners(plan).filter((r) => isPostgres(r.body.engine));
    for (const db of dbs) {
      const { attr, type } = parameterGroupAttr(db);
      const v = db.body[attr];
      if (v === undefined) {
        report(db.address, `sets no ${attr}: the default parameter group cannot be shown to set rds.force_ssl = 1`);
        continue;
      }
      const group = plan.target(v, type);
      if (!group) {
        report(db.address, typeof v === "string" && !v.includes("${") ? `uses the parameter group ${show(v)}, which is not in the plan, so rds.force_ssl cannot be verified` : unverifiable(attr, v));
        continue;
      }
      const ssl = plan.resolve(parameterValue(group, "rds.force_ssl"));
      if (String(ssl) !== "1") report(db.address, `uses ${group.address}, whose rds.force_ssl is ${show(ssl)}: clients may connect without TLS`);
    }
    return dbs.length > 0;
  },
);
