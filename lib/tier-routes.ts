/**
 * The 3010 listener's rules once tiers verify ES256 tokens (MCP_AUTH_MODE=oauth): per chunk of one tier's source
 * ranges, the protected resource metadata (RFC 9728) answered by the load balancer itself, then, while agents move
 * from jwt to oauth, HS256 tokens sent to the tier's legacy jwt service, then everything else to the tier's oauth
 * service. Pure: lib/tiers.ts packs the ranges, constructs/mcp-tiers.ts turns each rule into a listener rule.
 *
 * AWS's documented limits this encodes (Application Load Balancer quotas, "Rules"; listener rule condition types):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_FixedResponseActionConfig.html
 */
import { overlaps, toCidr } from "./cidr";
import { assignSlots, RuleKind, ruleKey, rulePriority } from "./rule-priorities";
import { canonicalToolsets, routingRules, RoutingRule, Tier, TierAgent } from "./tiers";

/** Condition values per rule, all conditions together (source-ip ranges, path patterns, header values): 5, fixed. */
export const MAX_CONDITION_VALUES_PER_RULE = 5;
/** Wildcards (`*`, `?`) in one rule's match values, all conditions together: 5, fixed. */
export const MAX_WILDCARDS_PER_RULE = 5;
/** One http-header (or path-pattern) comparison string: at most 128 characters, compared case-insensitively. */
export const MAX_HEADER_VALUE_CHARS = 128;
/** A fixed-response action's message body: at most 1,024 characters (FixedResponseActionConfig.MessageBody). */
export const MAX_FIXED_RESPONSE_BODY = 1024;

/**
 * RFC 9728 §3: the well-known path, to which a resource's own path may be appended
 * (`/.well-known/oauth-protected-resource/mcp` for `…/mcp`); one pattern with one wildcard serves both.
 */
export const PRM_PATH = "/.well-known/oauth-protected-resource";
export const PRM_PATH_PATTERN = `${PRM_PATH}*`;

/**
 * The JOSE header of every token the kit mints in jwt mode, byte for byte as functions/rotate-secret/jwt.ts writes it
 * (`JSON.stringify({ alg: "HS256", typ: "JWT" })`), base64url: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`. ES256 tokens
 * (functions/shared/es256.ts) start `{"alg":"ES256"…`, which differs at the 12th base64 character (`I` against `F`),
 * in any letter case, so no ES256 token can match; the `.` after the header is part of the match as well.
 */
export const HS256_HEADER_B64 = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
/**
 * The Authorization value of an HS256 agent token. Upstream takes the token after exactly `Bearer `
 * (authMiddleware.ts:35-44 at v0.5.1); ALB compares header values case-insensitively, so `bearer …` also matches and is
 * then refused by the legacy server exactly as the oauth server would refuse it.
 */
export const LEGACY_JWT_AUTHORIZATION = `Bearer ${HS256_HEADER_B64}.*`;

export type TierRuleKind = RuleKind;

/** One listener rule of a tier: its source ranges (one chunk of routingRules) and what it does with them. */
export interface TierRule extends RoutingRule {
  readonly kind: TierRuleKind;
  /** metadata: the path pattern; legacy-jwt: the Authorization header pattern. */
  readonly match?: { readonly pathPattern?: string; readonly authorization?: string };
}

export interface TierRuleOptions {
  /** Answer RFC 9728 metadata on the listener (oauth mode). */
  readonly metadata: boolean;
  /** Send HS256 tokens to each tier's legacy jwt service (mcpServer.authMigration "jwt-to-oauth"). */
  readonly legacyJwt: boolean;
}

/**
 * The listener rules of every tier. Every rule of one chunk holds the same ranges, so a request from any of them meets
 * the metadata rule, then the legacy rule, then the forward rule, in that order: with the legacy rule there can be no
 * range whose HS256 tokens reach the oauth service. The extra condition takes one of the 5 values per rule, so chunks
 * hold 4 ranges, with or without extra rules: were forward-only chunks to hold 5, turning metadata on or starting a
 * migration would re-pack every tier's ranges and replace its rules, each new one at a new priority a rule being
 * deleted in the same apply might still hold. Priorities come from lib/rule-priorities.ts: a band per kind (so the order
 * above holds) and a slot per chunk from its first range and group, so a rule that stays keeps its priority when tiers,
 * metadata or a migration come and go. That order does not rank ranges by width, so ranges of different tiers must not
 * overlap (config validation refuses any overlap; this throws if it gets one anyway).
 */
