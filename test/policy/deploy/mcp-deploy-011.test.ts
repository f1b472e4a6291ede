import { rule } from "../../../policy/deploy/mcp-deploy-011";
import { judge, lines, plan, ref } from "../fixtures";

const rotation = (secret: string) => ({ secret_id: ref(`aws_secretsmanager_secret.${secret}`, "arn"), rotation_lambda_arn: ref("aws_lambda_function.rotate", "arn"), rotation_rules: { automatically_after_days: 30 } });
const permission = (secret?: string, extra: Record<string, unknown> = {}) => ({
  action: "lambda:InvokeFunction",
  function_name: ref("aws_lambda_function.rotate", "function_name"),
  principal: "secretsmanager.amazonaws.com",
  ...(secret ? { source_arn: ref(`aws_secretsmanager_secret.${secret}`, "arn") } : {}),
  ...extra,
});
const BASE = { aws_lambda_function: { rotate: { function_name: "mcp-prod-rotate-secret" } }, aws_secretsmanager_secret: { a: { name: "a" }, b: { name: "b" } } };

describe("MCP-DEPLOY-011 rotation functions let Secrets Manager invoke them", () => {
  it("fails without a permission, with the wrong action, or scoped to another secret", () => {
    expect(lines(judge(rule, plan({ ...BASE, aws_secretsmanager_secret_rotation: { a: rotation("a") } })))).toEqual([
      "aws_secretsmanager_secret_rotation.a: rotates with aws_lambda_function.rotate, which has no aws_lambda_permission for secretsmanager.amazonaws.com; rotation fails with AccessDenied",
    ]);
    expect(lines(judge(rule, plan({ ...BASE, aws_secretsmanager_secret_rotation: { a: rotation("a") }, aws_lambda_permission: { p: permission("a", { action: "lambda:GetFunction" }) } })))).toEqual([
      "aws_secretsmanager_secret_rotation.a: rotates with aws_lambda_function.rotate, whose permission for secretsmanager.amazonaws.com is not lambda:InvokeFunction",
    ]);
    const r = judge(rule, plan({ ...BASE, aws_secretsmanager_secret_rotation: { b: rotation("b") }, aws_lambda_permission: { p: permission("a") } }));
    expect(lines(r)).toEqual(["aws_secretsmanager_secret_rotation.b: rotates aws_secretsmanager_secret.b with aws_lambda_function.rotate, but its invoke permissions are scoped (source_arn) to other secrets"]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html");
  });

  it("passes a permission per secret, or one without source_arn", () => {
    expect(judge(rule, plan({ ...BASE, aws_secretsmanager_secret_rotation: { a: rotation("a"), b: rotation("b") }, aws_lambda_permission: { pa: permission("a"), pb: permission("b") } })).verdict).toBe("pass");
    expect(judge(rule, plan({ ...BASE, aws_secretsmanager_secret_rotation: { a: rotation("a") }, aws_lambda_permission: { p: permission() } })).verdict).toBe("pass");
  });
});
