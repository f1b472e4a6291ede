/**
 * How the environment stack joins the oauth pieces: the tier registration signs with the gateway's key of each tier
 * (and that key's policy lets it), and a jwt-to-oauth migration keeps each tier's signing secret for its legacy jwt
 * service only (no agent token re-minted with it, restarts aimed at `<tier id>-jwt`).
 */
import { RESTART_SERVICE_TAG, AGENT_TOKEN_TAG_PREFIX } from "../../functions/rotate-secret/contract";
import { REGISTRATION_FILE, RegistrationFile } from "../../functions/register-tiers/contract";
import { loadToolCatalogue } from "../../lib/tool-catalogue";
import { resources, synthStack, variant } from "../helpers";
import { packedFile, shippedPlan } from "../plans";

/** The register-tiers function of a shipped plan and the configuration packed in its package, as Lambda unpacks it. */
function registration(env: string) {
  const plan = shippedPlan(env);
  const [, fn] = resources(plan, "aws_lambda_function").find(([, b]) => b.function_name === `mcp-${env}-register-tiers`)!;
  return { plan, fn, packed: JSON.parse(packedFile(env, fn, REGISTRATION_FILE)) as RegistrationFile };
}

describe("tier registration in the shipped oauth plans", () => {
  it.each(["staging", "prod"])("%s: registers every tier with the gateway key of that tier, and each key lets the function sign", (env) => {
    const { plan, fn, packed: config } = registration(env);
    const services = resources(plan, "aws_ecs_service")
      .map(([, b]) => b.name as string)
      .filter((n) => n !== `mcp-${env}-gateway`);
    expect(config.tiers.map((t: { id: string }) => `mcp-${env}-${t.id}`).sort()).toEqual(services.sort());
    const keys = Object.fromEntries(resources(plan, "aws_kms_key").map(([a, b]) => [`\${${a}.key_id}`, b]));
    const aliases = Object.fromEntries(resources(plan, "aws_kms_alias").map(([, b]) => [b.name, b]));
    for (const t of config.tiers) {
      // Its own audience, the gateway's own key (alias mcp-<env>-token-gateway-<tier>): never an agent group's.
      expect(t.audience).toBe(t.url);
      expect(t.gatewayKeyAlias).toBe(`alias/mcp-${env}-token-gateway-${t.id}`);
      const key = keys[aliases[t.gatewayKeyAlias].target_key_id];
      expect(key.customer_master_key_spec).toBe("ECC_NIST_P256");
      expect(key.description).toContain(`of the gateway for tier ${t.id} `);
      const signers = JSON.parse(key.policy).Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().includes("kms:Sign"));
      expect(signers.find((s: { Sid: string }) => /^RegisterTiers/.test(s.Sid))?.Principal.AWS).toBe(fn.role);
      // It resolves the alias to the key (and its id, the token's kid) with kms:DescribeKey, which the key policy allows it.
      const describers = JSON.parse(key.policy).Statement.filter((s: { Sid: string; Action: string | string[] }) => s.Sid !== "AccountAdministersKey" && [s.Action].flat().includes("kms:DescribeKey"));
      expect(describers.map((s: { Sid: string; Principal: { AWS: string } }) => [s.Sid, s.Principal.AWS])).toEqual([["RegisterTiersDescribe", fn.role]]);
    }
    // Its own policy names no key: two statements by tag, whatever the number of tiers (the key policies name the role).
    const role = resources(plan, "aws_iam_role_policy").find(([, p]) => p.role === fn.role.replace(/\.arn\}$/, ".name}") || p.role === fn.role.replace(/\.arn\}$/, ".id}"))?.[1];
    const kmsStatements = JSON.parse(role.policy).Statement.filter((s: { Sid: string }) => s.Sid.startsWith("RegisterTiers"));
    const tags = { StringEquals: { "aws:ResourceTag/mcp-token-signing-key": env }, StringLike: { "aws:ResourceTag/token-owner": "gateway-*" } };
    expect(kmsStatements).toEqual([
      {
        Sid: "RegisterTiersSign",
        Effect: "Allow",
        Action: "kms:Sign",
        Resource: "arn:aws:kms:us-east-1:123456789012:key/*",
        Condition: { ...tags, StringEquals: { ...tags.StringEquals, "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" } },
      },
      { Sid: "RegisterTiersDescribe", Effect: "Allow", Action: "kms:DescribeKey", Resource: "arn:aws:kms:us-east-1:123456789012:key/*", Condition: tags },
    ]);
    // The environment holds only what apply resolves; a key replaced behind its alias re-runs the registration.
    expect(Object.keys(fn.environment.variables).sort()).toEqual(["ADMIN_JWT_SECRET_ARN", "GATEWAY_URL"]);
    const [, run] = resources(plan, "aws_lambda_invocation").find(([a]) => a.startsWith("aws_lambda_invocation.tier-registration_on-apply"))!;
    expect(run.triggers.gatewayKeys.split(",")).toHaveLength(config.tiers.length);
    expect(run.depends_on).toEqual(expect.arrayContaining(config.tiers.map(() => expect.stringMatching(/^aws_kms_alias\.token-signing-keys_gateway-/))));
  });

  it("an oauth estate of 40 tiers synthesizes: the registration's configuration is packed, not in Lambda's 4 KB environment", () => {
    // Every non-empty combination of toolsets is its own tier (lib/tiers.ts): 40 agent groups, 40 tiers.
    const names = [...loadToolCatalogue().toolsets.keys()].sort();
    const combos = Array.from({ length: 2 ** names.length - 1 }, (_, i) => names.filter((_, b) => (i + 1) & (1 << b))).slice(0, 40);
    const { plan, stack } = synthStack(
      variant("staging", (c) => {
        const template = c.agents[0];
        c.agents = combos.map((toolsets, i) => ({ ...template, name: `agents-${i}`, cidrs: [`10.21.${10 + i}.0/28`], toolsets, readOnly: !toolsets.some((t) => t.startsWith("security_remediation")), tokenReader: undefined }));
      }),
    );
    expect(stack.mcp.tiers).toHaveLength(40);
    expect(stack.tierRegistration!.packed.tiers).toHaveLength(40);
    const [, fn] = resources(plan, "aws_lambda_function").find(([, b]) => b.function_name === "mcp-staging-register-tiers")!;
    expect(Object.keys(fn.environment.variables).sort()).toEqual(["ADMIN_JWT_SECRET_ARN", "GATEWAY_URL"]);
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
