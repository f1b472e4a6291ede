import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { McpConfig } from "../../config/schema";
import { LoadBalancer, LoadBalancerProps, routeTags } from "../../constructs/load-balancer";
import { SSL_POLICIES } from "../../constructs/tls";
import { assignSlots, rulePriority } from "../../lib/rule-priorities";
import { planTiers, tierOf } from "../../lib/tiers";
import { checkStack, formatViolations } from "../../policy/engine";
import { policyContextOf } from "../../app/policy-step";
import { TerraformJson } from "../../policy/types";
import { stageDefaults } from "../../stacks/stage-defaults";
import { CONFIG_DIR, shippedConfigs, synthStack, variant } from "../helpers";
import { resourceAt, resources, shippedPlan } from "../plans";
import { bareParts } from "./bare-parts";
import { synthBare } from "./bare-stack";

const ref = (type: string, plan: TerraformJson, pathSuffix: string, attr = "arn") => {
  const [address] = resources(plan, type).find(([, r]) => String(r["//"]?.metadata?.path ?? "").endsWith(pathSuffix))!;
  return `\${${address}.${attr}}`;
};
const listener = (plan: TerraformJson, port: number) => resources(plan, "aws_lb_listener").find(([, l]) => l.port === port)![1];
/** The MCP listener's rules in the order the load balancer evaluates them. */
/** The forwarding rules (not the fixed-response metadata rules of oauth mode), by priority. */
const rules = (plan: TerraformJson) =>
  resources(plan, "aws_lb_listener_rule")
    .map(([, r]) => r)
    .filter((r) => r.action[0].type === "forward")
    .sort((a, b) => a.priority - b.priority);

/** The forward priority of each rule key, in an estate of exactly these keys (lib/rule-priorities.ts). */
const forwardAt = (...keys: string[]) => {
  const slots = assignSlots(keys);
  return (key: string) => rulePriority("forward", slots.get(key)!);
};

