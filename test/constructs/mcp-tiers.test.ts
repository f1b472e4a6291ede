/**
 * Issue 9's "done when", read off the synthesized plan of every shipped environment: each agent range reaches only
 * the target group whose MCP server exposes exactly the toolsets its group is granted; read-only groups reach no
 * high or critical toolset; no agent range reaches the gateway or the tasks by any other path.
 */
import { McpConfig } from "../../config/schema";
import { formatIp, overlaps, toCidr } from "../../lib/cidr";
import { loadToolCatalogue } from "../../lib/tool-catalogue";
import { judge } from "../policy/fixtures";
import { rule as tierRouting } from "../../policy/rules/mcp-lb-006";
import { policyContextOf } from "../../app/policy-step";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs } from "../configs";
import { resources, shippedPlan } from "../plans";
import { albRoute } from "../support/alb-route";

/** `${aws_x.name.attr}` → `aws_x.name` */
const addressOf = (ref: string) => /^\$\{([\w-]+\.[\w-]+)\.\w+\}$/.exec(ref)?.[1];

/** Where the MCP listener sends an MCP request from `ip`: the tier's toolsets and read-only flag, or "403". */
function route(plan: TerraformJson, ip: string) {
  const [mcpListener] = resources(plan, "aws_lb_listener").find(([, l]) => l.port === 3010)!;
  // Every condition counts (metadata and legacy-jwt rules of oauth mode hold a path or a header): test/support/alb-route.ts.
  const hit = albRoute(plan, mcpListener, { ip, path: "/mcp" });
  if (hit.fixed) {
    expect(hit.fixed.status).toBe("403");
    return "403" as const;
  }
  const tg = hit.targetGroup;
  const services = resources(plan, "aws_ecs_service").filter(([, s]) => s.load_balancer.some((lb: any) => addressOf(lb.target_group_arn) === tg));
  expect(services).toHaveLength(1);
  const td = resources(plan, "aws_ecs_task_definition").find(([a]) => a === addressOf(services[0][1].task_definition))![1];
  const env = Object.fromEntries(JSON.parse(td.container_definitions)[0].environment.map((e: any) => [e.name, e.value]));
  return { toolsets: String(env.SELECTED_TOOLSETS).split(","), sqlReadOnly: env.IBMI_EXECUTE_SQL_READONLY };
}

