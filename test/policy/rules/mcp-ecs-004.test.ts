import { looksSecret, rule } from "../../../policy/rules/mcp-ecs-004";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-ECS-004 secrets not in environment", () => {
  it("fails secret-looking names, secret material and credentials in URLs", () => {
    const r = judge(
      rule,
      taskPlan([
        {
          ...goodContainer,
          environment: [
            { name: "DB2i_PASS", value: "x" },
            { name: "MCP_AUTH_SECRET_KEY", value: "x" },
            { name: "OPENAI_API_KEY", value: "x" },
            { name: "SIGNING", value: "${random_password.jwt.result}" },
            { name: "DATABASE_URL", value: "postgresql://gw:hunter2@db.internal:5432/mcp" },
          ],
        },
      ]),
    );
    expect(lines(r)).toEqual([
      'aws_ecs_task_definition.mcp: container "mcp-server" passes DB2i_PASS in environment; its name marks a secret',
      'aws_ecs_task_definition.mcp: container "mcp-server" passes MCP_AUTH_SECRET_KEY in environment; its name marks a secret',
      'aws_ecs_task_definition.mcp: container "mcp-server" passes OPENAI_API_KEY in environment; its name marks a secret',
      'aws_ecs_task_definition.mcp: container "mcp-server" passes SIGNING = random_password.jwt.result in environment, which is secret material',
      'aws_ecs_task_definition.mcp: container "mcp-server" passes DATABASE_URL in environment with credentials inside the URL',
    ]);
  });

  it("tells secret names from names that only point at or describe one", () => {
    expect(["DB2i_PASS", "JWT_SECRET_KEY", "PLATFORM_ADMIN_PASSWORD", "GITHUB_TOKEN", "AUTH_TOKEN_VALUE"].filter(looksSecret)).toHaveLength(5);
    expect(["IBMI_AUTH_PRIVATE_KEY_PATH", "IBMI_AUTH_KEY_ID", "IBMI_AUTH_TOKEN_EXPIRY_SECONDS", "DB2i_USER", "MCP_AUTH_MODE", "SECRET_ID"].filter(looksSecret)).toEqual([]);
  });

  it("passes secrets injected through `secrets` and boolean flags", () => {
    const c = { ...goodContainer, environment: [...goodContainer.environment, { name: "REQUIRE_TOKEN_EXPIRATION", value: "true" }, { name: "DATABASE_URL", value: "sqlite:////data/mcp.db" }] };
    expect(judge(rule, taskPlan([c])).verdict).toBe("pass");
  });
});
