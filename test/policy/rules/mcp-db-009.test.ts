import { rule } from "../../../policy/rules/mcp-db-009";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan } from "../fixtures";

describe("MCP-DB-009 minor engine upgrades applied automatically", () => {
  it("fails an explicit false on a database and a cache", () => {
    expect(lines(judge(rule, dataPlan({ db: { auto_minor_version_upgrade: false }, cache: { auto_minor_version_upgrade: "false" } })))).toEqual([
      "aws_db_instance.gw: has auto_minor_version_upgrade false: engine security patches wait for a manual upgrade",
      "aws_elasticache_replication_group.gw: has auto_minor_version_upgrade false: engine security patches wait for a manual upgrade",
    ]);
  });

  it("passes the default (true) and is quiet without databases or caches", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, plan({})).verdict).toBe("not-applicable");
  });
});
