import { generateKeyPairSync, sign } from "node:crypto";
import { signHs256 } from "../../functions/rotate-secret/jwt";
import { signEs256 } from "../../functions/shared/es256";
import { albWildcardMatch, HS256_HEADER_B64, LEGACY_JWT_AUTHORIZATION, MAX_CONDITION_VALUES_PER_RULE, MAX_FIXED_RESPONSE_BODY, MAX_HEADER_VALUE_CHARS, PRM_PATH, PRM_PATH_PATTERN, resourceMetadata, tierRules } from "../../lib/tier-routes";
import { routingRules, TierAgent } from "../../lib/tiers";

const now = 1_800_000_000;
const agent = (name: string, cidrs: string[], toolsets = ["performance"], readOnly = true): TierAgent => ({ name, cidrs, toolsets, readOnly });

describe("the legacy jwt match", () => {
  it("is the exact header functions/rotate-secret/jwt.ts writes, and matches every HS256 agent token", () => {
    expect(HS256_HEADER_B64).toBe("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    const token = signHs256({ cid: "monitoring", sub: "monitoring", scp: ["performance"], iat: now, exp: now + 9 * 86400 }, "k".repeat(48));
    expect(albWildcardMatch(LEGACY_JWT_AUTHORIZATION, `Bearer ${token}`)).toBe(true);
    expect(LEGACY_JWT_AUTHORIZATION.length).toBeLessThanOrEqual(MAX_HEADER_VALUE_CHARS);
  });

  it("never matches an ES256 token of functions/shared/es256.ts, in any letter case, whatever its kid", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const signer = async (input: Buffer) => sign("sha256", input, { key: privateKey, dsaEncoding: "der" });
    for (const kid of ["a", "0123456789abcdef", "x".repeat(200)]) {
      const token = await signEs256({ iss: "https://b.s3.us-east-1.amazonaws.com", aud: "http://ro-1.mcp.internal:3010/mcp", sub: "g", client_id: "g", scp: ["performance"], iat: now, nbf: now, exp: now + 3600, jti: "j" }, kid, signer);
      for (const v of [`Bearer ${token}`, `bearer ${token}`, `Bearer ${token}`.toUpperCase(), `Bearer ${token}`.toLowerCase()]) expect(albWildcardMatch(LEGACY_JWT_AUTHORIZATION, v)).toBe(false);
    }
  });

  it("matches case-insensitively as ALB does, so a lower-case scheme also reaches the legacy service", () => {
    expect(albWildcardMatch(LEGACY_JWT_AUTHORIZATION, `bearer ${HS256_HEADER_B64}.e30.sig`)).toBe(true);
    expect(albWildcardMatch(LEGACY_JWT_AUTHORIZATION, `Bearer ${HS256_HEADER_B64}e30.sig`)).toBe(false);
  });
});

describe("tierRules", () => {
  const agents = [agent("a", ["10.20.1.0/28", "10.20.2.0/28", "10.20.3.0/28", "10.20.4.0/28", "10.20.5.0/28"]), agent("b", ["10.30.0.0/24"], ["performance", "security_audit"], false)];

  it("without oauth is exactly routingRules, five ranges a rule", () => {
    const rules = tierRules(agents, { metadata: false, legacyJwt: false });
    expect(rules.map(({ kind, ...r }) => [kind, r])).toEqual(routingRules(agents).map((r) => ["forward", r]));
    expect(rules[0].cidrs).toHaveLength(5);
  });

  it("in a migration puts each chunk's legacy rule right before its forward rule, with the same ranges, 4 a rule", () => {
    const rules = tierRules(agents, { metadata: true, legacyJwt: true });
    expect(rules.map((r) => [r.priority, r.kind, r.cidrs.length])).toEqual([
      [1, "metadata", 4],
      [2, "legacy-jwt", 4],
      [3, "forward", 4],
      [4, "metadata", 1],
      [5, "legacy-jwt", 1],
      [6, "forward", 1],
      [7, "metadata", 1],
      [8, "legacy-jwt", 1],
      [9, "forward", 1],
    ]);
    for (const r of rules) expect(r.cidrs.length + (r.match ? 1 : 0)).toBeLessThanOrEqual(MAX_CONDITION_VALUES_PER_RULE);
    // No lockout: every range has a legacy rule of its own tier before the first forward rule that holds it.
    for (const c of agents.flatMap((a) => a.cidrs)) {
      const holding = rules.filter((r) => r.cidrs.includes(c));
      expect(holding.map((r) => r.kind)).toEqual(["metadata", "legacy-jwt", "forward"]);
      expect(new Set(holding.map((r) => r.tierId)).size).toBe(1);
    }
  });

  it("keeps narrowest ranges first across tiers", () => {
    const rules = tierRules([agent("wide", ["10.40.0.0/16"]), agent("narrow", ["10.50.0.0/28"], ["security_audit"])], { metadata: false, legacyJwt: true });
    expect(rules.map((r) => `${r.kind} ${r.cidrs[0]}`)).toEqual(["legacy-jwt 10.50.0.0/28", "forward 10.50.0.0/28", "legacy-jwt 10.40.0.0/16", "forward 10.40.0.0/16"]);
  });
});

