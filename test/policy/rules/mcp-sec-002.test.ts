import { rule } from "../../../policy/rules/mcp-sec-002";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-SEC-002 secret rotation", () => {
  it("fails secrets without rotation, rotating too rarely, without rules or with an unknown interval", () => {
    const r = judge(
      rule,
      plan({
        aws_secretsmanager_secret: { none: {}, slow: {}, norules: {}, cron: {} },
        aws_secretsmanager_secret_rotation: {
          slow: { secret_id: ref("aws_secretsmanager_secret.slow"), rotation_rules: { automatically_after_days: 180 } },
          norules: { secret_id: ref("aws_secretsmanager_secret.norules", "arn") },
          cron: { secret_id: ref("aws_secretsmanager_secret.cron"), rotation_rules: [{ schedule_expression: "cron(0 4 ? * MON *)" }] },
        },
      }),
    );
    expect(lines(r)).toEqual([
      'aws_secretsmanager_secret.none: has no aws_secretsmanager_secret_rotation referencing it and no mcp-secret-rotated-by = "person" tag',
      "aws_secretsmanager_secret.slow: rotates every 180 days (aws_secretsmanager_secret_rotation.slow); the limit is 90",
      "aws_secretsmanager_secret.norules: is rotated by aws_secretsmanager_secret_rotation.norules without rotation_rules",
      "aws_secretsmanager_secret.cron: the rotation interval of aws_secretsmanager_secret_rotation.cron is cron(0 4 ? * MON *), which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes rotation every ≤ 90 days (days or rate()) and person-rotated secrets", () => {
    const r = judge(
      rule,
      plan({
        aws_secretsmanager_secret: { a: {}, b: {}, manual: { tags: { "mcp-secret-rotated-by": "person" } } },
        aws_secretsmanager_secret_rotation: {
          a: { secret_id: ref("aws_secretsmanager_secret.a"), rotation_rules: { automatically_after_days: 30 } },
          b: { secret_id: ref("aws_secretsmanager_secret.b", "arn"), rotation_rules: { schedule_expression: "rate(90 days)" } },
        },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
