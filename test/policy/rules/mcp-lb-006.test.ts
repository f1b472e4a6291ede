import { rule } from "../../../policy/rules/mcp-lb-006";
import { AgentGrant, PolicyContext, TerraformJson } from "../../../policy/types";
import { loadToolCatalogue, recordCatalogue } from "../../../lib/tool-catalogue";
import { judge, lines, plan, ref } from "../fixtures";

// Risks come from the tool catalogue the stack records (the shipped tools/ YAML here): security_remediation holds a
// destructiveHint tool, so it is critical.
const catalogue = recordCatalogue(loadToolCatalogue());
const withToolset = (name: string, risk: string) => ({ ...catalogue, toolsets: { ...catalogue.toolsets, [name]: { risk, tools: [] } } }) as any;

const monitoring: AgentGrant = { name: "monitoring", cidrs: ["10.20.1.0/28", "10.20.5.0/28"], toolsets: ["sysadmin_browse", "performance"], readOnly: true };
const ops: AgentGrant = { name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance", "security_remediation"], readOnly: false };
const grants: PolicyContext = { agentGrants: [monitoring, ops], toolCatalogue: catalogue };

const container = (env: Record<string, string>, extra: Record<string, unknown> = {}) => JSON.stringify([{ name: "mcp", image: "x", environment: Object.entries(env).map(([name, value]) => ({ name, value })), ...extra }]);
const forward = (tg: string) => [{ type: "forward", target_group_arn: ref(`aws_lb_target_group.${tg}`, "arn") }];
const sourceRule = (cidrs: string[], tg: string, priority: number) => ({ listener_arn: ref("aws_lb_listener.mcp", "arn"), priority, condition: [{ source_ip: { values: cidrs } }], action: forward(tg) });
const service = (tg: string, td: string) => ({ task_definition: ref(`aws_ecs_task_definition.${td}`, "arn"), load_balancer: [{ target_group_arn: ref(`aws_lb_target_group.${tg}`, "arn"), container_name: "mcp", container_port: 3010 }] });
const forbidden = [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "403" } }];

/** Two tiers as McpTiers builds them: monitoring → read-only low-risk server, ops → read-write security_remediation server. */
function topology(): TerraformJson & { resource: Record<string, Record<string, any>> } {
  return plan({
    aws_lb_listener: {
      mcp: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 3010, protocol: "HTTPS", default_action: forbidden },
      gateway: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 4444, protocol: "HTTPS", default_action: forward("gw") },
    },
    aws_lb_listener_rule: {
      monitoring: sourceRule(["10.20.1.0/28", "10.20.5.0/28"], "ro", 1),
      ops: sourceRule(["10.20.2.0/28"], "rw", 2),
    },
    aws_lb_target_group: { ro: { port: 3010 }, rw: { port: 3010 }, gw: { port: 4444 } },
    aws_ecs_service: { ro: service("ro", "ro"), rw: service("rw", "rw"), gw: service("gw", "gw") },
    aws_ecs_task_definition: {
      ro: { family: "ro", container_definitions: container({ SELECTED_TOOLSETS: "performance,sysadmin_browse", IBMI_EXECUTE_SQL_READONLY: "true" }) },
      rw: { family: "rw", container_definitions: container({ SELECTED_TOOLSETS: "performance,security_remediation", IBMI_EXECUTE_SQL_READONLY: "false" }) },
      gw: { family: "gw", container_definitions: container({ PORT: "4444" }) },
    },
  }) as any;
}

const R = "aws_lb_listener_rule";

