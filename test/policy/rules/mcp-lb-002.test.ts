import { rule } from "../../../policy/rules/mcp-lb-002";
import { judge, lines, plan } from "../fixtures";

describe("MCP-LB-002 drop invalid header fields", () => {
  it("fails application load balancers that keep invalid headers (default)", () => {
    const r = judge(rule, plan({ aws_lb: { a: { internal: true }, b: { load_balancer_type: "application", drop_invalid_header_fields: false } } }));
    expect(lines(r)).toEqual(["aws_lb.a: has drop_invalid_header_fields unset (default false), so malformed headers reach the MCP server", "aws_lb.b: has drop_invalid_header_fields false (default false), so malformed headers reach the MCP server"]);
  });

  it("passes when set, and ignores network load balancers", () => {
    expect(judge(rule, plan({ aws_lb: { a: { drop_invalid_header_fields: true } } })).verdict).toBe("pass");
    expect(judge(rule, plan({ aws_lb: { n: { load_balancer_type: "network" } } })).verdict).toBe("not-applicable");
  });
});
