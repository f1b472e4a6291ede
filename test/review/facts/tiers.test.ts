/** review/facts/tiers.ts: a listener rule followed to its tasks, from a small hand-written plan. */
import { containerFacts, serviceFacts } from "../../../review/facts/containers";
import { flowFacts } from "../../../review/facts/flows";
import { listenerFacts } from "../../../review/facts/listeners";
import { securityGroupFacts } from "../../../review/facts/security-groups";
import { tierFacts } from "../../../review/facts/tiers";
import { ReviewContext } from "../../../review/facts";
import { PlanIndex } from "../../../review/plan-index";

const env = (vars: Record<string, string>) => Object.entries(vars).map(([name, value]) => ({ name, value }));
const plan = {
  resource: {
    aws_lb: { alb: { name: "alb" } },
    aws_lb_listener: { mcp: { load_balancer_arn: "${aws_lb.alb.arn}", port: 3010, protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06", default_action: [{ type: "fixed-response", fixed_response: { status_code: "403" } }] } },
    aws_lb_target_group: { rw: { name: "rw" } },
    aws_ecs_task_definition: { rw: { family: "rw", container_definitions: JSON.stringify([{ name: "server", environment: env({ SELECTED_TOOLSETS: "security_audit,performance", IBMI_EXECUTE_SQL_READONLY: "false" }) }]) } },
    aws_ecs_service: { rw: { name: "mcp-rw", task_definition: "${aws_ecs_task_definition.rw.arn}", load_balancer: [{ target_group_arn: "${aws_lb_target_group.rw.arn}" }] } },
    aws_lb_listener_rule: {
      ops: { listener_arn: "${aws_lb_listener.mcp.arn}", priority: 10, tags: { "agent-group": "ops" }, condition: [{ source_ip: { values: ["10.20.2.0/28"] } }], action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.rw.arn}" }] },
      metadata: { listener_arn: "${aws_lb_listener.mcp.arn}", priority: 1, condition: [{ source_ip: { values: ["10.20.2.0/28"] } }], action: [{ type: "fixed-response" }] },
      host: { listener_arn: "${aws_lb_listener.mcp.arn}", priority: 5, condition: [{ host_header: { values: ["mcp.example"] } }], action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.rw.arn}" }] },
    },
  },
};

function tiers(ctx: ReviewContext = {}, p: Record<string, any> = plan) {
  const idx = new PlanIndex(p);
  const flows = flowFacts(idx, securityGroupFacts(idx), ctx, 3010, 4444);
  return tierFacts(idx, p, { flows: flows.all, listeners: listenerFacts(idx), services: serviceFacts(idx), containers: containerFacts(idx) }, ctx);
}

describe("tierFacts", () => {
  it("follows each source-routed forward rule to its service's toolsets; rules that answer themselves or route by host are no tier", () => {
    const { tiers: t, tierDefaults } = tiers();
    expect(t).toHaveLength(1);
    expect(t[0]).toEqual(
      expect.objectContaining({
        address: "aws_lb_listener_rule.ops",
        agentGroups: ["ops"],
        sources: ["10.20.2.0/28"],
        priority: 10,
        listener: "alb:3010",
        targetGroup: "rw",
        services: ["mcp-rw"],
        toolsets: ["performance", "security_audit"],
        readOnlySql: "false",
        readOnlyGrant: undefined,
        tools: undefined,
        toolsYaml: false,
      }),
    );
    // No catalogue recorded: the risk is unknown, and a task without TOOLS_YAML_PATH loads no YAML tool.
    expect(t[0].risk).toBe("unknown");
    expect(t[0].flags.map((f) => f.text)).toEqual(["no TOOLS_YAML_PATH: the server loads no IBM i tool of its toolsets, only its built-in ones"]);
    expect(tierDefaults).toEqual(["alb:3010 → fixed response 403"]);
  });

  it("with the config's grants, flags toolsets it did not grant and says whether the group is read-only", () => {
    const { tiers: t } = tiers({ agents: [{ name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance"], readOnly: true }] });
    expect(t[0].readOnlyGrant).toBe(true);
    expect(t[0].flags.map((f) => f.text)).toContain("config grants ops performance");
  });

  it("takes risks and tools from the catalogue the plan records: a toolset in no file is dropped, a read-only group on a high-risk tier is critical", () => {
    const withTools = JSON.parse(JSON.stringify(plan));
    withTools.resource.aws_ecs_task_definition.rw.container_definitions = JSON.stringify([{ name: "server", environment: env({ SELECTED_TOOLSETS: "security_audit,performance", TOOLS_YAML_PATH: "/opt/ibmi-mcp/tools" }) }]);
    withTools["//"] = {
      policy: {
        toolCatalogue: {
          files: ["tools/performance.yaml", "tools/security.yaml"],
          toolsets: { performance: { risk: "low", tools: ["system_status"] }, security_audit: { risk: "high", tools: ["user_audit"] } },
          tools: { system_status: { readOnly: true, destructive: false }, user_audit: { readOnly: false, destructive: false } },
        },
      },
    };
    const [t] = tiers({ agents: [{ name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance", "security_audit"], readOnly: true }] }, withTools).tiers;
    expect(t.risk).toBe("high");
    expect(t.toolsYaml).toBe(true);
    expect(t.tools?.map((x) => x.name)).toEqual(expect.arrayContaining(["system_status", "user_audit"]));
    expect(t.flags).toEqual([{ severity: "critical", text: "read-only agent group reaches high-risk toolsets" }]);
    withTools["//"].policy.toolCatalogue.toolsets = { performance: { risk: "low", tools: ["system_status"] } };
    const [unknown] = tiers({}, withTools).tiers;
    expect(unknown.risk).toBe("unknown");
    expect(unknown.flags.map((f) => f.text)).toEqual(["security_audit is in no tools YAML file the stack was built with, so the server drops it silently"]);
  });
});
