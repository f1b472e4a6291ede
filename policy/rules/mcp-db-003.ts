import { defineRule } from "../rule";
import { bool, num, show, unverifiable } from "../plan";
import { dataOwners, isReplica } from "../databases";

export const MIN_BACKUP_DAYS = 7;

/**
 * backup_retention_period defaults to 1 day for an instance created through the API (7 in the console) and 1 for a
 * cluster; a read replica keeps no automated backups of its own unless asked, so it is left out.
 */
export const rule = defineRule(
  {
    id: "MCP-DB-003",
    title: "Databases keep automated backups at least 7 days and copy their tags to snapshots",
    severity: "medium",
    references: ["CKV_AWS_133", "AWS-0077", "CKV_AWS_313", "CKV2_AWS_60", "cdk-nag RDS13"],
    remediation: "Set backup_retention_period to 7 or more (up to 35) and copy_tags_to_snapshot = true on the DB instance or cluster.",
  },
  (plan, _ctx, report) => {
    const dbs = dataOwners(plan).filter((r) => !isReplica(r));
    for (const db of dbs) {
      const v = db.body.backup_retention_period;
      const days = num(v);
      if (v !== undefined && days === undefined) report(db.address, unverifiable("backup_retention_period", v));
      else if ((days ?? 1) < MIN_BACKUP_DAYS) report(db.address, `keeps automated backups ${show(v ?? 1)} days${v === undefined ? " (the default)" : ""}; at least ${MIN_BACKUP_DAYS} are needed`);
      // Aurora clusters copy tags by cluster, instances by instance; both default to false.
      if (bool(db.body.copy_tags_to_snapshot) !== true) report(db.address, `has copy_tags_to_snapshot ${show(db.body.copy_tags_to_snapshot)} (default false): snapshots lose the environment and owner tags`);
    }
    return dbs.length > 0;
  },
);
