import { defineRule } from "../rule";
import { bool, isInterpolated, num, show, unverifiable } from "../plan";
import { clusterInstances, dataOwners } from "../databases";

/**
 * Multi-AZ: an RDS instance has `multi_az`; an Aurora cluster is Multi-AZ when it has two or more instances (a
 * reader in another zone is promoted on failure); a Multi-AZ DB cluster (`db_cluster_instance_class` set, engine
 * postgres) always runs a writer and two readers in three zones.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
 */
export const rule = defineRule(
  {
    id: "MCP-DB-004",
    title: "Production databases are Multi-AZ, protected from deletion and keep a final snapshot",
    severity: "high",
    references: ["CKV_AWS_157", "CKV_AWS_293", "CKV_AWS_139", "AWS-0177", "AWS-0343", "cdk-nag RDS3", "cdk-nag RDS10"],
    remediation: "In prod set deletion_protection = true, skip_final_snapshot = false (with a final_snapshot_identifier), and multi_az = true on an instance (an Aurora cluster needs two or more aws_rds_cluster_instance).",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    const dbs = dataOwners(plan);
    for (const db of dbs) {
      const dp = db.body.deletion_protection;
      if (isInterpolated(dp)) report(db.address, unverifiable("deletion_protection", dp));
      else if (bool(dp) !== true) report(db.address, `has deletion_protection ${show(dp)} in prod (default false): one destroy or replacement deletes the gateway's data`);
      if (bool(db.body.skip_final_snapshot) === true) report(db.address, "sets skip_final_snapshot = true in prod: a destroy leaves no snapshot to restore from");
      if (db.type === "aws_db_instance") {
        const m = db.body.multi_az;
        if (isInterpolated(m)) report(db.address, unverifiable("multi_az", m));
        else if (bool(m) !== true) report(db.address, `has multi_az ${show(m)} in prod (default false): a zone failure takes the database down`);
      } else if (db.body.db_cluster_instance_class === undefined) {
        const members = clusterInstances(plan, db);
        const counted = members.reduce((n, i) => n + (num(i.body.count) ?? 1), 0);
        if (counted < 2) report(db.address, `has ${counted} instance${counted === 1 ? "" : "s"} in prod; an Aurora cluster needs two or more (in different zones) to fail over`);
      }
    }
    return dbs.length > 0;
  },
);
