import { APPLY_SETTLE_SECONDS, SCHEDULE_SETTLE_SECONDS, TierRegistration, TierRegistrationProps, tlsServerName } from "../../constructs/tier-registration";
import * as fs from "node:fs";
import { FAILURE_MARKER, REGISTRATION_FILE, RegistrationFile, SUCCESS_MARKER } from "../../functions/register-tiers/contract";
import { evaluate } from "../../policy/engine";
import { policyContextOf } from "../../app/policy-step";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, synthStack, variant } from "../helpers";
import { fileInZip } from "../support/unzip";

/** Placeholder gateway key aliases (the stack's oauth wiring passes TokenSigningKeys' own: test/stacks/oauth-wiring.test.ts). */
const aliasOf = (i: number) => `alias/mcp-prod-token-gateway-placeholder-${i}`;

function props(stack: McpStack, over: Partial<TierRegistrationProps> = {}): TierRegistrationProps {
  const tiers = stack.mcp.tiers.map((t) => ({ id: t.id, url: stack.mcp.services[t.id].internalUrl, audience: stack.mcp.services[t.id].internalUrl, scopes: t.toolsets }));
  return {
    env: stack.env,
    network: stack.network,
    logs: stack.logs,
    alerts: stack.alerts,
    tiers,
    gatewayKeyAliases: Object.fromEntries(tiers.map((t, i) => [t.id, aliasOf(i)])),
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
  let registration!: TierRegistration;
  const built = synthStack(
    variant(env, (c) => (c.mcpServer.authMode = "jwt")),
    (s) => void (registration = new TierRegistration(s, "tier-registration", props(s, over(s)))),
  );
  return { ...built, registration };
}

/** The configuration as the function reads it in Lambda: the file in its package. */
const packedIn = (r: TierRegistration): RegistrationFile => JSON.parse(fileInZip(fs.readFileSync(r.function.bundle.zipPath), REGISTRATION_FILE));

const policyOf = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", "tier-registration/function/role/policy").policy).Statement as any[];

describe("TierRegistration", () => {
  let plan: TerraformJson;
  let stack: McpStack;
  let fn: any;
  let cfg: RegistrationFile;
  let registration: TierRegistration;
  beforeAll(() => {
    ({ plan, stack, registration } = build());
    fn = resourceAt(plan, "aws_lambda_function", "tier-registration/function/function");
    cfg = packedIn(registration);
  });

  it("packs every tier with its URL, audience, scopes and gateway key alias; the environment holds only what apply resolves", () => {
    expect(fn.function_name).toBe("mcp-prod-register-tiers");
    expect(fn.timeout).toBe(900);
    expect(fn.timeout).toBeGreaterThan(APPLY_SETTLE_SECONDS + 60);
    // The package the plan deploys is the one holding this file.
    expect(fn.source_code_hash).toBe(registration.function.bundle.sha256);
    expect(cfg).toEqual(registration.packed);
    expect(cfg.namePrefix).toBe("mcp-prod");
    expect(cfg.tokenLifetimeHours).toBe(24);
    // acm mode: the certificate's name (tls.domainName) and the public CAs only.
    expect(cfg.tlsServerName).toBe("mcp.example.com");
    expect(cfg.admin).toEqual({ email: "admin@mcp.example.internal" });
    expect(cfg.tiers.map((t) => t.id)).toEqual(stack.mcp.tiers.map((t) => t.id));
    cfg.tiers.forEach((t, i) => {
      expect(t).toEqual({ id: t.id, url: `http://${t.id}.mcp-prod.internal:3010/mcp`, audience: `http://${t.id}.mcp-prod.internal:3010/mcp`, gatewayKeyAlias: aliasOf(i), scopes: stack.mcp.tiers[i].toolsets });
      expect(t.scopes.length).toBeGreaterThan(0);
    });
    expect(fn.environment.variables).toEqual({
      GATEWAY_URL: expect.stringMatching(/^https:\/\/\$\{aws_lb\.load-balancer_\w+\.dns_name\}:4444$/),
      ADMIN_JWT_SECRET_ARN: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_gateway-jwt-secret_\w+\.arn\}$/),
    });
    // Never a secret value: the admin secret by ARN only.
    expect(JSON.stringify([cfg, fn.environment])).not.toMatch(/password|BEGIN .*PRIVATE/i);
  });

  it("in self-signed mode (dev) trusts the certificate the kit made, by its name; a wildcard name is checked as gateway.<domain>", () => {
    const dev = build(() => ({}), "dev");
    expect(packedIn(dev.registration).tlsServerName).toBe("mcp.dev.example.com");
    const vars = resourceAt(dev.plan, "aws_lambda_function", "tier-registration/function/function").environment.variables;
    expect(vars.GATEWAY_CA_PEM).toMatch(/^\$\{tls_self_signed_cert\.tls_self-signed-cert_\w+\.cert_pem\}$/);
    expect(tlsServerName("*.mcp.example.com")).toBe("gateway.mcp.example.com");
  });

  it("grows with the tiers without meeting Lambda's 4 KB of environment variables (60 tiers, each with long scopes)", () => {
    const many = build(() => ({
      tiers: Array.from({ length: 60 }, (_, i) => ({
        id: `t${i}`,
        url: `http://t${i}.mcp-prod.internal:3010/mcp`,
        audience: `http://t${i}.mcp-prod.internal:3010/mcp`,
        scopes: ["performance", "sysadmin_browse", "sysadmin_discovery", "sysadmin_search", "security_audit"],
      })),
      gatewayKeyAliases: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`t${i}`, `alias/mcp-prod-token-gateway-t${i}`])),
    }));
    expect(packedIn(many.registration).tiers).toHaveLength(60);
    expect(Buffer.byteLength(JSON.stringify(many.registration.packed))).toBeGreaterThan(4096);
    const vars = resourceAt(many.plan, "aws_lambda_function", "tier-registration/function/function").environment.variables;
    expect(Object.keys(vars).sort()).toEqual(["ADMIN_JWT_SECRET_ARN", "GATEWAY_URL"]);
    expect(Buffer.byteLength(JSON.stringify(vars))).toBeLessThan(512);
  });

  it("reads only the gateway's JWT secret; its kms:Sign rights come from the stack (TokenSigningKeys.grantGatewaySigning)", () => {
    const statements = policyOf(plan);
    expect(statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("kms:Sign")))).toEqual([]);
    const reads = statements.filter((s) => s.Action === "secretsmanager:GetSecretValue");
    expect(reads).toEqual([expect.objectContaining({ Resource: expect.stringMatching(/secrets_gateway-jwt-secret_\w+\.arn/) })]);
    expect(statements.map((s) => s.Sid).sort()).toEqual(["ManageVpcNetworkInterfaces", "ReadGatewayJwtSecret", "UseKeyReadSecretsTierRegistrationFunctionRole", "WriteOwnLogs"].sort());
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
    // What apply resolves re-runs it when it changes (a new load balancer, secret or certificate)...
    expect(run.triggers).toMatchObject({ GATEWAY_URL: fn.environment.variables.GATEWAY_URL, ADMIN_JWT_SECRET_ARN: fn.environment.variables.ADMIN_JWT_SECRET_ARN });
    // ... and a changed tier URL (or audience, scopes, alias) is a new package, whose hash re-runs it.
    expect(run.triggers.function).toBe(fn.source_code_hash);
    const moved = build((s) => ({ tiers: props(s).tiers.map((t, i) => (i === 0 ? { ...t, url: t.url.replace(":3010", ":3011") } : t)) }));
    expect(resourceAt(moved.plan, "aws_lambda_function", "tier-registration/function/function").source_code_hash).not.toBe(fn.source_code_hash);
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
    expect(() => build((s) => ({ gatewayKeyAliases: { [s.mcp.tiers[0].id]: aliasOf(0) } }))).toThrow(/no gateway key for tier\(s\) .+; gatewayKeyAliases needs one alias per tier id/);
    // A name Terraform resolves at apply cannot be packed at synth.
    expect(() => build((s) => ({ issuer: s.logs.auditBucket.arn }))).toThrow("tier-registration: the packed configuration holds a value known only at apply ($.issuer); pass it as a name known at synth");
    expect(() => build((s) => ({ tiers: props(s).tiers.map((t) => ({ ...t, scopes: [] })) }))).toThrow(/have no scopes; the MCP server refuses a token with an empty scp/);
    expect(() => build(() => ({ tiers: [] }))).toThrow("tier-registration: no tier to register");
  });
});
