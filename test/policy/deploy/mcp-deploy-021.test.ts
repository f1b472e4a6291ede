import { rule } from "../../../policy/deploy/mcp-deploy-021";
import { LEGACY_JWT_AUTHORIZATION, PRM_PATH_PATTERN } from "../../../lib/tier-routes";
import { judge, lines, plan, ref } from "../fixtures";

const R = "aws_lb_listener_rule";
const listener = { aws_lb_listener: { mcp: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 3010, default_action: [{ type: "fixed-response", fixed_response: { status_code: "403", content_type: "text/plain", message_body: "Forbidden" } }] } } };
const fixed = (body: string) => [{ type: "fixed-response", fixed_response: { status_code: "200", content_type: "application/json", message_body: body } }];
const rules = (r: Record<string, unknown>) => plan({ ...listener, aws_lb_listener_rule: r });
const metadata = (body: string, extra: object[] = []) => ({
  listener_arn: ref("aws_lb_listener.mcp", "arn"),
  priority: 1,
  condition: [{ source_ip: { values: ["10.20.1.0/28"] } }, { path_pattern: { values: [PRM_PATH_PATTERN] } }, ...extra],
  action: fixed(body),
});

describe("MCP-DEPLOY-021 listener rules within ALB's value limits", () => {
  it("passes the kit's metadata and legacy-jwt rules", () => {
    const legacy = {
      listener_arn: ref("aws_lb_listener.mcp", "arn"),
      priority: 2,
      condition: [{ source_ip: { values: ["10.20.1.0/28"] } }, { http_header: { http_header_name: "Authorization", values: [LEGACY_JWT_AUTHORIZATION] } }],
      action: [{ type: "forward", target_group_arn: ref("aws_lb_target_group.t", "arn") }],
    };
    const r = judge(rule, rules({ m: metadata(JSON.stringify({ resource: "http://ro-1.internal:3010/mcp" })), legacy }));
    expect([r.verdict, lines(r)]).toEqual(["pass", []]);
  });

  it("passes a body of exactly 1,024 characters and fails one of 1,025", () => {
    expect(judge(rule, rules({ m: metadata("x".repeat(1024)) })).verdict).toBe("pass");
    expect(lines(judge(rule, rules({ m: metadata("x".repeat(1025)) })))).toEqual([`${R}.m: answers a fixed response of up to 1025 characters; AWS allows 1024 in a message body`]);
  });

  it("counts a reference in a body as the 63 characters it may become", () => {
    const body = `${"x".repeat(1000)}${ref("aws_s3_bucket.jwks", "bucket")}`;
    expect(lines(judge(rule, rules({ m: metadata(body) })))).toEqual([`${R}.m: answers a fixed response of up to 1063 characters; AWS allows 1024 in a message body`]);
  });

  it("checks the listener's default action too", () => {
    const p = plan({ aws_lb_listener: { mcp: { ...listener.aws_lb_listener.mcp, default_action: fixed("y".repeat(2000)) } } });
    expect(lines(judge(rule, p))).toEqual(["aws_lb_listener.mcp: answers a fixed response of up to 2000 characters; AWS allows 1024 in a message body"]);
  });

  it("fails a match value over 128 characters and more than 5 wildcards in one rule", () => {
    const long = `Bearer ${"a".repeat(130)}*`;
    const many = [{ http_header: { http_header_name: "X-A", values: ["a*b*c*"] } }, { http_header: { http_header_name: "X-B", values: ["d?e?"] } }];
    expect(lines(judge(rule, rules({ m: metadata("{}", [{ http_header: { http_header_name: "Authorization", values: [long] } }]), n: { ...metadata("{}", many), priority: 2 } })))).toEqual([
      `${R}.m: matches http_header against "Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" (138 characters); AWS allows 128`,
      `${R}.n: holds 6 wildcards in its match values; AWS allows 5 per rule`,
    ]);
  });

  it("is not applicable without listeners", () => {
    expect(judge(rule, plan({})).verdict).toBe("not-applicable");
  });
});