describe("LoadBalancer", () => {
  const cfg = shippedConfigs();
  let staging: TerraformJson;
  let prod: TerraformJson;
  let dev: TerraformJson;
  beforeAll(() => {
    staging = shippedPlan("staging");
    prod = shippedPlan("prod");
    dev = shippedPlan("dev");
  });

  it("is internal, drops invalid headers, keeps long MCP streams open, and logs access to the SSE-S3 bucket", () => {
    const lb = resourceAt(prod, "aws_lb", "load-balancer/lb");
    expect(lb).toMatchObject({ name: "mcp-prod", internal: true, load_balancer_type: "application", drop_invalid_header_fields: true, idle_timeout: 300, enable_deletion_protection: true });
    expect(lb.security_groups).toEqual([ref("aws_security_group", prod, "agent-access/load-balancer/group", "id")]);
    expect(lb.access_logs).toEqual({ bucket: ref("aws_s3_bucket", prod, "audit-logs/access-logs-bucket/bucket", "bucket"), prefix: "alb", enabled: true });
    expect(resourceAt(dev, "aws_lb", "load-balancer/lb").enable_deletion_protection).toBe(false);
    // AWS test-writes to the bucket when access logs are turned on: the bucket policy must come first.
    const [policy] = resources(prod, "aws_s3_bucket_policy").find(([, p]) => String(p["//"].metadata.path).endsWith("audit-logs/access-logs-bucket/policy"))!;
    expect(lb.depends_on).toEqual([policy]);
  });

  it("has HTTPS listeners on 3010 and 4444 only, with the TLS construct's certificate and policy, and no HTTP listener", () => {
    const all = resources(prod, "aws_lb_listener").map(([, l]) => l);
    expect(all.map((l) => [l.port, l.protocol]).sort()).toEqual([
      [3010, "HTTPS"],
      [4444, "HTTPS"],
    ]);
    for (const l of all) {
      expect(l.ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
      expect(l.certificate_arn).toBe(cfg.prod.tls.certificateArn);
    }
  });

  it("answers 403 on 3010 unless a rule matches the caller's source range", () => {
    expect(listener(prod, 3010).default_action).toEqual([{ type: "fixed-response", fixed_response: { status_code: "403", content_type: "text/plain", message_body: "Forbidden: this source is not an agent group of this MCP server" } }]);
  });

  it("routes each agent group's ranges to its own tier; two groups with one grant share a tier, its target group and a rule", () => {
    const tiers = planTiers(cfg.staging.agents);
    expect(tiers.map((t) => t.agents)).toEqual([["monitoring", "capacity-planning"], ["ops"]]);
    const tg = (tierId: string) => ref("aws_lb_target_group", staging, `load-balancer/target-${tierId}`);
    const mcp = `\${${resources(staging, "aws_lb_listener").find(([, l]) => l.port === 3010)![0]}.arn}`;
    const got = rules(staging).map((r) => [r.priority, r.condition[0].source_ip.values, r.action[0].target_group_arn, r.listener_arn, r.tags]);
    const m = cfg.staging.agents;
    expect(tierOf(m[0])).toBe(tierOf(m[2]));
    // Each rule at the forward priority of its own key, its first range and that range's group (lib/rule-priorities.ts).
    const at = forwardAt("monitoring-10-21-1-0-28", "ops-10-21-2-0-28");
    expect(got.sort((x, y) => (String(x[1]) < String(y[1]) ? -1 : 1))).toEqual([
      [at("monitoring-10-21-1-0-28"), ["10.21.1.0/28", "10.21.3.0/28"], tg(tierOf(m[0])), mcp, { Name: `mcp-staging-${tierOf(m[0])}`, "agent-group": "monitoring capacity-planning", tier: tierOf(m[0]) }],
      [at("ops-10-21-2-0-28"), ["10.21.2.0/28"], tg(tierOf(m[1])), mcp, { Name: "mcp-staging-ops", "agent-group": "ops", tier: tierOf(m[1]) }],
    ]);
    expect(resources(staging, "aws_lb_target_group")).toHaveLength(3);
  });

  it("keeps a rule's construct id, named for its first range and that range's group, when other groups' ranges join it", () => {
    // Construct ids are a public contract: before packing, staging had route-monitoring-10-21-1-0-28 (and one rule per
    // group); that rule now also holds capacity-planning's range, at the same address, so apply updates it in place.
    const paths = (plan: TerraformJson) =>
      resources(plan, "aws_lb_listener_rule")
        .map(([, r]) => String(r["//"].metadata.path).replace(/^.*\/load-balancer\//, ""))
        .sort();
    expect(paths(staging)).toEqual(["metadata-monitoring-10-21-1-0-28", "metadata-ops-10-21-2-0-28", "route-monitoring-10-21-1-0-28", "route-ops-10-21-2-0-28"]);
    expect(paths(prod)).toEqual(["metadata-monitoring-10-22-1-0-28", "metadata-ops-10-22-2-0-28", "route-monitoring-10-22-1-0-28", "route-ops-10-22-2-0-28"]);
  });

  it("puts ranges in rules of four, each at the priority of its first range and group", () => {
    const cidrs = ["10.22.1.0/28", "10.22.2.0/28", "10.22.3.0/28", "10.22.4.0/28", "10.22.5.0/28", "10.22.6.0/28", "10.23.0.0/16"];
    // Four even without the metadata rules, whose path condition takes one of a rule's five values: the same chunks (and
    // rules) whether metadata or a migration is on or off (lib/tier-routes.ts).
    const { plan } = synthStack(
      variant("prod", (c) => {
        c.agents[0].cidrs = cidrs;
        c.agents[1].cidrs = ["10.24.0.0/28"];
        c.mcpServer.protectedResourceMetadata = false;
      }),
    );
    const got = rules(plan).map((r) => [r.priority, r.condition[0].source_ip.values, r.tags["agent-group"]]);
    const at = forwardAt("monitoring-10-22-1-0-28", "monitoring-10-22-5-0-28", "monitoring-10-23-0-0-16", "ops-10-24-0-0-28");
    expect(got.sort((x, y) => (String(x[1]) < String(y[1]) ? -1 : 1))).toEqual([
      [at("monitoring-10-22-1-0-28"), cidrs.slice(0, 4), "monitoring"],
      [at("monitoring-10-22-5-0-28"), cidrs.slice(4, 6), "monitoring"],
      [at("monitoring-10-23-0-0-16"), ["10.23.0.0/16"], "monitoring"],
      [at("ops-10-24-0-0-28"), ["10.24.0.0/28"], "ops"],
    ]);
  });

  it("refuses a second rule at a priority another rule holds, naming both, and a priority AWS does not accept", () => {
    const route = (priorities: number[]) => () =>
      synthStack(shippedConfigs().dev, (stack) => {
        const target = stack.loadBalancer.addTarget("extra", { name: "mcp-dev-extra", port: 3010, healthCheckPath: "/healthz", label: "extra" });
        priorities.forEach((priority, i) => stack.loadBalancer.route({ priority, agents: [`g${i}`], tierId: "extra", cidrs: [`10.70.${i}.0/28`] }, target));
      });
    const taken = rules(shippedPlan("dev"))[0].priority;
    expect(route([taken])).toThrow(new RegExp(`rules route-[a-z-]+-10(-\\d+){4} and route-g0-10-70-0-0-28 both have priority ${taken}; AWS refuses a priority in use \\(PriorityInUse\\)`));
    expect(route([45000, 45000])).toThrow("rules route-g0-10-70-0-0-28 and route-g1-10-70-1-0-28 both have priority 45000; AWS refuses a priority in use (PriorityInUse): take priorities from tierRules (lib/tier-routes.ts)");
    expect(route([50001])).toThrow("rule route-g0-10-70-0-0-28 has priority 50001; AWS accepts integers from 1 to 50000");
  });

  it("lists a rule's groups in its agent-group tag, and only counts them when the list outgrows a tag value (256)", () => {
    const rule = { agents: ["a".repeat(24), "b".repeat(24)], tierId: "ro-123456" };
    expect(routeTags("mcp-dev", rule)).toEqual({ Name: "mcp-dev-ro-123456", "agent-group": `${"a".repeat(24)} ${"b".repeat(24)}`, tier: "ro-123456" });
    expect(routeTags("mcp-dev", { ...rule, agents: [rule.agents[0]] })).toEqual({ Name: `mcp-dev-${"a".repeat(24)}`, "agent-group": "a".repeat(24), tier: "ro-123456" });
    // Config names have at most 24 characters and a rule at most 5 ranges, so only a construct user gets here.
    const many = Array.from({ length: 11 }, (_, i) => `group-${i}-${"x".repeat(16)}`);
    expect(routeTags("mcp-dev", { agents: many, tierId: "ro-123456" })).toEqual({ Name: "mcp-dev-ro-123456", "agent-group-count": "11", tier: "ro-123456" });
  });

  it("checks targets over HTTP on /healthz (MCP) and /health (gateway), by IP, sticky only where a process holds state", () => {
    const tgs = resources(prod, "aws_lb_target_group").map(([, t]) => t);
    for (const t of tgs) {
      expect(t).toMatchObject({ target_type: "ip", protocol: "HTTP" });
      expect(t.name.length).toBeLessThanOrEqual(32);
    }
    expect(tgs.map((t) => [t.name, t.port, t.health_check.path, t.health_check.matcher, t.stickiness.enabled]).sort()).toEqual(
      [["mcp-prod-gateway", 4444, "/health", "200", false], ...planTiers(cfg.prod.agents).map((t) => [`mcp-prod-${t.id}`, 3010, "/healthz", "200", false])].sort(),
    );
    const ibmi = synthStack(variant("prod", (c) => (c.mcpServer.authMode = "ibmi"))).plan;
    const sticky = resources(ibmi, "aws_lb_target_group")
      .filter(([, t]) => t.port === 3010)
      .map(([, t]) => t.stickiness);
    expect(sticky).toEqual(sticky.map(() => ({ type: "lb_cookie", enabled: true, cookie_duration: 3600 })));
  });

  it("forwards everything on 4444 to the gateway (the security group admits only the operators)", () => {
    expect(listener(prod, 4444).default_action).toEqual([{ type: "forward", target_group_arn: ref("aws_lb_target_group", prod, "load-balancer/target-gateway") }]);
  });

  it("raises alarms on unhealthy targets and 5xx spikes to the security topic", () => {
    const alarms = resources(prod, "aws_cloudwatch_metric_alarm")
      .map(([, a]) => a)
      .filter((a) => a.namespace === "AWS/ApplicationELB");
    const topic = ref("aws_sns_topic", prod, "alerts/topic");
    expect(alarms.map((a) => [a.metric_name, a.dimensions.TargetGroup ? "target" : "lb"]).sort()).toEqual(
      [
        ["HTTPCode_ELB_5XX_Count", "lb"],
        ...["gateway", ...planTiers(cfg.prod.agents).map((t) => t.id)].flatMap(() => [
          ["HTTPCode_Target_5XX_Count", "target"],
          ["UnHealthyHostCount", "target"],
        ]),
      ].sort(),
    );
    for (const a of alarms) expect(a.alarm_actions).toEqual([topic]);
  });

  it("outputs the MCP URL on the load balancer, the gateway URL and the log groups", () => {
    const out = prod.output as Record<string, any>;
    expect(out.mcp_url.value).toBe(`https://${ref("aws_lb", prod, "load-balancer/lb", "dns_name")}:3010/mcp`);
    expect(out.mcp_url_by_name.value).toBe("https://mcp.example.com:3010/mcp");
    expect(out.gateway_url.value).toBe("https://mcp.example.com:4444");
    expect(out.log_group_mcp_server.value).toBe(ref("aws_cloudwatch_log_group", prod, "audit-logs/mcp-server", "name"));
    expect(out.log_group_gateway.value).toBe(ref("aws_cloudwatch_log_group", prod, "audit-logs/gateway", "name"));
  });
});

describe("LoadBalancer at the benchmark's scale", () => {
  // 200 read-only groups of one /28, about 20 per grant, derived from config/dev.json the way bench/run.mjs does.
  const LOW = ["performance", "sysadmin_discovery", "sysadmin_browse", "sysadmin_search"];
  const GRANTS = Array.from({ length: 15 }, (_, m) => LOW.filter((_, b) => ((m + 1) >> b) & 1)).sort((a, b) => a.length - b.length);
  let plan: TerraformJson;
  let config: McpConfig;
  beforeAll(() => {
    const raw = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, "dev.json"), "utf8"));
    const template = raw.agents[0];
    raw.environment = "bench00";
    raw.stage = "dev";
    raw.network.vpcCidr = "10.40.0.0/20";
    raw.agents = Array.from({ length: 200 }, (_, i) => ({ ...template, name: `agent-${String(i).padStart(3, "0")}`, cidrs: [`10.${100 + Math.floor(i / 250)}.${i % 250}.0/28`], toolsets: GRANTS[Math.floor(i / 20) % GRANTS.length], readOnly: true }));
    const { config: c, problems } = validateConfig(raw, "config/bench00.json");
    expect(problems.map(formatProblem)).toEqual([]);
    expect(c!.suppressions ?? []).toEqual([]);
    config = c!;
    plan = synthStack(config).plan;
  });

  it("packs 200 agent groups into 50 listener rules, within AWS's 100 per load balancer, and passes every policy rule without a suppression", () => {
    const all = rules(plan);
    expect(planTiers(config.agents)).toHaveLength(10);
    // Four ranges a rule, so the same rules serve when metadata or a migration adds its rules (lib/tier-routes.ts).
    expect(all).toHaveLength(50);
    expect(all.map((r) => r.condition[0].source_ip.values.length)).toEqual(all.map(() => 4));
    expect(new Set(all.map((r) => r.priority)).size).toBe(50);
    // The context synth judges with (app/policy-step.ts): the config's grants and suppressions, none here.
    const result = checkStack("mcp-bench00", plan, policyContextOf(config));
    const verdict = (id: string) => result.results.find((r) => r.rule.id === id)!.verdict;
    expect([verdict("MCP-DEPLOY-019"), verdict("MCP-DEPLOY-022"), verdict("MCP-LB-006")]).toEqual(["pass", "pass", "pass"]);
    expect(formatViolations(result)).toEqual([]);
  });

  it("routes every group's range to its own tier's target group, and names every group in its rule's tag", () => {
    const tgOf = new Map(resources(plan, "aws_lb_target_group").map(([a, t]) => [`\${${a}.arn}`, t.name]));
    const routed = new Map<string, [string, string[]]>();
    for (const r of rules(plan)) for (const c of r.condition[0].source_ip.values) routed.set(c, [tgOf.get(r.action[0].target_group_arn)!, r.tags["agent-group"].split(" ")]);
    for (const a of config.agents) expect([a.name, ...routed.get(a.cidrs[0])!]).toEqual([a.name, `mcp-bench00-${tierOf(a)}`, expect.arrayContaining([a.name])]);
  });
});

