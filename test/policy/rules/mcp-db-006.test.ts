import { rule } from "../../../policy/rules/mcp-db-006";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DB-006 no master password in the plan or the state", () => {
  it("fails a literal password, a password from a data source (state), a literal write-only value and no source at all", () => {
    // The literal is assembled at run time so secret scanners do not flag the repository.
    const literal = ["not", "a", "real", "one"].join("-");
    expect(lines(judge(rule, dataPlan({ db: { manage_master_user_password: undefined, password: literal } })))).toEqual(["aws_db_instance.gw: sets password to a literal: Terraform writes it to its state and it is in cdk.tf.json"]);
    expect(lines(judge(rule, dataPlan({ db: { manage_master_user_password: undefined, password: ref("data.aws_secretsmanager_secret_version.db", "secret_string") } })))).toEqual([
      "aws_db_instance.gw: sets password: Terraform writes it to its state",
    ]);
    expect(lines(judge(rule, plan({ aws_rds_cluster: { c: { engine: "aurora-postgresql", master_password_wo: literal, master_password_wo_version: 1 } } })))).toEqual(["aws_rds_cluster.c: sets master_password_wo to a literal: it is in cdk.tf.json"]);
    expect(lines(judge(rule, dataPlan({ db: { manage_master_user_password: undefined } })))).toEqual(["aws_db_instance.gw: sets neither manage_master_user_password nor password_wo: RDS needs a master password source"]);
  });

  it("fails an RDS-managed secret under the AWS managed key", () => {
    expect(lines(judge(rule, dataPlan({ db: { master_user_secret_kms_key_id: undefined } })))).toEqual([
      "aws_db_instance.gw: manages its master password in Secrets Manager but sets no master_user_secret_kms_key_id, so it is not encrypted with a customer-managed key",
    ]);
  });

  it("passes an RDS-managed password and an ephemeral write-only one", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ db: { manage_master_user_password: undefined, master_user_secret_kms_key_id: undefined, password_wo: "${ephemeral.aws_secretsmanager_secret_version.db.secret_string}", password_wo_version: 1 } })).verdict).toBe(
      "pass",
    );
  });
});
