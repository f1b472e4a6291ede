import { rule } from "../../../policy/rules/mcp-db-007";
import { dataPlan } from "../db-fixtures";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-DB-007 database and cache groups admit only security groups", () => {
  it("fails address ranges and prefix lists on the database's or the cache's group, in every rule form", () => {
    const r = judge(
      rule,
      dataPlan({
        extra: {
          aws_security_group_rule: { wide: { type: "ingress", security_group_id: ref("aws_security_group.db"), protocol: "tcp", from_port: 5432, to_port: 5432, cidr_blocks: ["10.40.0.0/20"], description: "vpc" } },
          aws_vpc_security_group_ingress_rule: {
            db: { security_group_id: ref("aws_security_group.db"), referenced_security_group_id: ref("aws_security_group.gateway"), ip_protocol: "tcp", from_port: 5432, to_port: 5432, description: "gateway tasks" },
            cache: { security_group_id: ref("aws_security_group.cache"), prefix_list_id: "pl-0123456789abcdef0", ip_protocol: "tcp", from_port: 6379, to_port: 6379, description: "ops" },
          },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_db_instance.gw: aws_security_group.db admits the address range 10.40.0.0/20 (aws_security_group_rule.wide); admit the gateway's security group instead",
      "aws_elasticache_replication_group.gw: aws_security_group.cache admits the prefix list pl-0123456789abcdef0 (aws_vpc_security_group_ingress_rule.cache); admit the gateway's security group instead",
    ]);
  });

  it("fails a source group outside the plan", () => {
    const r = judge(
      rule,
      dataPlan({
        extra: { aws_vpc_security_group_ingress_rule: { db: { security_group_id: ref("aws_security_group.db"), referenced_security_group_id: "sg-0fedcba9876543210", ip_protocol: "tcp", from_port: 5432, to_port: 5432, description: "bastion" } } },
      }),
    );
    expect(lines(r)).toEqual(["aws_db_instance.gw: aws_security_group.db admits sg-0fedcba9876543210 (aws_vpc_security_group_ingress_rule.db), a security group outside the plan: who is in it cannot be verified"]);
  });

  it("fails no security group (the VPC default) and a group outside the plan", () => {
    expect(lines(judge(rule, dataPlan({ db: { vpc_security_group_ids: undefined }, cache: { security_group_ids: ["sg-0123456789abcdef0"] } })))).toEqual([
      "aws_db_instance.gw: sets no vpc_security_group_ids: it would get the VPC's default security group",
      "aws_elasticache_replication_group.gw: security_group_ids holds sg-0123456789abcdef0, a security group outside the plan whose rules cannot be verified",
    ]);
  });

  it("passes groups that admit only the gateway's group, and is quiet without databases or caches", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_security_group: { a: { description: "x", ingress: [{ cidr_blocks: ["10.0.0.0/8"], from_port: 443, to_port: 443, protocol: "tcp" }] } } })).verdict).toBe("not-applicable");
  });
});
