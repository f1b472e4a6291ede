import { rule } from "../../../policy/rules/mcp-db-002";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan } from "../fixtures";

describe("MCP-DB-002 databases not publicly accessible", () => {
  it("fails a public instance and an expression", () => {
    expect(lines(judge(rule, dataPlan({ db: { publicly_accessible: true } })))).toEqual(["aws_db_instance.gw: is publicly_accessible: it gets a public DNS name and address"]);
    expect(lines(judge(rule, plan({ aws_rds_cluster_instance: { a: { publicly_accessible: "${var.public}" } } })))).toEqual([
      "aws_rds_cluster_instance.a: publicly_accessible is ${var.public}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes private databases (unset means false) and is not applicable without any", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ db: { publicly_accessible: false } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_lb: { a: { internal: true } } })).verdict).toBe("not-applicable");
  });
});