describe("resourceMetadata", () => {
  const tier = { id: "ro-1a2b3c", toolsets: ["sysadmin_browse", "performance"], readOnly: true };
  const resource = "http://ro-1a2b3c.mcp-dev.internal:3010/mcp";
  const issuer = "https://mcp-dev-jwks-123456789012.s3.eu-central-1.amazonaws.com";

  it("states the tier's audience, the issuer, header bearer tokens, its toolsets as scopes and a name", () => {
    const m = resourceMetadata({ resource, issuer, tier });
    expect(JSON.parse(m.body)).toEqual({
      resource,
      authorization_servers: [issuer],
      bearer_methods_supported: ["header"],
      scopes_supported: ["performance", "sysadmin_browse"],
      resource_name: "IBM i MCP server, tier ro-1a2b3c (read-only)",
    });
    expect(m.omitted).toEqual([]);
    expect(PRM_PATH_PATTERN.startsWith(PRM_PATH)).toBe(true);
  });

  it("drops scopes_supported first, then resource_name, when the toolsets make the body too long", () => {
    const many = { ...tier, toolsets: Array.from({ length: 40 }, (_, i) => `toolset_with_a_long_name_${i}`) };
    const m = resourceMetadata({ resource, issuer, tier: many });
    expect(JSON.stringify({ ...JSON.parse(m.body), scopes_supported: many.toolsets }).length).toBeGreaterThan(MAX_FIXED_RESPONSE_BODY);
    expect(m.omitted).toEqual(["scopes_supported"]);
    expect(JSON.parse(m.body)).toEqual({ resource, authorization_servers: [issuer], bearer_methods_supported: ["header"], resource_name: "IBM i MCP server, tier ro-1a2b3c (read-only)" });
    // A resource so long that only the required members fit: 1,020 characters without resource_name.
    const pad = 1020 - JSON.stringify({ resource: "http:///mcp", authorization_servers: [issuer], bearer_methods_supported: ["header"] }).length;
    const long = `http://${"r".repeat(pad)}/mcp`;
    const both = resourceMetadata({ resource: long, issuer, tier: many });
    expect([both.omitted, both.body.length]).toEqual([["scopes_supported", "resource_name"], 1020]);
  });

  it("counts an unresolved reference at its longest, and refuses when even the required members cannot fit", () => {
    const ref = "${aws_s3_bucket.jwks.bucket}";
    const m = resourceMetadata({ resource, issuer: `https://${ref}.s3.us-east-1.amazonaws.com`, tier });
    expect(m.maxLength).toBe(m.body.length - ref.length + 63);
    expect(() => resourceMetadata({ resource: `http://${"x".repeat(1000)}/mcp`, issuer, tier })).toThrow(
      /tier ro-1a2b3c: the protected resource metadata needs \d+ characters with resource and authorization_servers alone; a fixed response holds 1024/,
    );
  });
});
