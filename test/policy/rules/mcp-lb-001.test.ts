import { rule } from "../../../policy/rules/mcp-lb-001";
import { judge, lines, plan } from "../fixtures";

describe("MCP-LB-001 internal load balancers", () => {
  it("fails internet-facing, defaulted and unknown load balancers", () => {
    const r = judge(rule, plan({ aws_lb: { a: { internal: false }, b: {} }, aws_alb: { c: { internal: "${var.internal}" } } }));
    expect(lines(r)).toEqual([
      "aws_lb.a: sets internal = false: it is internet-facing",
      "aws_lb.b: does not set internal, so it is internet-facing (the provider's default)",
      "aws_alb.c: internal is ${var.internal}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes internal load balancers and is not applicable without any", () => {
    expect(judge(rule, plan({ aws_lb: { a: { internal: true } } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_vpc: { v: {} } })).verdict).toBe("not-applicable");
  });
});
