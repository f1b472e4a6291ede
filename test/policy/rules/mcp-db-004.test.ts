import { rule } from "../../../policy/rules/mcp-db-004";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DB-004 prod databases Multi-AZ, deletion-protected, final snapshot kept", () => {
  it("fails a single-zone, unprotected prod instance that skips its final snapshot", () => {
    const r = judge(rule, dataPlan({ db: { multi_az: undefined, deletion_protection: undefined, skip_final_snapshot: true } }), { stage: "prod" });
    expect(lines(r)).toEqual([
      "aws_db_instance.gw: has deletion_protection unset in prod (default false): one destroy or replacement deletes the gateway's data",
      "aws_db_instance.gw: sets skip_final_snapshot = true in prod: a destroy leaves no snapshot to restore from",
      "aws_db_instance.gw: has multi_az unset in prod (default false): a zone failure takes the database down",
    ]);
  });

  it("counts an Aurora cluster's instances: one is not Multi-AZ, two are", () => {
    const aurora = (n: number) =>
      plan({
        aws_rds_cluster: { c: { cluster_identifier: "mcp-prod-gateway", engine: "aurora-postgresql", deletion_protection: true } },
        aws_rds_cluster_instance: Object.fromEntries(Array.from({ length: n }, (_, i) => [`i${i}`, { cluster_identifier: ref("aws_rds_cluster.c") }])),
      });
    expect(lines(judge(rule, aurora(1), { stage: "prod" }))).toEqual(["aws_rds_cluster.c: has 1 instance in prod; an Aurora cluster needs two or more (in different zones) to fail over"]);
    expect(judge(rule, aurora(2), { stage: "prod" }).verdict).toBe("pass");
  });

  it("passes the prod fixture and applies only in prod", () => {
    expect(judge(rule, dataPlan(), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ db: { multi_az: false, deletion_protection: false } }), { stage: "staging" }).verdict).toBe("not-applicable");
  });
});