describe("LoadBalancer props, set on the construct against the stage's defaults", () => {
  const TLS = { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", sslPolicy: SSL_POLICIES["1.2"] };
  const make = (stage: "staging" | "prod", props: Partial<LoadBalancerProps> = {}) => {
    const p = bareParts(stage);
    new LoadBalancer(p.stack, "lb", { env: p.env, network: p.network, securityGroup: p.clients, tls: TLS, ...stageDefaults(stage).loadBalancer, ...props });
    return resourceAt(synthBare(p.stack), "aws_lb", "lb/lb");
  };
  const logs = { bucket: "mcp-t-access-logs", prefix: "alb" };

  it("protects a staging load balancer from deletion and requires its access logs when asked", () => {
    expect(make("staging").enable_deletion_protection).toBe(false);
    expect(make("staging", { deletionProtection: true }).enable_deletion_protection).toBe(true);
    expect(() => make("staging", { requireAccessLogs: true })).toThrow("t/lb: accessLogs is required when requireAccessLogs is true (who called what must be on record)");
    expect(make("staging", { requireAccessLogs: true, accessLogs: logs }).access_logs).toEqual({ ...logs, enabled: true });
  });

  it("builds a prod load balancer without access logs or deletion protection when told: the props decide, not the stage", () => {
    expect(() => make("prod")).toThrow("t/lb: accessLogs is required when requireAccessLogs is true (who called what must be on record)");
    expect(make("prod", { accessLogs: logs }).enable_deletion_protection).toBe(true);
    const bare = make("prod", { requireAccessLogs: false, deletionProtection: false });
    expect(bare.enable_deletion_protection).toBe(false);
    expect(bare).not.toHaveProperty("access_logs");
  });
});
