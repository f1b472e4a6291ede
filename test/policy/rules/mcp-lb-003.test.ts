import { rule } from "../../../policy/rules/mcp-lb-003";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-LB-003 HTTPS-only listeners", () => {
  it("fails HTTP listeners (also redirects), a listener without protocol and an unknown protocol", () => {
    const r = judge(
      rule,
      plan({
        aws_lb_listener: {
          http: { load_balancer_arn: ref("aws_lb.a", "arn"), port: 80, protocol: "HTTP", default_action: { type: "redirect" } },
          none: { load_balancer_arn: ref("aws_lb.a", "arn"), port: 3010 },
          unk: { load_balancer_arn: ref("aws_lb.a", "arn"), port: 3010, protocol: "${var.protocol}" },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_lb_listener.http: listens with protocol HTTP; only HTTPS (or TLS) is allowed",
      "aws_lb_listener.none: does not set protocol, so an application load balancer listens in plain HTTP",
      "aws_lb_listener.unk: protocol is ${var.protocol}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes HTTPS listeners", () => {
    expect(judge(rule, plan({ aws_lb_listener: { a: { protocol: "HTTPS", port: 3010 } } })).verdict).toBe("pass");
  });
});
