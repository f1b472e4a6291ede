/**
 * oauth mode (issue 16), the infrastructure side: the KMS keys that sign agent tokens, the JWKS in the VPC, the token
 * secrets' tags and schedules, and the tiers' environment. The function side (minting through kms:Sign, PublishJwks,
 * Remint) is tested in test/functions.
 *
 * What the tiers do with it, upstream IBM/ibmi-mcp-server v0.5.1, packages/server/src/mcp-server/transports/auth/:
 * - authFactory.ts:29-45: MCP_AUTH_MODE "oauth" builds OauthStrategy; MCP_AUTH_SECRET_KEY is read only by
 *   jwtStrategy.ts:25-43, so an oauth tier holds no signing secret (config/index.ts:172 makes it optional).
 * - strategies/oauthStrategy.ts:27-39: throws without OAUTH_ISSUER_URL or OAUTH_AUDIENCE; :41-48 createRemoteJWKSet of
 *   OAUTH_JWKS_URI, or issuer + "/.well-known/jwks.json" (the kit's URI is exactly that), with cooldownDuration 300000;
 *   :77-80 jwtVerify with issuer and audience; :89-120 requires non-empty scp (or scope) and a string client_id.
 * - jose 6.2.2 (upstream's package-lock.json): cacheMaxAge not set, so its default 600000 ms: a key removed from the
 *   JWKS is refused at the latest 10 minutes after the object is rewritten (a stale cache reloads before verifying).
 * - The env as a whole passes upstream's zod schema (lib/upstream-env.ts, test/constructs/mcp-environment.test.ts), so
 *   the server never falls back to auth "none" on stdio (config/index.ts:419-430).
 */
import { tagValueOk } from "../../constructs/secrets";
import { JWKS_CACHE_MAX_AGE_MS, JWKS_OBJECT_KEY } from "../../constructs/jwks-bucket";
import { TokenSigningKeys } from "../../constructs/token-signing-keys";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { bareEnv, bareStack } from "./bare-stack";

const ref = (address: string, attr = "arn") => `\${${address}.${attr}}`;
const addressAt = (plan: TerraformJson, type: string, pathSuffix: string) => {
  const hit = resources(plan, type).find(([, r]) => String(r["//"]?.metadata?.path).endsWith(`/${pathSuffix}`));
  if (!hit) throw new Error(`no ${type} at ${pathSuffix}`);
  return hit[0];
};
const rolePolicy = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_iam_role_policy", "secrets/rotation/role/policy").policy).Statement as any[];
const keyAddresses = (plan: TerraformJson) => resources(plan, "aws_kms_key").filter(([, k]) => k.key_usage === "SIGN_VERIFY");

