import { AuthCanary, SETTLE_SECONDS } from "../../constructs/auth-canary";
import { Network } from "../../constructs/network";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, synthStack, variant } from "../helpers";
import { TARGETS_FILE } from "../../functions/auth-canary/contract";
import { packedFile, shippedPlan } from "../plans";

const policyOf = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", "auth-canary/function/role/policy").policy).Statement as any[];

describe("AuthCanary", () => {
  let prod: TerraformJson;
  let fn: any;
  let targets: { tier: string; url: string; foreignTokenSecret?: string }[];
  beforeAll(() => {
    prod = shippedPlan("prod");
    fn = resourceAt(prod, "aws_lambda_function", "auth-canary/function/function");
    targets = JSON.parse(packedFile("prod", fn, TARGETS_FILE));
  });

  it("runs in the private subnets with its own security group, and calls each tier at its Cloud Map address", () => {
    expect(fn.vpc_config.subnet_ids.length).toBe(3);
    expect(fn.vpc_config.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.auth-canary_function_security-group_\w+\.id\}$/)]);
    expect(fn.environment.variables.METRIC_NAMESPACE).toBe("MCP/prod/Security");
    // Every Cloud Map name but the gateway's own (constructs/gateway-service.ts) is a tier.
    const services = resources(prod, "aws_service_discovery_service")
      .map(([, s]) => s.name)
      .filter((n) => n !== "gateway")
      .sort();
    expect(targets.map((t) => t.tier).sort()).toEqual(services);
    for (const t of targets) expect(t.url).toBe(`http://${t.tier}.mcp-prod.internal:3010/mcp`);
  });

  it("shows each tier a token of another tier's agent group (jwt mode), and may read only those", () => {
    const tierOfAgent = new Map<string, string>();
    for (const [, s] of resources(prod, "aws_ecs_service"))
      for (const a of String(s.tags?.["agent-groups"] ?? "")
        .split(" ")
        .filter(Boolean))
        tierOfAgent.set(a, s.tags.tier);
    for (const t of targets) {
      const agent = t.foreignTokenSecret?.replace("mcp/prod/agent-token/", "") ?? "";
      expect(tierOfAgent.get(agent)).toBeDefined();
      expect(tierOfAgent.get(agent)).not.toBe(t.tier);
    }
    const reads = policyOf(prod).filter((s) => s.Action === "secretsmanager:GetSecretValue");
    expect(reads).toHaveLength(targets.length);
    for (const t of targets) {
      const agent = t.foreignTokenSecret!.split("/").pop();
      expect(reads.filter((r) => new RegExp(`^\\$\\{aws_secretsmanager_secret\\.secrets_agent-token-${agent}_\\w+\\.arn\\}$`).test(r.Resource))).toHaveLength(1);
    }
  });

  it("may publish metrics only to its own namespace", () => {
    const put = policyOf(prod).find((s) => s.Action === "cloudwatch:PutMetricData");
    expect(put).toEqual({ Sid: "PublishCanaryMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "MCP/prod/Security" } } });
    expect(
      policyOf(prod)
        .map((s) => s.Sid)
        .sort(),
    ).toEqual(["ManageVpcNetworkInterfaces", "PublishCanaryMetrics", "UseKeyReadSecretsAuthCanaryFunctionRole", "WriteOwnLogs", ...targets.map(() => expect.stringMatching(/^ReadAgentToken/))].sort());
  });

  it("reaches the tasks on 3010 only, admitted by a described and justified rule; and the monitoring endpoint exists", () => {
    const egress = resourceAt(prod, "aws_vpc_security_group_egress_rule", "auth-canary/function/security-group/out-3010-tasks");
    expect(egress).toMatchObject({ from_port: 3010, to_port: 3010, ip_protocol: "tcp", referenced_security_group_id: expect.stringMatching(/agent-access_tasks_group/) });
    const ingress = resourceAt(prod, "aws_vpc_security_group_ingress_rule", "agent-access/tasks/in-3010-security-group");
    expect(ingress).toMatchObject({
      from_port: 3010,
      to_port: 3010,
      description: "auth canary Lambda: probes that every tier refuses requests without its token",
      referenced_security_group_id: expect.stringMatching(/auth-canary_function_security-group/),
    });
    expect(ingress["//"].suppressions["MCP-NET-002"]).toMatch(/admits nothing/);
    expect(resourceAt(prod, "aws_security_group", "auth-canary/function/security-group/group").description).toBe("Lambda mcp-prod-auth-canary: HTTPS to the VPC endpoints, 3010 to the MCP tiers");
    const canaryIngress = resources(prod, "aws_vpc_security_group_ingress_rule").filter(([, r]) => String(r.security_group_id).includes("auth-canary_function"));
    expect(canaryIngress).toEqual([]);
    expect(resources(prod, "aws_vpc_endpoint").map(([, e]) => e.service_name)).toContain("com.amazonaws.us-east-1.monitoring");
  });

  it("runs on a schedule from config, and once on apply after the tier services and the tokens it presents", () => {
    const rule = resourceAt(prod, "aws_cloudwatch_event_rule", "auth-canary/schedule");
    expect(rule.schedule_expression).toBe("rate(15 minutes)");
    expect(resourceAt(prod, "aws_lambda_permission", "auth-canary/schedule-invoke")).toMatchObject({ principal: "events.amazonaws.com", source_arn: expect.stringMatching(/auth-canary_schedule/) });
    const run = resourceAt(prod, "aws_lambda_invocation", "auth-canary/on-apply");
    expect(JSON.parse(run.input)).toEqual({ settleSeconds: SETTLE_SECONDS });
    expect(fn.timeout).toBeGreaterThanOrEqual(SETTLE_SECONDS + targets.length * 10);
    const services = resources(prod, "aws_ecs_service")
      .filter(([, s]) => s.tags?.tier)
      .map(([k]) => k);
    // The tokens it presents must be current, not merely rotating (RotateSecret is asynchronous): one wait each.
    expect(run.depends_on).toEqual(expect.arrayContaining([...services, expect.stringMatching(/^aws_lambda_invocation\.secrets_first-value-agent-token-/)]));
    const waits = resources(prod, "aws_lambda_invocation").filter(([k]) => k.includes("secrets_first-value-agent-token-"));
    expect(waits.map(([k]) => k).sort()).toEqual(run.depends_on.filter((d: string) => d.includes("first-value-agent-token-")).sort());
    // A new task definition revision of any tier (every deploy that changes a container) runs it again.
    for (const t of targets) expect(run.triggers[t.tier]).toMatch(/^\$\{aws_ecs_task_definition\.mcp_.+\.arn\}$/);
    const five = synthStack(variant("dev", (c) => (c.alerts.authCanaryMinutes = 5))).plan;
    expect(resourceAt(five, "aws_cloudwatch_event_rule", "auth-canary/schedule").schedule_expression).toBe("rate(5 minutes)");
    expect(resources(five, "aws_cloudwatch_metric_alarm").find(([k]) => k.includes("auth-canary"))![1].period).toBe(600);
  });

  it("alarms per tier when a probe was not refused, or when results stop arriving, to the security topic", () => {
    const alarms = resources(prod, "aws_cloudwatch_metric_alarm").filter(([k]) => k.includes("alarm-auth-canary-"));
    expect(alarms.map(([, a]) => a.dimensions.Tier).sort()).toEqual(targets.map((t) => t.tier).sort());
    for (const [, a] of alarms) {
      expect(a).toMatchObject({
        namespace: "MCP/prod/Security",
        metric_name: "AuthCanaryFailures",
        statistic: "Maximum",
        period: 1800,
        evaluation_periods: 1,
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "breaching",
      });
      expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/)]);
      expect(a.depends_on).toEqual([expect.stringMatching(/^aws_lambda_invocation\.auth-canary_on-apply_/)]);
    }
  });

  it("in ibmi mode reads no secret: it shows each tier a token it signed itself", () => {
    const { plan, stack } = synthStack(variant("dev", (c) => (c.mcpServer.authMode = "ibmi")));
    const t = stack.authCanary.targets;
    expect(t.every((x: any) => x.foreignTokenSecret === undefined)).toBe(true);
    expect(policyOf(plan).some((s) => String(s.Action).startsWith("secretsmanager:"))).toBe(false);
  });

  describe("refuses", () => {
    let stack: McpStack;
    beforeAll(() => {
      stack = synthStack(variant("dev", () => undefined)).stack;
    });
    const props = (s: McpStack) => ({ env: s.env, network: s.network, logs: s.logs, alerts: s.alerts, services: Object.values(s.mcp.services), taskGroup: s.access.taskGroup });

    it("a network without the monitoring endpoint, where PutMetricData could never succeed", () => {
      const network = Object.create(stack.network, { interfaceEndpoints: { value: {} } }) as Network;
      expect(() => new AuthCanary(stack, "no-endpoint", { ...props(stack), network })).toThrow(
        'mcp-dev/no-endpoint: the network has no "monitoring" interface endpoint; without it PutMetricData from the private subnets times out and the canary alarm fires forever. Add "monitoring" to the network\'s interfaceEndpoints',
      );
    });

    it("intervals the alarm cannot watch, and nothing to probe", () => {
      expect(() => new AuthCanary(stack, "slow", { ...props(stack), intervalMinutes: 721 })).toThrow("mcp-dev/slow: intervalMinutes 721 must be a whole number from 1 to 720 (the alarm watches twice the interval, at most one day)");
      expect(() => new AuthCanary(stack, "none", { ...props(stack), services: [] })).toThrow("mcp-dev/none: no tier to probe");
      expect(() => new AuthCanary(stack, "port", { ...props(stack), port: 3011 })).toThrow(/mcp-dev\/port: tier \S+ listens at http:\/\/\S+:3010\/mcp, not on port 3011/);
    });
  });
});
