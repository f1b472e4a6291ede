import { rule } from "../../../policy/deploy/mcp-deploy-022";
import { LEGACY_JWT_AUTHORIZATION, PRM_PATH_PATTERN, tierRules } from "../../../lib/tier-routes";
import { TierAgent } from "../../../lib/tiers";
import { judge, lines, plan, ref } from "../fixtures";

const R = "aws_lb_listener_rule";
const forbidden = [{ type: "fixed-response", fixed_response: { status_code: "403", content_type: "text/plain", message_body: "Forbidden" } }];
const listeners = { aws_lb_listener: { mcp: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 3010, default_action: forbidden }, gw: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 4444, default_action: forbidden } } };
const forward = (tg: string) => [{ type: "forward", target_group_arn: ref(`aws_lb_target_group.${tg}`, "arn") }];
const rule_ = (priority: unknown, cidrs: string[], tg: string, extra: object[] = [], listener = "mcp") => ({
  listener_arn: ref(`aws_lb_listener.${listener}`, "arn"),
  priority,
  condition: [{ source_ip: { values: cidrs } }, ...extra],
  action: forward(tg),
});
const rules = (r: Record<string, unknown>) => plan({ ...listeners, aws_lb_listener_rule: r });

describe("MCP-DEPLOY-022 listener rule priorities", () => {
  it("passes the kit's rules in a migration: metadata, legacy and forward rules of one chunk share ranges, in band order", () => {
    const agents: TierAgent[] = [
      { name: "a", cidrs: ["10.20.1.0/28", "10.20.2.0/28"], toolsets: ["performance"], readOnly: true },
      { name: "b", cidrs: ["10.30.0.0/24"], toolsets: ["security_audit"], readOnly: false },
    ];
    const body: Record<string, unknown> = {};
    for (const r of tierRules(agents, { metadata: true, legacyJwt: true })) {
      const extra = r.match?.pathPattern ? [{ path_pattern: { values: [r.match.pathPattern] } }] : r.match?.authorization ? [{ http_header: { http_header_name: "Authorization", values: [r.match.authorization] } }] : [];
      body[`${r.kind}_${r.agents[0]}`] =
        r.kind === "metadata"
          ? { ...rule_(r.priority, [...r.cidrs], r.tierId, extra), action: [{ type: "fixed-response", fixed_response: { status_code: "200", content_type: "application/json", message_body: r.tierId } }] }
          : rule_(r.priority, [...r.cidrs], r.kind === "legacy-jwt" ? `${r.tierId}-jwt` : r.tierId, extra);
    }
    const result = judge(rule, rules(body));
    expect([result.verdict, lines(result)]).toEqual(["pass", []]);
  });

  it("fails two rules of one listener with one priority, and not rules of two listeners", () => {
    const p = rules({ x: rule_(31005, ["10.20.1.0/28"], "x"), y: rule_(31005, ["10.20.2.0/28"], "y"), z: rule_(31005, ["10.20.3.0/28"], "x", [], "gw") });
    expect(lines(judge(rule, p))).toEqual([`${R}.y: has priority 31005, which ${R}.x holds on aws_lb_listener.mcp; AWS refuses a priority in use (PriorityInUse)`]);
  });

  it("fails priorities AWS does not accept: 0, 50001, a fraction; passes 1 and 50000, an unset or computed one", () => {
    const p = rules({
      a: rule_(0, ["10.20.1.0/28"], "x"),
      b: rule_(50001, ["10.20.2.0/28"], "x"),
      c: rule_("12.5", ["10.20.3.0/28"], "x"),
      d: rule_(1, ["10.20.4.0/28"], "x"),
      e: rule_(50000, ["10.20.5.0/28"], "x"),
      f: rule_(undefined, ["10.20.6.0/28"], "x"),
      g: rule_(ref("aws_ssm_parameter.p", "value"), ["10.20.7.0/28"], "x"),
    });
    expect(lines(judge(rule, p))).toEqual([`${R}.a: has priority 0; AWS accepts integers from 1 to 50000`, `${R}.b: has priority 50001; AWS accepts integers from 1 to 50000`, `${R}.c: has priority 12.5; AWS accepts integers from 1 to 50000`]);
  });

  it("fails a broad range evaluated before a narrower range of another target", () => {
    const shadowed = rules({ wide: rule_(31001, ["10.40.0.0/16"], "wide"), narrow: rule_(31002, ["10.40.5.0/28", "10.50.0.0/28"], "narrow") });
    expect(lines(judge(rule, shadowed))).toEqual([`${R}.narrow: never sees 10.40.5.0/28: ${R}.wide (priority 31001, evaluated first) matches that source too, with no condition this rule lacks, and acts otherwise`]);
    const equal = rules({ a: rule_(31001, ["10.40.5.0/28", "10.40.6.0/28"], "a"), b: rule_(31002, ["10.40.5.0/28", "10.40.6.0/28", "10.40.7.0/28"], "b", [{ path_pattern: { values: [PRM_PATH_PATTERN] } }]) });
    expect(lines(judge(rule, equal))).toEqual([`${R}.b: never sees 10.40.5.0/28, 10.40.6.0/28: ${R}.a (priority 31001, evaluated first) matches those sources too, with no condition this rule lacks, and acts otherwise`]);
  });

  it("passes a narrower range carved out first, and rules of one action", () => {
    expect(judge(rule, rules({ narrow: rule_(31001, ["10.40.5.0/28"], "narrow"), wide: rule_(31002, ["10.40.0.0/16"], "wide") })).verdict).toBe("pass");
    expect(judge(rule, rules({ wide: rule_(31001, ["10.40.0.0/16"], "t"), narrow: rule_(31002, ["10.40.5.0/28"], "t") })).verdict).toBe("pass");
  });

  it("passes an earlier rule that narrows the match with a condition the later rule lacks (the legacy-jwt header)", () => {
    const legacy = [{ http_header: { http_header_name: "Authorization", values: [LEGACY_JWT_AUTHORIZATION] } }];
    const p = rules({ jwt: rule_(16001, ["10.40.0.0/16"], "jwt", legacy), oauth: rule_(31001, ["10.40.5.0/28"], "oauth") });
    expect(judge(rule, p).verdict).toBe("pass");
  });

  it("is not applicable without listener rules", () => {
    expect(judge(rule, plan(listeners)).verdict).toBe("not-applicable");
  });
});
