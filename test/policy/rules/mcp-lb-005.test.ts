import { rule } from "../../../policy/rules/mcp-lb-005";
import { judge, lines, plan } from "../fixtures";

describe("MCP-LB-005 deletion protection in prod", () => {
  const p = plan({ aws_lb: { a: { internal: true } } });

  it("fails a prod load balancer without deletion protection", () => {
    expect(lines(judge(rule, p, { stage: "prod" }))).toEqual(["aws_lb.a: has enable_deletion_protection unset in prod (default false)"]);
  });

  it("reads the stage from the provider's default tags", () => {
    const tagged = { ...p, provider: { aws: [{ region: "us-east-1", default_tags: [{ tags: { environment: "prod" } }] }] } };
    expect(judge(rule, tagged).verdict).toBe("fail");
  });

  it("passes with protection, and does not apply outside prod", () => {
    expect(judge(rule, plan({ aws_lb: { a: { enable_deletion_protection: true } } }), { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, p, { stage: "dev" }).verdict).toBe("not-applicable");
  });
});
