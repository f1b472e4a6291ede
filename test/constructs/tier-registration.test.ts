import { APPLY_SETTLE_SECONDS, SCHEDULE_SETTLE_SECONDS, TierRegistration, TierRegistrationProps, tlsServerName } from "../../constructs/tier-registration";
import { FAILURE_MARKER, RegistrationConfig, SUCCESS_MARKER } from "../../functions/register-tiers/contract";
import { evaluate } from "../../policy/engine";
import { policyContextOf } from "../../app/policy-step";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, synthStack, variant } from "../helpers";

/** Placeholder gateway keys (issue 16's per-tier gateway keys are wired by the stack at merge). */
const keyOf = (i: number) => `arn:aws:kms:us-east-1:123456789012:key/0000000${i}-0000-4000-8000-000000000000`;

function props(stack: McpStack, over: Partial<TierRegistrationProps> = {}): TierRegistrationProps {
  const tiers = stack.mcp.tiers.map((t) => ({ id: t.id, url: stack.mcp.services[t.id].internalUrl, audience: stack.mcp.services[t.id].internalUrl, scopes: t.toolsets }));
  return {
    env: stack.env,
    network: stack.network,
    logs: stack.logs,
    alerts: stack.alerts,
    tiers,
    gatewayKeyArns: Object.fromEntries(tiers.map((t, i) => [t.id, keyOf(i)])),
    issuer: "https://issuer.mcp-prod.example.internal",
    gateway: { loadBalancer: stack.loadBalancer, certificate: stack.tls, securityGroup: stack.access.loadBalancerGroup },
    adminEmail: "admin@mcp.example.internal",
    adminJwtSecret: stack.secrets.gatewayJwtSecret,
    after: [stack.gateway.service, ...stack.mcp.tiers.map((t) => stack.mcp.services[t.id].service)],
    rerunWhen: { gateway: stack.gateway.taskDefinition.arn },
    ...over,
  };
}

function build(over: (s: McpStack) => Partial<TierRegistrationProps> = () => ({}), env = "prod") {
  // In jwt mode the stack registers nothing itself (oauth mode wires its own TierRegistration: test/stacks/oauth-wiring.test.ts).
  return synthStack(
    variant(env, (c) => (c.mcpServer.authMode = "jwt")),
    (s) => void new TierRegistration(s, "tier-registration", props(s, over(s))),
  );
}

const policyOf = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", "tier-registration/function/role/policy").policy).Statement as any[];

