import { defineRule } from "../rule";
import { bool, isInterpolated } from "../plan";
import { dataOwners, isReplica } from "../databases";
import { customerKeyProblem } from "../kms";

/**
 * Terraform stores `password` / `master_password` in its state whatever its source, and a literal also sits in
 * cdk.tf.json. RDS can instead generate and rotate the master password in Secrets Manager
 * (`manage_master_user_password`), or Terraform can pass one it never stores through a write-only attribute
 * (`password_wo` / `master_password_wo`, set from an ephemeral value, never a literal).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 * https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments
 */
export const rule = defineRule(
  {
    id: "MCP-DB-006",
    title: "Database master passwords are never in the plan or the state (RDS-managed or write-only)",
    severity: "critical",
    references: [],
    remediation: "Set manage_master_user_password = true (with master_user_secret_kms_key_id = the environment key) and remove password / master_password; IAM database authentication may be added for the application user.",
  },
  (plan, _ctx, report) => {
    const dbs = dataOwners(plan).filter((r) => !isReplica(r) && r.body.snapshot_identifier === undefined);
    for (const db of dbs) {
      const plain = db.type === "aws_rds_cluster" ? "master_password" : "password";
      const wo = `${plain}_wo`;
      if (db.body[plain] !== undefined) report(db.address, `sets ${plain}${isInterpolated(db.body[plain]) ? "" : " to a literal"}: Terraform writes it to its state${isInterpolated(db.body[plain]) ? "" : " and it is in cdk.tf.json"}`);
      if (db.body[wo] !== undefined && !isInterpolated(db.body[wo])) report(db.address, `sets ${wo} to a literal: it is in cdk.tf.json`);
      const managed = bool(db.body.manage_master_user_password) === true;
      if (managed) {
        // The secret RDS creates is otherwise under aws/secretsmanager, which no key policy of the kit governs (CKV_AWS_149).
        const p = customerKeyProblem(plan, "master_user_secret_kms_key_id", db.body.master_user_secret_kms_key_id);
        if (p) report(db.address, `manages its master password in Secrets Manager but ${p}`);
      }
      if (!managed && db.body[plain] === undefined && db.body[wo] === undefined) report(db.address, `sets neither manage_master_user_password nor ${wo}: RDS needs a master password source`);
    }
    return dbs.length > 0;
  },
);
