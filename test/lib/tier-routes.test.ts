import { generateKeyPairSync, sign } from "node:crypto";
import { signHs256 } from "../../functions/rotate-secret/jwt";
import { signEs256 } from "../../functions/shared/es256";
import { albWildcardMatch, HS256_HEADER_B64, LEGACY_JWT_AUTHORIZATION, MAX_CONDITION_VALUES_PER_RULE, MAX_FIXED_RESPONSE_BODY, MAX_HEADER_VALUE_CHARS, PRM_PATH, PRM_PATH_PATTERN, resourceMetadata, tierRules } from "../../lib/tier-routes";
import { prioritySlot, PRIORITY_BAND_START, PRIORITY_SLOTS, ruleKey } from "../../lib/rule-priorities";
import { routingRules, TierAgent, tierOf } from "../../lib/tiers";
import { collidingGroups } from "../support/rule-collisions";

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
  const forwardBand = [PRIORITY_BAND_START.forward, PRIORITY_BAND_START.forward + PRIORITY_SLOTS - 1];

  it("without oauth holds routingRules' chunks of four ranges, each at its own priority in the forward band", () => {
    const rules = tierRules(agents, { metadata: false, legacyJwt: false });
    // Same chunks (agents, tier, ranges) as routingRules, which numbers them narrowest first; tierRules sorts by priority.
    const chunk = ({ agents, tierId, cidrs }: { agents: readonly string[]; tierId: string; cidrs: readonly string[] }) => JSON.stringify({ agents, tierId, cidrs });
    expect(rules.map((r) => r.kind)).toEqual(["forward", "forward", "forward"]);
    expect(rules.map(chunk).sort()).toEqual(routingRules(agents, { sourcesPerRule: 4 }).map(chunk).sort());
    expect(rules.map((r) => r.cidrs.length).sort()).toEqual([1, 1, 4]);
    for (const r of rules) (expect(r.priority).toBeGreaterThanOrEqual(forwardBand[0]), expect(r.priority).toBeLessThanOrEqual(forwardBand[1]));
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  });

  it("in a migration puts each chunk's metadata and legacy rules before its forward rule, with the same ranges, 4 a rule", () => {
    const rules = tierRules(agents, { metadata: true, legacyJwt: true });
    // Sorted by priority: every metadata rule, then every legacy rule, then every forward rule (a band per kind).
    expect(rules.map((r) => r.kind)).toEqual([...Array(3).fill("metadata"), ...Array(3).fill("legacy-jwt"), ...Array(3).fill("forward")]);
    for (const kind of ["metadata", "legacy-jwt", "forward"])
      expect(
        rules
          .filter((r) => r.kind === kind)
          .map((r) => r.cidrs.length)
          .sort(),
      ).toEqual([1, 1, 4]);
    expect(rules.map((r) => r.priority)).toEqual([...rules.map((r) => r.priority)].sort((x, y) => x - y));
    for (const r of rules) expect(r.cidrs.length + (r.match ? 1 : 0)).toBeLessThanOrEqual(MAX_CONDITION_VALUES_PER_RULE);
    // No lockout: every range has a metadata and a legacy rule of its own tier before the first forward rule that holds it.
    for (const c of agents.flatMap((a) => a.cidrs)) {
      const holding = rules.filter((r) => r.cidrs.includes(c)).sort((x, y) => x.priority - y.priority);
      expect(holding.map((r) => r.kind)).toEqual(["metadata", "legacy-jwt", "forward"]);
      expect(new Set(holding.map((r) => r.tierId)).size).toBe(1);
    }
  });

  it("packs ranges alike with and without metadata or legacy rules, so turning them on replaces no forward rule", () => {
    const ranges = (o: { metadata: boolean; legacyJwt: boolean }) =>
      tierRules(agents, o)
        .filter((r) => r.kind === "forward")
        .map((r) => `${r.priority} ${r.cidrs.join(",")}`);
    expect(ranges({ metadata: true, legacyJwt: true })).toEqual(ranges({ metadata: false, legacyJwt: false }));
  });

  it("keeps every rule's priority when a tier comes or goes, metadata is turned on, or a migration starts or ends", () => {
    const third = agent("c", ["10.40.0.0/28"], ["security_audit"]);
    const at = (list: TierAgent[], o: { metadata: boolean; legacyJwt: boolean }) => new Map(tierRules(list, o).map((r) => [`${r.kind} ${r.agents[0]} ${r.cidrs[0]}`, r.priority]));
    const jwt = at(agents, { metadata: false, legacyJwt: false });
    const steps = [
      at([...agents, third], { metadata: false, legacyJwt: false }),
      at([agents[0]], { metadata: false, legacyJwt: false }),
      at(agents, { metadata: true, legacyJwt: false }),
      at(agents, { metadata: true, legacyJwt: true }),
      at([...agents, third], { metadata: true, legacyJwt: true }),
    ];
    for (const [before, after] of [jwt, ...steps].flatMap((b, i, all) => all.slice(i + 1).map((a) => [b, a]))) {
      for (const [id, p] of before) if (after.has(id)) expect([id, after.get(id)]).toEqual([id, p]);
      // The apply-time condition itself: no rule takes a priority another rule held before (PriorityInUse).
      const held = new Map([...before].map(([id, p]) => [p, id]));
      for (const [id, p] of after) if (held.has(p)) expect(held.get(p)).toBe(id);
    }
  });

  it("refuses ranges of two tiers that overlap: priorities do not rank ranges by width", () => {
    expect(() => tierRules([agent("wide", ["10.40.0.0/16"]), agent("narrow", ["10.40.5.0/28"], ["security_audit"])], { metadata: false, legacyJwt: true })).toThrow(
      `10.40.5.0/28 (tier ${tierOf(agent("narrow", [], ["security_audit"]))}, agent groups narrow) overlaps 10.40.0.0/16 (tier ${tierOf(agent("wide", []))}, agent groups wide): listener rule priorities do not rank ranges by width, so one tier's rule could take the other's traffic; make each group's ranges disjoint`,
    );
  });

  it("tells two chunks whose hashes meet apart by probing in key order: the first keeps its slot, the other takes its #1", () => {
    const [x, y] = collidingGroups();
    const [kx, ky] = [x, y].map((g) => ruleKey({ agents: [g.name], cidrs: g.cidrs }));
    expect(prioritySlot(kx)).toBe(prioritySlot(ky));
    const [first, second] = [kx, ky].sort();
    const forward = (list: TierAgent[]) =>
      new Map(
        tierRules(list, { metadata: true, legacyJwt: false })
          .filter((r) => r.kind === "forward")
          .map((r) => [ruleKey(r), r.priority]),
      );
    expect(Object.fromEntries(forward([y, x]))).toEqual({ [first]: PRIORITY_BAND_START.forward + prioritySlot(first), [second]: PRIORITY_BAND_START.forward + prioritySlot(`${second}#1`) });
    expect(forward([x, y])).toEqual(forward([y, x]));
    // The one case a rule still moves: the holder goes, and the other rule returns to its own slot (docs/service.md).
    const alone = [x, y].find((g) => ruleKey({ agents: [g.name], cidrs: g.cidrs }) === second)!;
    expect(forward([alone]).get(second)).toBe(PRIORITY_BAND_START.forward + prioritySlot(second));
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
