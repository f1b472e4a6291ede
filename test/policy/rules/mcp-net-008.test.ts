import { rule } from "../../../policy/rules/mcp-net-008";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-NET-008 VPC flow logs", () => {
  it("fails a VPC without a flow log, one logging only rejects, and does not count a flow log it cannot follow", () => {
    const r = judge(
      rule,
      plan({
        aws_vpc: { a: {}, b: {}, c: {} },
        aws_flow_log: {
          b: { vpc_id: ref("aws_vpc.b"), traffic_type: "REJECT" },
          other: { vpc_id: "${var.vpc_id}", traffic_type: "ALL" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_vpc.a: has no aws_flow_log whose vpc_id references it",
      "aws_vpc.b: has flow logs for REJECT traffic only; record ALL so accepted connections are kept too",
      "aws_vpc.c: has no aws_flow_log whose vpc_id references it",
    ]);
  });

  it("passes a VPC whose flow log references it and records ALL", () => {
    expect(judge(rule, plan({ aws_vpc: { a: {} }, aws_flow_log: { f: { vpc_id: ref("aws_vpc.a"), traffic_type: "ALL" } } })).verdict).toBe("pass");
  });

  it("is not applicable without a VPC", () => {
    expect(judge(rule, plan({ aws_flow_log: { f: { vpc_id: "vpc-123", traffic_type: "ALL" } } })).verdict).toBe("not-applicable");
  });
});
