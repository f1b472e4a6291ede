import { rule } from "../../../policy/rules/mcp-db-003";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan } from "../fixtures";

describe("MCP-DB-003 backups kept 7 days, tags copied to snapshots", () => {
  it("fails the 1-day default, a short retention and snapshots without tags", () => {
    expect(lines(judge(rule, dataPlan({ db: { backup_retention_period: undefined, copy_tags_to_snapshot: undefined } })))).toEqual([
      "aws_db_instance.gw: keeps automated backups 1 days (the default); at least 7 are needed",
      "aws_db_instance.gw: has copy_tags_to_snapshot unset (default false): snapshots lose the environment and owner tags",
    ]);
    expect(lines(judge(rule, dataPlan({ db: { backup_retention_period: 3 } })))).toEqual(["aws_db_instance.gw: keeps automated backups 3 days; at least 7 are needed"]);
  });

  it("passes 7 days or more, leaves read replicas to their source, and is quiet without databases", () => {
    expect(judge(rule, dataPlan({ db: { backup_retention_period: 35 } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_db_instance: { r: { replicate_source_db: "mcp-prod-gateway" } } })).verdict).toBe("not-applicable");
    expect(judge(rule, plan({})).verdict).toBe("not-applicable");
  });
});