export function tierRules(agents: readonly TierAgent[], opts: TierRuleOptions): TierRule[] {
  const chunks = routingRules(agents, { sourcesPerRule: MAX_CONDITION_VALUES_PER_RULE - 1 });
  assertDisjointTiers(chunks);
  const slots = assignSlots(chunks.map(ruleKey));
  const out: TierRule[] = [];
  for (const c of chunks) {
    const slot = slots.get(ruleKey(c))!;
    if (opts.metadata) out.push({ ...c, priority: rulePriority("metadata", slot), kind: "metadata", match: { pathPattern: PRM_PATH_PATTERN } });
    if (opts.legacyJwt) out.push({ ...c, priority: rulePriority("legacy-jwt", slot), kind: "legacy-jwt", match: { authorization: LEGACY_JWT_AUTHORIZATION } });
    out.push({ ...c, priority: rulePriority("forward", slot), kind: "forward" });
  }
  return out.sort((x, y) => x.priority - y.priority);
}

/** Stable priorities cannot put a narrow range before a broad one, so a range of one tier inside another tier's is refused. */
function assertDisjointTiers(chunks: readonly RoutingRule[]): void {
  const ranges = chunks.flatMap((c) => c.cidrs.map((cidr) => ({ cidr, range: toCidr(cidr)!, tierId: c.tierId, agents: c.agents })));
  const problems: string[] = [];
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i], ranges[j]];
      if (a.tierId !== b.tierId && overlaps(a.range, b.range))
        problems.push(
          `${a.cidr} (tier ${a.tierId}, agent groups ${a.agents.join(", ")}) overlaps ${b.cidr} (tier ${b.tierId}, agent groups ${b.agents.join(", ")}): listener rule priorities do not rank ranges by width, so one tier's rule could take the other's traffic; make each group's ranges disjoint`,
        );
    }
  if (problems.length) throw new Error(problems.join("\n"));
}

/** What one tier's metadata states (RFC 9728 §2). */
export interface ResourceMetadataInput {
  /** The tier's audience: its canonical resource URI (OAUTH_AUDIENCE). */
  readonly resource: string;
  /** The environment's issuer (OAUTH_ISSUER_URL). */
  readonly issuer: string;
  readonly tier: Pick<Tier, "id" | "toolsets" | "readOnly">;
  /**
   * How long unresolved references in `resource` and `issuer` may become, in characters. @default 63 each (an S3
   * bucket name or a DNS label, the longest a reference in either is)
   */
  readonly referenceChars?: number;
}

export interface ResourceMetadata {
  /** The JSON body. */
  readonly body: string;
  /** Its length once every reference is resolved, at most. */
  readonly maxLength: number;
  /** Members left out so the body fits MAX_FIXED_RESPONSE_BODY. */
  readonly omitted: readonly string[];
}

/**
 * The metadata document of one tier: `resource`, `authorization_servers`, `bearer_methods_supported`,
 * `scopes_supported` (the tier's toolsets, what its tokens' `scp` carry) and `resource_name`. A fixed response holds
 * at most 1,024 characters; when the toolsets make it longer, `scopes_supported` goes first (RECOMMENDED, not
 * REQUIRED, and the kit's agents never discover scopes: their tokens arrive minted with `scp`), then `resource_name`.
 * `resource` and `authorization_servers` carry what a client needs; if even they do not fit, this throws.
 */
export function resourceMetadata(input: ResourceMetadataInput): ResourceMetadata {
  const refChars = input.referenceChars ?? 63;
  const full: Record<string, unknown> = {
    resource: input.resource,
    authorization_servers: [input.issuer],
    bearer_methods_supported: ["header"],
    scopes_supported: canonicalToolsets(input.tier.toolsets),
    resource_name: `IBM i MCP server, tier ${input.tier.id}${input.tier.readOnly ? " (read-only)" : ""}`,
  };
  const omitted: string[] = [];
  for (const drop of [undefined, "scopes_supported", "resource_name"]) {
    if (drop) {
      delete full[drop];
      omitted.push(drop);
    }
    const body = JSON.stringify(full);
    const maxLength = resolvedLength(body, refChars);
    if (maxLength <= MAX_FIXED_RESPONSE_BODY) return { body, maxLength, omitted };
  }
  throw new Error(
    `tier ${input.tier.id}: the protected resource metadata needs ${resolvedLength(JSON.stringify(full), refChars)} characters with resource and authorization_servers alone; a fixed response holds ${MAX_FIXED_RESPONSE_BODY}. Use a shorter issuer or namespace.`,
  );
}

/** Length of `text` once each `${…}` reference (Terraform interpolation or cdktf token) is replaced by `refChars`. */
export function resolvedLength(text: string, refChars: number): number {
  let n = text.length;
  for (const m of text.matchAll(/\$\{[^}]*\}/g)) n += refChars - m[0].length;
  return n;
}

/** ALB's wildcard match: `*` any run of characters, `?` exactly one, case-insensitive, the whole value. */
export function albWildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("")
      .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "is",
  );
  return re.test(value);
}