describe("TierRegistration", () => {
  let plan: TerraformJson;
  let stack: McpStack;
  let fn: any;
  let cfg: RegistrationConfig;
  beforeAll(() => {
    ({ plan, stack } = build());
    fn = resourceAt(plan, "aws_lambda_function", "tier-registration/function/function");
    cfg = JSON.parse(fn.environment.variables.REGISTRATION);
  });

  it("configures every tier with its URL, audience, scopes and own gateway key, and the gateway behind the load balancer", () => {
    expect(fn.function_name).toBe("mcp-prod-register-tiers");
    expect(fn.timeout).toBe(900);
    expect(fn.timeout).toBeGreaterThan(APPLY_SETTLE_SECONDS + 60);
    expect(cfg.namePrefix).toBe("mcp-prod");
    expect(cfg.tokenLifetimeHours).toBe(24);
    expect(cfg.gatewayUrl).toMatch(/^https:\/\/\$\{aws_lb\.load-balancer_\w+\.dns_name\}:4444$/);
    // acm mode: the certificate's name (tls.domainName) and the public CAs only.
    expect(cfg.tlsServerName).toBe("mcp.example.com");
    expect(cfg.caCertificatePem).toBeUndefined();
    expect(cfg.admin).toEqual({ email: "admin@mcp.example.internal", jwtSecretArn: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_gateway-jwt-secret_\w+\.arn\}$/) });
    expect(cfg.tiers.map((t) => t.id)).toEqual(stack.mcp.tiers.map((t) => t.id));
    cfg.tiers.forEach((t, i) => {
      expect(t).toEqual({ id: t.id, url: `http://${t.id}.mcp-prod.internal:3010/mcp`, audience: `http://${t.id}.mcp-prod.internal:3010/mcp`, gatewayKeyArn: keyOf(i), scopes: stack.mcp.tiers[i].toolsets });
      expect(t.scopes.length).toBeGreaterThan(0);
    });
    // Never a secret value in its environment: the admin secret by ARN only.
    expect(fn.environment.variables.REGISTRATION).not.toMatch(/password|BEGIN .*PRIVATE/i);
  });

  it("in self-signed mode (dev) trusts the certificate the kit made, by its name; a wildcard name is checked as gateway.<domain>", () => {
    const dev = build(() => ({}), "dev").plan;
    const devCfg: RegistrationConfig = JSON.parse(resourceAt(dev, "aws_lambda_function", "tier-registration/function/function").environment.variables.REGISTRATION);
    expect(devCfg.tlsServerName).toBe("mcp.dev.example.com");
    expect(devCfg.caCertificatePem).toMatch(/^\$\{tls_self_signed_cert\.tls_self-signed-cert_\w+\.cert_pem\}$/);
    expect(tlsServerName("*.mcp.example.com")).toBe("gateway.mcp.example.com");
  });

  it("may sign only with the tiers' gateway keys, only ES256 digests, and read only the gateway's JWT secret", () => {
    const statements = policyOf(plan);
    const sign = statements.find((s) => s.Sid === "SignGatewayTokens");
    expect(sign).toEqual({
      Sid: "SignGatewayTokens",
      Effect: "Allow",
      Action: "kms:Sign",
      Resource: cfg.tiers.map((_, i) => keyOf(i)),
      Condition: { StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" } },
    });
    const reads = statements.filter((s) => s.Action === "secretsmanager:GetSecretValue");
    expect(reads).toEqual([expect.objectContaining({ Resource: expect.stringMatching(/secrets_gateway-jwt-secret_\w+\.arn/) })]);
    expect(statements.map((s) => s.Sid).sort()).toEqual(["ManageVpcNetworkInterfaces", "ReadGatewayJwtSecret", "SignGatewayTokens", "UseKeyReadSecretsTierRegistrationFunctionRole", "WriteOwnLogs"].sort());
  });

  it("reaches only the VPC endpoints on 443 and the load balancer's gateway listener, which admits it by a described rule", () => {
    const egress = resources(plan, "aws_vpc_security_group_egress_rule").filter(([, r]) => String(r.security_group_id).includes("tier-registration_function"));
    expect(egress.map(([, r]) => [r.from_port, String(r.referenced_security_group_id).replace(/^\$\{aws_security_group\.(.+)_[0-9A-F]{8}\.id\}$/, "$1")]).sort()).toEqual([
      [443, "network_endpoints_group"],
      [4444, "agent-access_load-balancer_group"],
    ]);
    const ingress = resourceAt(plan, "aws_vpc_security_group_ingress_rule", "agent-access/load-balancer/in-4444-security-group");
    expect(ingress).toMatchObject({
      from_port: 4444,
      to_port: 4444,
      ip_protocol: "tcp",
      description: "register-tiers Lambda: registers the MCP tiers with the gateway",
      referenced_security_group_id: expect.stringMatching(/tier-registration_function_security-group/),
    });
    expect(resources(plan, "aws_vpc_security_group_ingress_rule").filter(([, r]) => String(r.security_group_id).includes("tier-registration_function"))).toEqual([]);
  });

  it("runs every third of the token lifetime and once on apply after the gateway and tiers, re-run when what it registers changes", () => {
    const rule = resourceAt(plan, "aws_cloudwatch_event_rule", "tier-registration/schedule");
    expect(rule.schedule_expression).toBe("rate(480 minutes)");
    const target = resourceAt(plan, "aws_cloudwatch_event_target", "tier-registration/target");
    expect(JSON.parse(target.input)).toEqual({ settleSeconds: SCHEDULE_SETTLE_SECONDS });
    expect(resourceAt(plan, "aws_lambda_permission", "tier-registration/schedule-invoke")).toMatchObject({ principal: "events.amazonaws.com", source_arn: expect.stringMatching(/tier-registration_schedule/) });
    const run = resourceAt(plan, "aws_lambda_invocation", "tier-registration/on-apply");
    expect(JSON.parse(run.input)).toEqual({ settleSeconds: APPLY_SETTLE_SECONDS, throwOnFailure: false });
    const services = resources(plan, "aws_ecs_service").map(([k]) => k);
    expect(services.length).toBeGreaterThan(1);
    expect(run.depends_on).toEqual(expect.arrayContaining([...services, expect.stringMatching(/^aws_cloudwatch_log_metric_filter\.alerts_filter-tier-registration-ok/)]));
    expect(run.triggers.gateway).toMatch(/^\$\{aws_ecs_task_definition\.gateway_task_\w+\.arn\}$/);
    // A changed tier URL (or audience, scopes, key) changes the configuration hash, which re-runs it.
    const moved = build((s) => ({ tiers: props(s).tiers.map((t, i) => (i === 0 ? { ...t, url: t.url.replace(":3010", ":3011") } : t)) })).plan;
    expect(resourceAt(moved, "aws_lambda_invocation", "tier-registration/on-apply").triggers.configuration).not.toBe(run.triggers.configuration);
    const shorter = build(() => ({ tokenLifetimeHours: 6 })).plan;
    expect(resourceAt(shorter, "aws_cloudwatch_event_rule", "tier-registration/schedule").schedule_expression).toBe("rate(120 minutes)");
  });

  it("alarms to the security topic on a failure line, on a function error, and when no complete run arrived for two intervals", () => {
    const filters = Object.fromEntries(
      resources(plan, "aws_cloudwatch_log_metric_filter")
        .filter(([k]) => k.includes("tier-registration"))
        .map(([, f]) => [f.metric_transformation.name, f]),
    );
    expect(filters.TierRegistrationFailures.pattern).toBe(`"${FAILURE_MARKER}"`);
    expect(filters.TierRegistrationRuns.pattern).toBe(`"${SUCCESS_MARKER}"`);
    for (const f of Object.values(filters) as any[]) expect(f.log_group_name).toMatch(/^\$\{aws_cloudwatch_log_group\.audit-logs_lambda-register-tiers_\w+\.name\}$/);
    const alarms = Object.fromEntries(
      resources(plan, "aws_cloudwatch_metric_alarm")
        .filter(([, a]) => String(a.alarm_name).includes("tier-registration"))
        .map(([, a]) => [a.alarm_name, a]),
    );
    expect(Object.keys(alarms).sort()).toEqual(["mcp-prod-tier-registration-errors", "mcp-prod-tier-registration-failed", "mcp-prod-tier-registration-stale"]);
    for (const a of Object.values(alarms) as any[]) expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.alerts_/)]);
    expect(alarms["mcp-prod-tier-registration-errors"]).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: expect.stringMatching(/^\$\{aws_lambda_function\.tier-registration_function_\w+\.function_name\}$/) },
    });
    expect(alarms["mcp-prod-tier-registration-failed"]).toMatchObject({ metric_name: "TierRegistrationFailures", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold" });
    expect(alarms["mcp-prod-tier-registration-stale"]).toMatchObject({ metric_name: "TierRegistrationRuns", period: 2 * 480 * 60, comparison_operator: "LessThanThreshold", treat_missing_data: "breaching" });
    expect(alarms["mcp-prod-tier-registration-stale"].depends_on).toEqual([expect.stringMatching(/^aws_lambda_invocation\.tier-registration_on-apply/)]);
  });

  it("passes the policy engine", () => {
    const failing = evaluate(plan, policyContextOf(variant("prod", () => undefined))).filter((r) => r.verdict === "fail");
    expect(failing.map((r) => `${r.rule.id}: ${r.violations.map((v) => JSON.stringify(v)).join("; ")}`)).toEqual([]);
  });

  it("refuses what cannot work, naming the prop and the fix", () => {
    expect(() => build(() => ({ tokenLifetimeHours: 48 }))).toThrow("tier-registration: tokenLifetimeHours 48 must be a whole number from 3 to 36");
    expect(() => build((s) => ({ gatewayKeyArns: { [s.mcp.tiers[0].id]: keyOf(0) } }))).toThrow(/no gateway key for tier\(s\) .+; gatewayKeyArns needs one ARN per tier id/);
    expect(() => build((s) => ({ tiers: props(s).tiers.map((t) => ({ ...t, scopes: [] })) }))).toThrow(/have no scopes; the MCP server refuses a token with an empty scp/);
    expect(() => build(() => ({ tiers: [] }))).toThrow("tier-registration: no tier to register");
  });
});
