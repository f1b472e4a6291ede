import { rule } from "../../../policy/rules/mcp-lb-004";
import { judge, lines, plan } from "../fixtures";

describe("MCP-LB-004 TLS 1.2+ policy", () => {
  it("fails a missing policy (AWS default 2016-08), a TLS 1.0/1.1 policy and an unknown one", () => {
    const r = judge(
      rule,
      plan({
        aws_lb_listener: {
          none: { protocol: "HTTPS", port: 3010 },
          old: { protocol: "HTTPS", port: 3010, ssl_policy: "ELBSecurityPolicy-TLS13-1-1-2021-06" },
          unk: { protocol: "HTTPS", port: 3010, ssl_policy: "${var.policy}" },
          http: { protocol: "HTTP", port: 80 },
        },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_lb_listener.none: sets no ssl_policy, so AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1",
      "aws_lb_listener.old: uses ssl_policy ELBSecurityPolicy-TLS13-1-1-2021-06, which is not a known TLS 1.2+ policy",
      "aws_lb_listener.unk: ssl_policy is ${var.policy}, which is only known at apply time and cannot be verified",
    ]);
  });

  it("passes TLS 1.2 and 1.3 policies", () => {
    const r = judge(rule, plan({ aws_lb_listener: { a: { protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }, b: { protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } } }));
    expect(r.verdict).toBe("pass");
  });

  it("is not applicable without HTTPS listeners", () => {
    expect(judge(rule, plan({ aws_lb_listener: { http: { protocol: "HTTP" } } })).verdict).toBe("not-applicable");
  });
});
