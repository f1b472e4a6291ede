import { rule } from "../../../policy/rules/mcp-db-001";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DB-001 databases encrypted with a customer key", () => {
  it("fails unencrypted storage, the aws/rds key and no key at all", () => {
    expect(lines(judge(rule, dataPlan({ db: { storage_encrypted: undefined, kms_key_id: undefined } })))).toEqual([
      "aws_db_instance.gw: has storage_encrypted unset (default false): its storage, backups and snapshots are unencrypted",
      "aws_db_instance.gw: sets no kms_key_id, so it is not encrypted with a customer-managed key",
    ]);
    expect(lines(judge(rule, dataPlan({ db: { kms_key_id: "alias/aws/rds" } })))).toEqual(["aws_db_instance.gw: kms_key_id is alias/aws/rds, an AWS managed key; use a customer-managed key (its policy decides who may use it)"]);
  });

  it("judges an Aurora cluster, not its members, and passes the environment key", () => {
    const aurora = plan({
      aws_kms_key: { env: {} },
      aws_rds_cluster: { c: { cluster_identifier: "mcp-prod-gateway", engine: "aurora-postgresql", storage_encrypted: false, kms_key_id: ref("aws_kms_key.env", "arn") } },
      aws_rds_cluster_instance: { a: { cluster_identifier: ref("aws_rds_cluster.c"), engine: "aurora-postgresql", instance_class: "db.r6g.large" } },
    });
    expect(lines(judge(rule, aurora))).toEqual(["aws_rds_cluster.c: has storage_encrypted false (default false): its storage, backups and snapshots are unencrypted"]);
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
  });

  it("is not applicable to a plan without databases (today's shipped plans)", () => {
    expect(judge(rule, plan({ aws_kms_key: { env: {} } })).verdict).toBe("not-applicable");
  });
});
