/**
 * How the environment stack joins the oauth pieces: the tier registration signs with the gateway's key of each tier
 * (and that key's policy lets it), and a jwt-to-oauth migration keeps each tier's signing secret for its legacy jwt
 * service only (no agent token re-minted with it, restarts aimed at `<tier id>-jwt`).
 */
import { RESTART_SERVICE_TAG, AGENT_TOKEN_TAG_PREFIX } from "../../functions/rotate-secret/contract";
import { resources, synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";

describe("tier registration in the shipped oauth plans", () => {
  it.each(["staging", "prod"])("%s: registers every tier with the gateway key of that tier, and each key lets the function sign", (env) => {
    const plan = shippedPlan(env);
    const [, fn] = resources(plan, "aws_lambda_function").find(([, b]) => b.function_name === `mcp-${env}-register-tiers`)!;
    const config = JSON.parse(fn.environment.variables.REGISTRATION);
    const services = resources(plan, "aws_ecs_service")
      .map(([, b]) => b.name as string)
      .filter((n) => n !== `mcp-${env}-gateway`);
    expect(config.tiers.map((t: { id: string }) => `mcp-${env}-${t.id}`).sort()).toEqual(services.sort());
    const keys = Object.fromEntries(resources(plan, "aws_kms_key").map(([a, b]) => [`\${${a}.arn}`, b]));
    for (const t of config.tiers) {
      // Its own audience, the gateway's own key (alias mcp-<env>-token-gateway-<tier>): never an agent group's.
      expect(t.audience).toBe(t.url);
      const key = keys[t.gatewayKeyArn];
      expect(key.customer_master_key_spec).toBe("ECC_NIST_P256");
      expect(key.description).toContain(`of the gateway for tier ${t.id} `);
      const signers = JSON.parse(key.policy).Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().includes("kms:Sign"));
      expect(signers.find((s: { Sid: string }) => /^RegisterTiers/.test(s.Sid))?.Principal.AWS).toBe(fn.role);
    }
  });
});

describe("a jwt-to-oauth migration", () => {
  const { plan } = synthStack(variant("staging", (c) => (c.mcpServer.authMigration = "jwt-to-oauth")));
  const signing = resources(plan, "aws_secretsmanager_secret").filter(([, b]) => /tier-signing-secret/.test(b.name));

  it("keeps one signing secret per tier, for its legacy jwt service", () => {
    const tiers = resources(plan, "aws_ecs_service")
      .map(([, b]) => b.name as string)
      .filter((n) => n.endsWith("-jwt"));
    expect(tiers.length).toBeGreaterThan(0);
    expect(signing.map(([, b]) => b.tags[RESTART_SERVICE_TAG]).sort()).toEqual(tiers.map((n) => expect.stringMatching(new RegExp(`:service/[^/]+/${n}$`))).sort());
  });

  it("signs no agent token with them: the agents' tokens are ES256 already", () => {
    for (const [, b] of signing) expect(Object.keys(b.tags).filter((k) => k.startsWith(AGENT_TOKEN_TAG_PREFIX))).toEqual([]);
  });
});

describe("the gateway database's own rotation (RDS-managed master password)", () => {
  it.each(["staging", "prod"])("%s: its RotationSucceeded event redeploys the gateway, which the rotation role alone may do", (env) => {
    const plan = shippedPlan(env);
    const [, rule] = resources(plan, "aws_cloudwatch_event_rule").find(([, r]) => r.name === `mcp-${env}-gateway-database-rotated`)!;
    const pattern = JSON.parse(rule.event_pattern);
    const [, db] = resources(plan, "aws_db_instance")[0];
    expect(db.manage_master_user_password).toBe(true);
    expect(pattern).toEqual({
      source: ["aws.secretsmanager"],
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationSucceeded"], additionalEventData: { SecretId: [expect.stringMatching(/^\$\{aws_db_instance\.[\w-]+\.master_user_secret\[0\]\.secret_arn\}$/)] } },
    });
    const [, target] = resources(plan, "aws_cloudwatch_event_target").find(([, t]) => t.target_id === "gateway-database-restart")!;
    const [gatewayAddress] = resources(plan, "aws_ecs_service").find(([, s]) => s.name === `mcp-${env}-gateway`)!;
    expect(target.input_transformer.input_paths).toEqual({ secret: "$.detail.additionalEventData.SecretId" });
    const services = JSON.parse(target.input_transformer.input_template.replace("<secret>", '"x"')).RestartServices.services;
    expect(services).toEqual([expect.stringMatching(new RegExp(`:service/mcp-${env}/mcp-${env}-gateway$`))]);
    expect(gatewayAddress).toBeDefined();
  });

  it("does not exist where the gateway keeps SQLite (dev)", () => {
    expect(resources(shippedPlan("dev"), "aws_cloudwatch_event_rule").filter(([, r]) => /gateway-database-rotated/.test(r.name))).toEqual([]);
  });
});