describe.each(["dev", "staging", "prod"])("tier isolation in %s", (name) => {
  let cfg: McpConfig;
  let plan: TerraformJson;
  beforeAll(() => {
    cfg = shippedConfigs()[name];
    plan = shippedPlan(name);
  });

  it("sends every agent range (first and last address) to a server with exactly its group's toolsets", () => {
    for (const a of cfg.agents) {
      for (const c of a.cidrs) {
        const r = toCidr(c)!;
        for (const ip of [r.network, r.network + 2 ** (32 - r.prefix) - 1].map(formatIp)) {
          expect([a.name, ip, route(plan, ip)]).toEqual([a.name, ip, { toolsets: [...new Set(a.toolsets)].sort(), sqlReadOnly: a.readOnly ? "true" : expect.any(String) }]);
        }
      }
    }
  });

  it("gives read-only groups no high or critical toolset on any path", () => {
    for (const a of cfg.agents.filter((x) => x.readOnly)) {
      for (const c of a.cidrs) {
        const got = route(plan, formatIp(toCidr(c)!.network));
        expect(got).not.toBe("403");
        if (got === "403") continue;
        expect(got.toolsets.filter((t) => ["high", "critical"].includes(loadToolCatalogue().toolsets.get(t)?.risk ?? "critical"))).toEqual([]);
        expect(got.sqlReadOnly).toBe("true");
      }
    }
  });

  it("lets no read-only (monitoring-style) group reach a tool that writes by any path", () => {
    const readOnly = cfg.agents.filter((a) => a.readOnly);
    expect(readOnly.length).toBeGreaterThan(0);
    const ranges = readOnly.flatMap((a) => a.cidrs).map((c) => toCidr(c)!);
    const touches = (v: string) => ranges.some((r) => overlaps(r, toCidr(v)!));
    // Every security group rule that admits any of these addresses, on any port: only the load balancer's, only 3010.
    const admitting = resources(plan, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.cidr_ipv4 && touches(r.cidr_ipv4));
    const [albGroup] = resources(plan, "aws_security_group").find(([, g]) => g.name === `mcp-${name}-alb`)!;
    expect(admitting.map(([, r]) => [addressOf(r.security_group_id), r.from_port, r.to_port])).toEqual(admitting.map(() => [albGroup, 3010, 3010]));
    expect(
      resources(plan, "aws_security_group")
        .flatMap(([, g]) => [...(g.ingress ?? [])])
        .filter((i: any) => (i.cidr_blocks ?? []).some(touches)),
    ).toEqual([]);
    // On that listener: every rule whose ranges overlap theirs (not only the first address), and the default action.
    const [mcpListener, listener] = resources(plan, "aws_lb_listener").find(([, l]) => l.port === 3010)!;
    expect(listener.default_action).toEqual([expect.objectContaining({ type: "fixed-response", fixed_response: expect.objectContaining({ status_code: "403" }) })]);
    const reached = resources(plan, "aws_lb_listener_rule")
      .filter(([, r]) => addressOf(r.listener_arn) === mcpListener && r.condition.some((c: any) => c.source_ip?.values.some(touches)))
      .flatMap(([, r]) => r.action.map((a: any) => addressOf(a.target_group_arn)));
    expect(reached.length).toBeGreaterThan(0);
    const [gatewayGroup] = resources(plan, "aws_lb_target_group").find(([, g]) => g.port === 4444)!;
    expect(reached).not.toContain(gatewayGroup);
    const exposed = reached.flatMap((tg) =>
      resources(plan, "aws_ecs_service")
        .filter(([, svc]) => svc.load_balancer.some((lb: any) => addressOf(lb.target_group_arn) === tg))
        .flatMap(([, svc]) => {
          const td = resources(plan, "aws_ecs_task_definition").find(([a]) => a === addressOf(svc.task_definition))![1];
          return JSON.parse(td.container_definitions).flatMap((c: any) => {
            const env = Object.fromEntries((c.environment ?? []).map((e: any) => [e.name, e.value]));
            expect(env.SELECTED_TOOLSETS).toEqual(expect.any(String));
            return String(env.SELECTED_TOOLSETS).split(",");
          });
        }),
    );
    expect(exposed.length).toBeGreaterThan(0);
    // Every tool of every exposed toolset is read-only in the tools YAML (lib/tool-catalogue.ts).
    const catalogue = loadToolCatalogue();
    const tools = exposed.flatMap((t) => catalogue.toolsets.get(t)?.tools ?? [`unknown toolset ${t}`]);
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.filter((n) => !catalogue.tools.get(n)?.readOnly)).toEqual([]);
    // The policy rule that guards every synth reads the same plan the same way.
    expect(judge(tierRouting, plan, policyContextOf(cfg)).verdict).toBe("pass");
  });

  it("answers 403 to any other address inside the networks the VPC routes to", () => {
    expect(route(plan, "10.99.0.1")).toBe("403");
    expect(route(plan, formatIp(toCidr(cfg.gateway.clientCidrs[0])!.network + 1))).toBe("403");
  });

  it("lets no agent range reach the gateway listener or any task directly", () => {
    const ingress = resources(plan, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    const agentRanges = cfg.agents.flatMap((a) => a.cidrs).map((c) => toCidr(c)!);
    const fromAgents = ingress.filter((r) => r.cidr_ipv4 && agentRanges.some((a) => overlaps(a, toCidr(r.cidr_ipv4)!)));
    expect(fromAgents.length).toBe(agentRanges.length);
    expect(fromAgents.map((r) => r.from_port)).toEqual(fromAgents.map(() => 3010));
    const [albGroup] = resources(plan, "aws_security_group").find(([, g]) => g.name === `mcp-${name}-alb`)!;
    for (const r of fromAgents) expect(addressOf(r.security_group_id)).toBe(albGroup);
  });
});
