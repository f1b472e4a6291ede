import { defineRule } from "../rule";
import { bool, show, unverifiable, isInterpolated } from "../plan";
import { customerKeyProblem } from "../kms";
import { dataOwners, isReplica } from "../databases";

/**
 * Aurora members and read replicas are encrypted as their cluster or source is; they are judged there. RDS encrypts
 * with the aws/rds key when storage_encrypted is true and kms_key_id is unset, so both are needed.
 */
export const rule = defineRule(
  {
    id: "MCP-DB-001",
    title: "Databases are encrypted at rest with a customer-managed KMS key",
    severity: "high",
    references: ["CKV_AWS_16", "CKV_AWS_96", "CKV_AWS_327", "AWS-0079", "AWS-0080", "cdk-nag RDS2"],
    remediation: "Set storage_encrypted = true and kms_key_id = the environment's EncryptionKey ARN on the DB instance or cluster (encryption cannot be added after creation).",
  },
  (plan, _ctx, report) => {
    const dbs = dataOwners(plan).filter((r) => !isReplica(r));
    for (const db of dbs) {
      const enc = db.body.storage_encrypted;
      if (isInterpolated(enc)) report(db.address, unverifiable("storage_encrypted", enc));
      else if (bool(enc) !== true) report(db.address, `has storage_encrypted ${show(enc)} (default false): its storage, backups and snapshots are unencrypted`);
      const p = customerKeyProblem(plan, "kms_key_id", db.body.kms_key_id);
      if (p) report(db.address, p);
    }
    return dbs.length > 0;
  },
);