describe("MCP-LB-006 tier routing matches the config's grants", () => {
  it("passes each group routed to the tier with exactly its toolsets, a 403 default, and ignores the gateway listener", () => {
    const r = judge(rule, topology(), grants);
    expect([r.verdict, lines(r)]).toEqual(["pass", []]);
  });

  it("is not applicable without grants (a plan this kit did not produce)", () => {
    expect(judge(rule, topology()).verdict).toBe("not-applicable");
  });

  it("is not applicable when no listener is on the MCP port", () => {
    expect(judge(rule, topology(), { ...grants, mcpPort: 3011 }).verdict).toBe("not-applicable");
  });

  it("reads the grants synth recorded in the plan's //.policy block", () => {
    const p = { ...topology(), "//": { policy: { agentGrants: [monitoring, ops], toolCatalogue: catalogue } } };
    expect(judge(rule, p).verdict).toBe("pass");
    // Without the catalogue nothing says what a toolset's tools do: a read-only group's toolsets count as critical.
    const unrecorded = { ...topology(), "//": { policy: { agentGrants: [monitoring, ops] } } };
    expect(lines(judge(rule, unrecorded))).toEqual([
      `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes performance (critical risk), sysadmin_browse (critical risk)`,
    ]);
    const widened = { ...topology(), "//": { policy: { agentGrants: [{ ...monitoring, toolsets: ["performance"] }, ops, { name: "bad", cidrs: "10.0.0.0/8" }], toolCatalogue: catalogue } } };
    expect(lines(judge(rule, widened))).toEqual([
      `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28), granted performance, to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes performance, sysadmin_browse`,
    ]);
  });

  describe("default action", () => {
    it.each([
      ["a forward", [{ type: "forward", target_group_arn: ref("aws_lb_target_group.ro", "arn") }], "a forward to ${aws_lb_target_group.ro.arn}"],
      ["a fixed 200", [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "200" } }], "a fixed response 200"],
      ["a redirect", [{ type: "redirect", redirect: { status_code: "HTTP_302" } }], "redirect"],
      ["none", undefined, "missing"],
    ])("fails %s", (_name, action, described) => {
      const p = topology();
      p.resource.aws_lb_listener.mcp.default_action = action;
      expect(lines(judge(rule, p, grants))).toEqual([`aws_lb_listener.mcp: answers sources that match no rule with ${described}, not a fixed 403 response, so callers outside every agent group are not refused`]);
    });

    it("passes a fixed 403 written as a number in a one-element list block", () => {
      const p = topology();
      p.resource.aws_lb_listener.mcp.default_action = [{ type: "fixed-response", fixed_response: [{ content_type: "text/plain", status_code: 403 }] }];
      expect(judge(rule, p, grants).verdict).toBe("pass");
    });
  });

  describe("source ranges", () => {
    it("fails a range in no agent group, and one wider than the group's", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.stray = sourceRule(["10.99.0.0/24", "10.20.0.0/16"], "ro", 3);
      expect(lines(judge(rule, p, grants))).toEqual([`${R}.stray: routes 10.99.0.0/24, which is in no agent group's ranges`, `${R}.stray: routes 10.20.0.0/16, which is in no agent group's ranges`]);
    });

    it("passes a range inside a group's range", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.narrow = sourceRule(["10.20.1.0/30"], "ro", 3);
      expect(judge(rule, p, grants).verdict).toBe("pass");
    });

    it("fails a source range only known at apply time", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.monitoring.condition = [{ source_ip: { values: ["${var.agents}"] } }];
      expect(lines(judge(rule, p, grants))).toEqual([`${R}.monitoring: source range is \${var.agents}, which is only known at apply time and cannot be verified`]);
    });

    it("fails a forward without a source_ip condition, and passes a fixed response without one", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.by_path = { listener_arn: ref("aws_lb_listener.mcp", "arn"), priority: 9, condition: [{ path_pattern: { values: ["/mcp"] } }], action: forward("rw") };
      expect(lines(judge(rule, p, grants))).toEqual([`${R}.by_path: forwards to \${aws_lb_target_group.rw.arn} without a source_ip condition, so any caller that reaches the listener gets there`]);
      p.resource.aws_lb_listener_rule.by_path.action = forbidden;
      expect(judge(rule, p, grants).verdict).toBe("pass");
    });
  });

  describe("rules packing several groups' ranges (lib/tiers.ts routingRules)", () => {
    const capacity: AgentGrant = { name: "capacity", cidrs: ["10.20.3.0/28"], toolsets: ["performance", "sysadmin_browse"], readOnly: true };
    const packed = { agentGrants: [monitoring, ops, capacity], toolCatalogue: catalogue };

    it("passes one rule holding the ranges of two groups with the same grant, to their shared tier", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.monitoring = sourceRule(["10.20.1.0/28", "10.20.3.0/28", "10.20.5.0/28"], "ro", 1);
      expect([judge(rule, p, packed).verdict, lines(judge(rule, p, packed))]).toEqual(["pass", []]);
    });

    it("fails a rule that packs a read-write group's range with read-only ones, naming the group that does not belong", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.monitoring = sourceRule(["10.20.1.0/28", "10.20.2.0/28", "10.20.3.0/28"], "ro", 1);
      expect(lines(judge(rule, p, packed))).toEqual([
        `${R}.monitoring: routes agent group "ops" (10.20.2.0/28), granted performance, security_remediation, to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes performance, sysadmin_browse`,
      ]);
    });

    it("fails a rule that packs a read-only group's range with read-write ones: that group reaches the critical tier", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.ops = sourceRule(["10.20.2.0/28", "10.20.3.0/28"], "rw", 2);
      const who = `read-only agent group "capacity" (10.20.3.0/28)`;
      expect(lines(judge(rule, p, packed))).toEqual([
        `${R}.ops: routes ${who}, granted performance, sysadmin_browse, to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw exposes performance, security_remediation`,
        `${R}.ops: routes ${who} to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw sets IBMI_EXECUTE_SQL_READONLY false; a read-only grant needs "true"`,
        `${R}.ops: routes ${who} to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw exposes security_remediation (critical risk)`,
      ]);
    });
  });

  describe("target toolsets", () => {
    it("fails a read-only group routed to the read-write security_remediation tier (toolsets, SQL mode and risk)", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.monitoring.action = forward("rw");
      const who = `read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28)`;
      expect(lines(judge(rule, p, grants))).toEqual([
        `${R}.monitoring: routes ${who}, granted performance, sysadmin_browse, to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw exposes performance, security_remediation`,
        `${R}.monitoring: routes ${who} to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw sets IBMI_EXECUTE_SQL_READONLY false; a read-only grant needs "true"`,
        `${R}.monitoring: routes ${who} to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw exposes security_remediation (critical risk)`,
      ]);
    });

    it("fails a read-write group routed to a server with fewer toolsets than granted", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.ops.action = forward("ro");
      expect(lines(judge(rule, p, grants))).toEqual([
        `${R}.ops: routes agent group "ops" (10.20.2.0/28), granted performance, security_remediation, to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes performance, sysadmin_browse`,
      ]);
    });

    it("fails one mismatching target of a weighted forward", () => {
      const p = topology();
      p.resource.aws_lb_listener_rule.ops.action = [
        {
          type: "forward",
          forward: {
            target_group: [
              { arn: ref("aws_lb_target_group.rw", "arn"), weight: 90 },
              { arn: ref("aws_lb_target_group.gw", "arn"), weight: 10 },
            ],
          },
        },
      ];
      expect(lines(judge(rule, p, grants))).toEqual([`${R}.ops: forwards to aws_lb_target_group.gw, whose task aws_ecs_task_definition.gw does not set SELECTED_TOOLSETS, so its MCP server exposes every toolset it loads`]);
    });

    it("fails a read-only grant whose server does not set IBMI_EXECUTE_SQL_READONLY, and passes a read-write grant without it", () => {
      const p = topology();
      p.resource.aws_ecs_task_definition.ro.container_definitions = container({ SELECTED_TOOLSETS: "performance,sysadmin_browse" });
      p.resource.aws_ecs_task_definition.rw.container_definitions = container({ SELECTED_TOOLSETS: "performance,security_remediation" });
      expect(lines(judge(rule, p, grants))).toEqual([
        `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro does not set IBMI_EXECUTE_SQL_READONLY; a read-only grant needs "true"`,
      ]);
    });
  });

  describe("read-only groups and risky toolsets", () => {
    it("fails a read-only grant that reaches a high or critical toolset even when the server matches the grant", () => {
      const p = topology();
      p.resource.aws_ecs_task_definition.ro.container_definitions = container({ SELECTED_TOOLSETS: "performance,ptf_apply,security_remediation", IBMI_EXECUTE_SQL_READONLY: "true" });
      const sneaky = { ...monitoring, toolsets: ["performance", "ptf_apply", "security_remediation"] };
      expect(lines(judge(rule, p, { agentGrants: [sneaky, ops], toolCatalogue: withToolset("ptf_apply", "high") }))).toEqual([
        `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes ptf_apply (high risk), security_remediation (critical risk)`,
      ]);
    });

    it("judges operators' toolsets by the recorded catalogue's risk, and one it does not know as critical", () => {
      const p = topology();
      p.resource.aws_ecs_task_definition.ro.container_definitions = container({ SELECTED_TOOLSETS: "performance,spool_reports", IBMI_EXECUTE_SQL_READONLY: "true" });
      const custom = { agentGrants: [{ ...monitoring, toolsets: ["performance", "spool_reports"] }, ops] };
      expect(judge(rule, p, { ...custom, toolCatalogue: withToolset("spool_reports", "low") }).verdict).toBe("pass");
      expect(lines(judge(rule, p, { ...custom, toolCatalogue: withToolset("spool_reports", "high") }))).toEqual([
        `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes spool_reports (high risk)`,
      ]);
      const recorded = (risk: string) => ({ ...p, "//": { policy: { ...custom, toolCatalogue: withToolset("spool_reports", risk) } } });
      expect(judge(rule, recorded("low")).verdict).toBe("pass");
      expect(lines(judge(rule, recorded("harmless")))).toEqual([
        `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes spool_reports (critical risk)`,
      ]);
      expect(lines(judge(rule, p, { ...custom, toolCatalogue: catalogue }))).toEqual([
        `${R}.monitoring: routes read-only agent group "monitoring" (10.20.1.0/28, 10.20.5.0/28) to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro exposes spool_reports (critical risk)`,
      ]);
    });
  });

  describe("targets it cannot read", () => {
    it("fails each with the reason", () => {
      const p = topology();
      const rules = p.resource.aws_lb_listener_rule;
      rules.foreign = { ...sourceRule(["10.20.2.0/29"], "rw", 3), action: [{ type: "forward", target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0a1b" }] };
      rules.idle = sourceRule(["10.20.2.8/29"], "idle", 4);
      p.resource.aws_lb_target_group.idle = { port: 3010 };
      p.resource.aws_ecs_task_definition.rw.container_definitions = "${jsonencode(local.containers)}";
      p.resource.aws_ecs_task_definition.ro.container_definitions = container({ SELECTED_TOOLSETS: "performance,sysadmin_browse", IBMI_EXECUTE_SQL_READONLY: "true" }, { command: ["--toolsets", "security_remediation"] });
      expect(lines(judge(rule, p, grants))).toEqual([
        `${R}.monitoring: forwards to aws_lb_target_group.ro, whose task aws_ecs_task_definition.ro passes --toolsets on the command line, which this rule cannot reconcile with SELECTED_TOOLSETS`,
        `${R}.ops: forwards to aws_lb_target_group.rw, whose task aws_ecs_task_definition.rw has container_definitions that are \${jsonencode(local.containers)}, which is only known at apply time and cannot be verified`,
        `${R}.foreign: forwards to arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0a1b, which is not a target group of this plan and cannot be verified`,
        `${R}.idle: forwards to aws_lb_target_group.idle, which no ECS service of this plan serves, so its toolsets cannot be verified`,
      ]);
    });

    it("fails a service whose container is not in its task, or whose task is not in the plan", () => {
      const p = topology();
      p.resource.aws_ecs_service.ro.load_balancer[0].container_name = "sidecar";
      p.resource.aws_ecs_task_definition.ro.container_definitions = JSON.stringify([{ name: "mcp" }, { name: "proxy" }]);
      p.resource.aws_ecs_service.rw.task_definition = "arn:aws:ecs:us-east-1:123456789012:task-definition/rw:3";
      expect(lines(judge(rule, p, grants))).toEqual([
        `${R}.monitoring: forwards to aws_lb_target_group.ro, whose service aws_ecs_service.ro sends it to container sidecar, which task aws_ecs_task_definition.ro does not define`,
        `${R}.ops: forwards to aws_lb_target_group.rw, whose service aws_ecs_service.rw runs task definition arn:aws:ecs:us-east-1:123456789012:task-definition/rw:3, which is not in this plan and cannot be verified`,
      ]);
    });
  });
});
