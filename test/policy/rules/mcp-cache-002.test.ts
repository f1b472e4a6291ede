import { rule } from "../../../policy/rules/mcp-cache-002";
import { dataPlan } from "../db-fixtures";
import { judge, lines, ref } from "../fixtures";

// Assembled at run time so secret scanners do not flag the repository.
const literal = ["fake", "token", "for", "tests"].join("-");

describe("MCP-CACHE-002 caches authenticate every client", () => {
  it("fails a group with neither AUTH nor RBAC, and a literal AUTH token", () => {
    expect(lines(judge(rule, dataPlan({ cache: { user_group_ids: undefined } })))).toEqual(["aws_elasticache_replication_group.gw: sets neither auth_token nor user_group_ids: any client that reaches the port may run every command"]);
    expect(lines(judge(rule, dataPlan({ cache: { user_group_ids: undefined, auth_token: literal } })))).toEqual([
      "aws_elasticache_replication_group.gw: sets auth_token to a literal: the token is in cdk.tf.json; read it from Secrets Manager or use RBAC users",
    ]);
  });

  it("fails users with a literal password, and enabled users that need none", () => {
    const r = judge(
      rule,
      dataPlan({
        extra: {
          aws_elasticache_user: {
            pw: { user_id: "a", user_name: "a", engine: "valkey", access_string: "on ~* +@all", passwords: [literal] },
            mode: { user_id: "b", user_name: "b", engine: "valkey", access_string: "on ~* +@all", authentication_mode: { type: "password", passwords: [literal] } },
            open: { user_id: "c", user_name: "default", engine: "valkey", access_string: "on ~* +@all", no_password_required: true },
            off: { user_id: "d", user_name: "default", engine: "valkey", access_string: "off -@all", no_password_required: true },
          },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_elasticache_user.pw: has a literal password: it is in cdk.tf.json; authenticate the user with IAM or a password the kit generates in AWS",
      "aws_elasticache_user.mode: has a literal password: it is in cdk.tf.json; authenticate the user with IAM or a password the kit generates in AWS",
      "aws_elasticache_user.open: needs no password and is enabled (access_string on ~* +@all): anyone may connect as default",
    ]);
  });

  it("passes RBAC with IAM users and an AUTH token read from Secrets Manager", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, dataPlan({ cache: { user_group_ids: undefined, auth_token: ref("data.aws_secretsmanager_secret_version.cache", "secret_string") } })).verdict).toBe("pass");
  });
});