describe("oauth mode: token signing keys, JWKS, tokens, tiers", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  let stack: McpStack;
  beforeAll(() => {
    ({ plan: prod, stack } = synthStack(cfg.prod));
  });

  it("makes one asymmetric P-256 key per agent group and one per tier for the gateway, none rotated by AWS", () => {
    const keys = keyAddresses(prod);
    const owners = keys.map(([, k]) => k.tags["token-owner"]).sort();
    expect(owners).toEqual([...cfg.prod.agents.map((a) => a.name), ...stack.mcp.tiers.map((t) => `gateway-${t.id}`)].sort());
    for (const [, k] of keys) {
      expect(k).toMatchObject({ customer_master_key_spec: "ECC_NIST_P256", key_usage: "SIGN_VERIFY", enable_key_rotation: false, deletion_window_in_days: 30 });
      expect(k.tags).toMatchObject({ "mcp-token-signing-key": "prod", "key-generation": "1" });
    }
    const aliases = resources(prod, "aws_kms_alias")
      .map(([, a]) => a.name)
      .filter((n: string) => n.includes("-token-"));
    expect(aliases.sort()).toEqual(owners.map((o) => `alias/mcp-prod-token-${o}`).sort());
  });

  it("lets the account administer each key and only the rotation function sign (ES256 only) and read its public half", () => {
    const fnRole = ref(addressAt(prod, "aws_iam_role", "secrets/rotation/role/role"));
    for (const [address, k] of keyAddresses(prod)) {
      const st = JSON.parse(k.policy).Statement as any[];
      // The gateway's keys also let the tier registration sign the gateway's token for that one tier (stacks/mcp-stack.ts).
      const registration = /gateway-(.+)-g\d+_/.exec(address)?.[1];
      const expected = ["AccountAdministersKey", "RotationFunctionSigns", "RotationFunctionPublishesPublicKey", ...(registration ? ["RegisterTiers", "RegisterTiersDescribe"] : [])];
      expect([address, st.map((s) => s.Sid)]).toEqual([address, expected]);
      expect(st[0].Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
      expect(st[0].Action).not.toContain("kms:Sign");
      expect(st[1]).toMatchObject({ Principal: { AWS: fnRole }, Action: "kms:Sign", Condition: { StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256" } } });
      expect(st[2]).toMatchObject({ Principal: { AWS: fnRole }, Action: "kms:GetPublicKey" });
    }
  });

  it("grants the rotation role sign and public-key reads on the environment's token keys by tag, the JWKS write, and re-mints", () => {
    const st = rolePolicy(prod);
    const bySid = Object.fromEntries(st.map((s) => [s.Sid, s]));
    const tag = { "aws:ResourceTag/mcp-token-signing-key": "prod" };
    expect(bySid.SignTokens).toMatchObject({ Action: "kms:Sign", Resource: "arn:aws:kms:us-east-1:123456789012:key/*", Condition: { StringEquals: { ...tag, "kms:SigningAlgorithm": "ECDSA_SHA_256" } } });
    expect(bySid.PublishTokenSigningKeys).toMatchObject({ Action: "kms:GetPublicKey", Resource: "arn:aws:kms:us-east-1:123456789012:key/*", Condition: { StringEquals: tag } });
    expect(bySid.PublishKeySet).toEqual({ Sid: "PublishKeySet", Effect: "Allow", Action: "s3:PutObject", Resource: `${ref(addressAt(prod, "aws_s3_bucket", "jwks/bucket"))}/${JWKS_OBJECT_KEY}` });
    expect(bySid.RemintOauthAgentTokens).toMatchObject({ Action: "secretsmanager:RotateSecret", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/agent-token/*" });
    expect(bySid.InvokeOwnRotationToRemint).toMatchObject({ Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:mcp-prod-rotate-secret" });
    // The function writes the JWKS through the S3 gateway endpoint: HTTPS to its prefix list, nothing else new.
    const egress = resources(prod, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id === ref(addressAt(prod, "aws_security_group", "secrets/rotation/security-group/group"), "id"));
    expect(egress.map(([, r]) => r.prefix_list_id ?? "endpoints").sort()).toEqual([ref(addressAt(prod, "aws_vpc_endpoint", "network/endpoint-s3"), "prefix_list_id"), "endpoints"].sort());
  });

  it("keeps the JWKS in a private, versioned, logged bucket readable only through the VPC's S3 endpoint and written only by the function", () => {
    const bucket = resourceAt(prod, "aws_s3_bucket", "jwks/bucket");
    expect(bucket.bucket).toBe("mcp-prod-jwks-123456789012-us-east-1");
    expect(bucket.bucket).not.toContain(".");
    expect(resourceAt(prod, "aws_s3_bucket_public_access_block", "jwks/public-access-block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resourceAt(prod, "aws_s3_bucket_ownership_controls", "jwks/ownership").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(resourceAt(prod, "aws_s3_bucket_versioning", "jwks/versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(resourceAt(prod, "aws_s3_bucket_server_side_encryption_configuration", "jwks/encryption").rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    expect(resourceAt(prod, "aws_s3_bucket_logging", "jwks/access-logging").target_bucket).toBe(ref(addressAt(prod, "aws_s3_bucket", "audit-logs/access-logs-bucket/bucket"), "id"));
    const st = JSON.parse(resourceAt(prod, "aws_s3_bucket_policy", "jwks/policy").policy).Statement as any[];
    const object = `${ref(addressAt(prod, "aws_s3_bucket", "jwks/bucket"))}/.well-known/jwks.json`;
    expect(st[0]).toEqual({
      Sid: "ReadKeySetThroughVpcEndpoint",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: object,
      Condition: { StringEquals: { "aws:SourceVpce": ref(addressAt(prod, "aws_vpc_endpoint", "network/endpoint-s3"), "id") } },
    });
    expect(st[1]).toEqual({
      Sid: "OnlyRotationFunctionWritesKeySet",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: object,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ref(addressAt(prod, "aws_iam_role", "secrets/rotation/role/role")) } },
    });
    expect(st[2]).toMatchObject({ Sid: "DenyInsecureTransport", Effect: "Deny", Action: "s3:*" });
    expect(st).toHaveLength(3);
  });

  it("publishes every live key before anything is signed, and re-publishes when the set changes", () => {
    const publish = resourceAt(prod, "aws_lambda_invocation", "jwks/publish");
    const input = JSON.parse(publish.input);
    expect(input.PublishJwks.bucket).toBe("mcp-prod-jwks-123456789012-us-east-1");
    expect(input.PublishJwks.objectKey).toBe(".well-known/jwks.json");
    expect([...input.PublishJwks.keyArns].sort()).toEqual(
      keyAddresses(prod)
        .map(([a]) => ref(a))
        .sort(),
    );
    // Written only once the bucket policy and the function's grants and way to S3 exist.
    expect(publish.depends_on).toEqual(expect.arrayContaining([addressAt(prod, "aws_s3_bucket_policy", "jwks/policy"), addressAt(prod, "aws_iam_role_policy", "secrets/rotation/role/policy")]));
    const publishAddress = addressAt(prod, "aws_lambda_invocation", "jwks/publish");
    for (const a of cfg.prod.agents) expect(resourceAt(prod, "aws_secretsmanager_secret_rotation", `secrets/rotation-agent-token-${a.name}`).depends_on).toContain(publishAddress);
    for (const t of stack.mcp.tiers) expect(resourceAt(prod, "aws_ecs_service", `mcp/${t.id}/service`).depends_on).toContain(publishAddress);
  });

  it("tags each token with its key, its own tier's audience, the issuer, client id, scopes and a short lifetime; re-mints every few hours", () => {
    const audiences = new Set<string>();
    for (const a of cfg.prod.agents) {
      const tier = stack.mcp.tiers.find((t) => t.agents.includes(a.name))!;
      const token = resourceAt(prod, "aws_secretsmanager_secret", `secrets/agent-token-${a.name}`);
      expect(token.tags).toEqual({
        "mcp-secret-kind": "agent-jwt",
        "mcp-token-client-id": a.name,
        "mcp-signing-key": ref(addressAt(prod, "aws_kms_key", `token-signing-keys/${a.name}-g1`)),
        "mcp-token-audience": stack.mcp.services[tier.id].internalUrl,
        "mcp-token-issuer": "https://mcp-prod-jwks-123456789012-us-east-1.s3.us-east-1.amazonaws.com",
        "mcp-token-scopes": tier.toolsets.join(" "),
        "mcp-token-lifetime-hours": "12",
      });
      // Secrets Manager tag values: 256 characters of letters, digits, spaces and _ . : / = + - @.
      for (const v of Object.values(token.tags) as string[]) if (!v.startsWith("${")) expect([v, tagValueOk(v)]).toEqual([v, true]);
      expect(resourceAt(prod, "aws_secretsmanager_secret_rotation", `secrets/rotation-agent-token-${a.name}`).rotation_rules).toEqual({ schedule_expression: "rate(4 hours)" });
      audiences.add(token.tags["mcp-token-audience"]);
    }
    expect(audiences.size).toBe(stack.mcp.tiers.length);
    expect(tagValueOk("x".repeat(257))).toBe(false);
    expect(tagValueOk("a,b")).toBe(false);
  });

  it("runs each tier in oauth mode with its own audience and no signing secret", () => {
    expect(resources(prod, "aws_secretsmanager_secret").filter(([, s]) => /tier-signing-secret/.test(s.name))).toEqual([]);
    for (const t of stack.mcp.tiers) {
      const c = JSON.parse(resourceAt(prod, "aws_ecs_task_definition", `mcp/${t.id}/task`).container_definitions)[0];
      const env = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({
        MCP_AUTH_MODE: "oauth",
        OAUTH_ISSUER_URL: "https://mcp-prod-jwks-123456789012-us-east-1.s3.us-east-1.amazonaws.com",
        OAUTH_JWKS_URI: "https://mcp-prod-jwks-123456789012-us-east-1.s3.us-east-1.amazonaws.com/.well-known/jwks.json",
        OAUTH_AUDIENCE: `http://${t.id}.mcp-prod.internal:3010/mcp`,
      });
      expect(c.secrets.map((s: any) => s.name).sort()).toEqual(["DB2i_PASS", "DB2i_USER"]);
    }
  });

  it("on a key rollover keeps the previous generation in the JWKS, signs with the new one and re-mints after the publish", () => {
    const { plan, stack: s } = synthStack(variant("prod", (c) => (c.agents[0].keyGeneration = 3)));
    const group = cfg.prod.agents[0].name;
    const gens = keyAddresses(plan)
      .filter(([, k]) => k.tags["token-owner"] === group)
      .map(([, k]) => k.tags["key-generation"]);
    expect(gens.sort()).toEqual(["2", "3"]);
    const g3 = ref(addressAt(plan, "aws_kms_key", `token-signing-keys/${group}-g3`));
    expect(resourceAt(plan, "aws_kms_alias", `token-signing-keys/${group}-alias`).target_key_id).toBe(ref(addressAt(plan, "aws_kms_key", `token-signing-keys/${group}-g3`), "key_id"));
    expect(resourceAt(plan, "aws_secretsmanager_secret", `secrets/agent-token-${group}`).tags["mcp-signing-key"]).toBe(g3);
    expect(JSON.parse(resourceAt(plan, "aws_lambda_invocation", "jwks/publish").input).PublishJwks.keyArns).toEqual(expect.arrayContaining([ref(addressAt(plan, "aws_kms_key", `token-signing-keys/${group}-g2`)), g3]));
    const remint = resourceAt(plan, "aws_lambda_invocation", `secrets/remint-${group}`);
    expect(JSON.parse(remint.input)).toEqual({ Remint: ref(addressAt(plan, "aws_secretsmanager_secret", `secrets/agent-token-${group}`)) });
    expect(remint.triggers).toEqual({ signingKey: g3 });
    expect(remint.depends_on).toEqual(expect.arrayContaining([addressAt(plan, "aws_lambda_invocation", "jwks/publish"), addressAt(plan, "aws_lambda_invocation", `secrets/first-value-agent-token-${group}`)]));
    // Only the rolled group is re-minted.
    expect(resources(plan, "aws_lambda_invocation").filter(([a]) => a.includes("remint"))).toHaveLength(1);
    expect(s.signingKeys!.keyFor(group)!.generation).toBe(3);
  });

  it("revokes one group alone: no key, no token secret, out of the JWKS; the others keep theirs", () => {
    const [gone, kept] = cfg.prod.agents.map((a) => a.name);
    const { plan } = synthStack(variant("prod", (c) => (c.agents[0].revoked = true)));
    expect(keyAddresses(plan).map(([, k]) => k.tags["token-owner"])).not.toContain(gone);
    expect(resources(plan, "aws_secretsmanager_secret").map(([, s]) => s.name)).not.toContain(`mcp/prod/agent-token/${gone}`);
    expect(resources(plan, "aws_secretsmanager_secret").map(([, s]) => s.name)).toContain(`mcp/prod/agent-token/${kept}`);
    expect(JSON.parse(resourceAt(plan, "aws_lambda_invocation", "jwks/publish").input).PublishJwks.keyArns).toHaveLength(keyAddresses(plan).length);
    // jose refreshes a cache older than cacheMaxAge before it verifies: that bounds how long a revoked token works.
    expect(JWKS_CACHE_MAX_AGE_MS).toBe(600_000);
  });

  it("with keyPer tier makes one key per tier (revoking a group then removes only its token)", () => {
    const { plan, stack: s } = synthStack(variant("staging", (c) => (c.agentTokens = { ...c.agentTokens, keyPer: "tier" })));
    const owners = keyAddresses(plan)
      .map(([, k]) => k.tags["token-owner"])
      .sort();
    expect(owners).toEqual([...s.mcp.tiers.map((t) => t.id), ...s.mcp.tiers.map((t) => `gateway-${t.id}`)].sort());
    for (const t of s.mcp.tiers) for (const a of t.agents) expect(s.signingKeys!.keyFor(a)).toBe(s.signingKeys!.keyFor(t.agents[0]));
  });

  it("offers the gateway's key per tier and lets another role sign with it", () => {
    const { stack: s, plan } = synthStack(cfg.prod, (st) => {
      const tier = st.mcp.tiers[0].id;
      st.signingKeys!.gatewayKeyFor(tier).grantSign(st.gateway.executionRole, "GatewaySignsItsToken");
    });
    const tier = s.mcp.tiers[0].id;
    const key = resourceAt(plan, "aws_kms_key", `token-signing-keys/gateway-${tier}-g1`);
    expect(JSON.parse(key.policy).Statement.map((x: any) => x.Sid)).toContain("GatewaySignsItsToken");
    expect(() => s.signingKeys!.gatewayKeyFor("no-such-tier")).toThrow(/no gateway key for tier no-such-tier/);
  });

  it("mints each token with one key only, and only from tag-safe claims", () => {
    const opts = { keyArn: "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000", audience: "http://x.mcp-prod.internal:3010/mcp", issuer: "https://i.example.com", scopes: ["performance"], after: [] };
    expect(() => synthStack(cfg.prod, (st) => st.secrets.mintAgentToken(cfg.prod.agents[0].name, opts))).toThrow(/already has a signing key/);
    expect(() => synthStack(cfg.prod, (st) => st.secrets.mintAgentToken("nobody", opts))).toThrow(/nobody has no agent token to mint with a key/);
    const { stack: dev } = synthStack(variant("dev", (c) => (c.mcpServer.authMode = "oauth")));
    expect(dev.secrets.agentTokenHours).toEqual({ rotation: 4, lifetime: 12 });
    expect(() => synthStack(cfg.dev, (st) => st.secrets.mintAgentToken(cfg.dev.agents[0].name, opts))).toThrow(/no agent token to mint with a key \(oauth auth mode/);
  });

  it("refuses a deletion window KMS does not accept, and a tier it was not given", () => {
    const st = bareStack();
    const env = bareEnv();
    const signer = { arn: "arn:aws:iam::123456789012:role/x", addToPolicy: () => undefined, grants: [] };
    expect(() => new TokenSigningKeys(st, "k1", { env, groups: [], tierIds: [], signer, deletionWindowDays: 5 })).toThrow(/deletionWindowDays 5 must be 7 to 30/);
    expect(() => new TokenSigningKeys(st, "k2", { env, groups: [{ name: "ops", tierId: "rw-1" }], tierIds: [], signer })).toThrow(/names tier rw-1, which is not among tierIds/);
  });
});
