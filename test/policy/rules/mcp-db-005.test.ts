import { rule } from "../../../policy/rules/mcp-db-005";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DB-005 PostgreSQL requires TLS (rds.force_ssl = 1)", () => {
  it("fails the default parameter group, a group outside the plan and a group with rds.force_ssl 0 or unset", () => {
    expect(lines(judge(rule, dataPlan({ db: { parameter_group_name: undefined } })))).toEqual(["aws_db_instance.gw: sets no parameter_group_name: the default parameter group cannot be shown to set rds.force_ssl = 1"]);
    expect(lines(judge(rule, dataPlan({ db: { parameter_group_name: "shared-postgres17" } })))).toEqual(["aws_db_instance.gw: uses the parameter group shared-postgres17, which is not in the plan, so rds.force_ssl cannot be verified"]);
    const off = dataPlan({
      extra: {
        aws_db_parameter_group: {
          pg: {
            name: "pg",
            family: "postgres17",
            parameter: [
              { name: "rds.force_ssl", value: "0" },
              { name: "log_connections", value: "1" },
            ],
          },
        },
      },
    });
    expect(lines(judge(rule, off))).toEqual(["aws_db_instance.gw: uses aws_db_parameter_group.pg, whose rds.force_ssl is 0: clients may connect without TLS"]);
  });

  it("reads an Aurora cluster's cluster parameter group", () => {
    const aurora = (value: string) =>
      plan({
        aws_rds_cluster_parameter_group: { p: { family: "aurora-postgresql17", parameter: [{ name: "rds.force_ssl", value }] } },
        aws_rds_cluster: { c: { engine: "aurora-postgresql", db_cluster_parameter_group_name: ref("aws_rds_cluster_parameter_group.p", "name") } },
      });
    expect(judge(rule, aurora("1")).verdict).toBe("pass");
    expect(lines(judge(rule, aurora("0")))).toEqual(["aws_rds_cluster.c: uses aws_rds_cluster_parameter_group.p, whose rds.force_ssl is 0: clients may connect without TLS"]);
  });

  it("passes the fixture and leaves other engines alone", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_db_instance: { m: { engine: "mysql" } } })).verdict).toBe("not-applicable");
  });
});
