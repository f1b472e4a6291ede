import { rule } from "../../../policy/rules/mcp-ecs-008";
import { goodContainer, judge, lines, plan } from "../fixtures";

const tier = (aud?: string, issuer: string | undefined = "https://mcp-prod-jwks-123456789012-us-east-1.s3.us-east-1.amazonaws.com") => ({
  family: "t",
  container_definitions: JSON.stringify([
    {
      ...goodContainer,
      environment: [{ name: "MCP_AUTH_MODE", value: "oauth" }, ...(issuer ? [{ name: "OAUTH_ISSUER_URL", value: issuer }] : []), ...(aud ? [{ name: "OAUTH_AUDIENCE", value: aud }] : [])],
    },
  ]),
});

describe("MCP-ECS-008 one audience per oauth tier", () => {
  it("passes tiers with their own audiences", () => {
    const p = plan({ aws_ecs_task_definition: { ro: tier("http://ro-1.mcp-prod.internal:3010/mcp"), rw: tier("http://rw-2.mcp-prod.internal:3010/mcp") } });
    expect(judge(rule, p).verdict).toBe("pass");
  });

  it("fails a shared audience, and a tier without audience or issuer", () => {
    const p = plan({ aws_ecs_task_definition: { ro: tier("http://mcp.internal/mcp"), rw: tier("http://mcp.internal/mcp"), bare: tier(undefined, "") } });
    expect(lines(judge(rule, p))).toEqual([
      'aws_ecs_task_definition.rw: container "mcp-server" has OAUTH_AUDIENCE http://mcp.internal/mcp, as aws_ecs_task_definition.ro container "mcp-server" has: each accepts the other\'s tokens',
      'aws_ecs_task_definition.bare: container "mcp-server" is in oauth mode without OAUTH_ISSUER_URL',
      'aws_ecs_task_definition.bare: container "mcp-server" is in oauth mode without OAUTH_AUDIENCE',
    ]);
  });

  it("does not apply to tiers in jwt mode", () => {
    expect(judge(rule, plan({ aws_ecs_task_definition: { t: { family: "t", container_definitions: JSON.stringify([goodContainer]) } } })).verdict).toBe("not-applicable");
  });
});
