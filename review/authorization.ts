/**
 * "MCP authorization and CoSAI": point by point, what the plan meets of the MCP authorization specification
 * (2025-06-18 and 2025-11-25, basic/authorization and basic/security_best_practices) and of the CoSAI assurance
 * profiles (Model Context Protocol (MCP) Security v2.0, §3.3.2 "Control Requirements by Level"), and what it does not.
 * Every verdict is read off the plan: tier task environments (MCP_AUTH_MODE, OAUTH_*), the listener's rules (RFC 9728
 * metadata, the legacy jwt rule), agent-token tags (lifetime), KMS keys, task roles, the gateway's environment.
 * Pure: plan and facts in, Markdown lines out.
 */
import { TerraformJson } from "../policy/types";
import { LIFETIME_TAG } from "../functions/rotate-secret/contract";
import { LEGACY_JWT_AUTHORIZATION, PRM_PATH_PATTERN } from "../lib/tier-routes";
import { Status } from "./checklist";
import { ContainerFact, Facts } from "./facts";
import { table } from "./markdown";
import { MCP_PORT } from "../lib/thresholds";

export const MCP_SPEC = "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization";
export const MCP_SECURITY = "https://modelcontextprotocol.io/specification/2025-06-18/basic/security_best_practices#token-passthrough";
export const COSAI = "https://github.com/cosai-oasis/ws4-secure-design-agentic-systems/blob/main/whitepapers/model-context-protocol-security.md#332-control-requirements-by-level";

/** Tokens that live longer than this are not "short-lived" (CoSAI L3: minutes to hours). */
export const SHORT_LIVED_HOURS = 24;

export interface AuthPoint {
  readonly framework: "MCP authorization" | "CoSAI";
  readonly point: string;
  readonly status: Status;
  readonly evidence: string;
  /** What the kit cannot do about it, when it falls short. */
  readonly limit?: string;
}

interface TierAuth {
  readonly family: string;
  readonly mode: string;
  readonly audience?: string;
  readonly issuer?: string;
  readonly jwks?: string;
}

const res = (plan: TerraformJson, type: string): [string, any][] => Object.entries(plan.resource?.[type] ?? {}).map(([n, b]) => [`${type}.${n}`, b]);

/** The MCP server containers (they alone carry SELECTED_TOOLSETS) and how each verifies tokens. */
function tierAuths(f: Facts): TierAuth[] {
  return f.containers
    .filter((c: ContainerFact) => c.env.SELECTED_TOOLSETS !== undefined)
    .map((c) => ({ family: c.family, mode: c.env.MCP_AUTH_MODE ?? "none", audience: c.env.OAUTH_AUDIENCE, issuer: c.env.OAUTH_ISSUER_URL, jwks: c.env.OAUTH_JWKS_URI }));
}

export function assessAuthorization(plan: TerraformJson, f: Facts): AuthPoint[] {
  const tiers = tierAuths(f);
  if (!tiers.length) return [];
  const oauth = tiers.filter((t) => t.mode === "oauth");
  const other = tiers.filter((t) => t.mode !== "oauth");
  const audiences = oauth.map((t) => t.audience).filter((a): a is string => !!a);
  const distinct = new Set(audiences).size === oauth.length && audiences.length === oauth.length;
  const modes = [...new Set(tiers.map((t) => t.mode))].sort().join(", ");
  const rules = res(plan, "aws_lb_listener_rule").map(([, r]) => r);
  const legacyRules = rules.filter((r) => (r.condition ?? []).some((c: any) => (c.http_header?.values ?? []).includes(LEGACY_JWT_AUTHORIZATION)));
  const metadata = rules.filter((r) => (r.condition ?? []).some((c: any) => (c.path_pattern?.values ?? []).includes(PRM_PATH_PATTERN)) && r.action?.[0]?.type === "fixed-response");
  const served = new Set(metadata.map((r) => safeJson(r.action[0].fixed_response?.message_body)?.resource).filter(Boolean));
  const lifetimes = res(plan, "aws_secretsmanager_secret")
    .map(([, s]) => Number(s.tags?.[LIFETIME_TAG]))
    .filter((n) => Number.isFinite(n) && n > 0);
  const longest = lifetimes.length ? Math.max(...lifetimes) : undefined;
  const signingKeys = res(plan, "aws_kms_key").filter(([, k]) => k.key_usage === "SIGN_VERIFY");
  const taskRoles = res(plan, "aws_ecs_task_definition").filter(([, td]) => td.task_role_arn && tiers.some((t) => t.family === td.family));
  const gateway = f.containers.find((c) => c.name === "mcp-gateway");
  const passthrough = gateway?.env.ENABLE_HEADER_PASSTHROUGH?.toLowerCase() === "true";
  const mcpListeners = f.listeners.filter((l) => l.port === MCP_PORT);
  const https = mcpListeners.length > 0 && mcpListeners.every((l) => l.protocol === "HTTPS");
  const tls13 = mcpListeners.length > 0 && mcpListeners.every((l) => l.minTls === "1.3");
  const httpsIssuer = oauth.length > 0 && oauth.every((t) => t.issuer?.startsWith("https://") && (!t.jwks || t.jwks.startsWith("https://")));
  const lifetime = longest === undefined ? "no agent token in the plan" : `agent tokens live up to ${longest} hours (${LIFETIME_TAG} tag of the token secrets)`;

  const points: AuthPoint[] = [];
  const add = (p: AuthPoint) => points.push(p);

  // MCP authorization specification.
  add({
    framework: "MCP authorization",
    point: "Audience validation: the server accepts only tokens issued for it",
    status: oauth.length === tiers.length && distinct ? "met" : oauth.length && distinct ? "partly" : "not met",
    evidence: oauth.length
      ? `${oauth.length} of ${tiers.length} MCP services verify with MCP_AUTH_MODE=oauth, each its own OAUTH_AUDIENCE (${distinct ? "all distinct" : "NOT all distinct"})${other.length ? `; ${other.length} still run ${[...new Set(other.map((t) => t.mode))].join(", ")} (${other.map((t) => t.family).join(", ")})${legacyRules.length ? `, reached by ${legacyRules.length} HS256 listener rules of a jwt-to-oauth migration` : ""}` : ""}`
      : `every MCP service runs MCP_AUTH_MODE=${modes}: upstream jwt mode checks no audience (jwtStrategy.ts \`jwtVerify(token, secretKey)\`), so a tier's isolation rests on its own signing secret`,
    limit: oauth.length === tiers.length ? undefined : "set mcpServer.authMode to oauth (and end any migration once the last HS256 token has expired)",
  });
  add({
    framework: "MCP authorization",
    point: "Resource indicators (RFC 8707): tokens bound to the server's canonical URI",
    status: oauth.length && distinct && audiences.every(isCanonicalUri) ? "partly" : "not met",
    evidence: oauth.length ? `audiences are ${audiences.every(isCanonicalUri) ? "absolute URIs without fragment" : "not all canonical URIs"}: ${audiences.join(", ")}` : "no audience is set",
    limit: "tokens are minted by the kit for each tier's URI (kms:Sign); there is no authorization server whose token endpoint takes a `resource` parameter, and the URI is the tier's internal name, not the load balancer name agents dial",
  });
  add({
    framework: "MCP authorization",
    point: "Protected resource metadata (RFC 9728), discoverable from a 401",
    status: oauth.length && audiences.every((a) => served.has(a)) ? "partly" : "not met",
    evidence: metadata.length ? `${metadata.length} listener rules answer ${PRM_PATH_PATTERN} from the tiers' ranges, for ${served.size} resources` : "the load balancer serves no metadata document",
    limit:
      "upstream v0.5.1 answers 401 without a WWW-Authenticate header (authMiddleware.ts throws McpError; no `resource_metadata` anywhere in packages/server/src), and an ALB cannot add it: a listener adds only the response headers its attributes name (HSTS, CORS, CSP, X-Content-Type-Options, X-Frame-Options; API ListenerAttribute) and a fixed response carries no headers; clients must try the well-known URI (2025-11-25 allows it), and one that checks `resource` against the URL it dialled (RFC 9728 §3.3) refuses the internal URI",
  });
  add({
    framework: "MCP authorization",
    point: "Short-lived access tokens",
    status: longest !== undefined && longest <= SHORT_LIVED_HOURS ? "met" : "not met",
    evidence: lifetime,
    limit: longest !== undefined && longest <= SHORT_LIVED_HOURS ? undefined : `tokens living longer than ${SHORT_LIVED_HOURS} hours are not short-lived; oauth mode mints them with a lifetime from config`,
  });
  add({
    framework: "MCP authorization",
    point: "No token passthrough",
    status: !passthrough && taskRoles.length === 0 ? "met" : "not met",
    evidence: `MCP tasks ${taskRoles.length ? `have task roles (${taskRoles.map(([a]) => a).join(", ")})` : "have no task role"} and reach the IBM i with the service profile (DB2i_USER/DB2i_PASS), never with the agent's token; the gateway's ENABLE_HEADER_PASSTHROUGH is ${gateway ? (gateway.env.ENABLE_HEADER_PASSTHROUGH ?? "unset (off: mcpgateway/config.py:869 at v0.7.0)") : "not in this plan"}`,
  });
  add({
    framework: "MCP authorization",
    point: "HTTPS for every endpoint",
    status: https && (oauth.length === 0 || httpsIssuer) ? "partly" : "not met",
    evidence: `MCP listener ${https ? "HTTPS only" : "NOT HTTPS only"}${oauth.length ? `; issuer and JWKS ${httpsIssuer ? "https" : "NOT all https"}` : ""}; target groups speak ${[...new Set(f.targetGroups.map((t) => t.protocol ?? "HTTP"))].join(", ")} to the tasks`,
    limit: "TLS ends at the load balancer: the load balancer and the gateway reach the tasks over HTTP inside the VPC (the server has no TLS listener)",
  });

  // CoSAI assurance profiles (identity, authorization, transport).
  const level = (l: string) => `${l}: `;
  add({
    framework: "CoSAI",
    point: `${level("L2")}audience (aud) validation on received tokens`,
    status: points[0].status,
    evidence: points[0].evidence,
  });
  add({
    framework: "CoSAI",
    point: `${level("L3")}Resource Indicators with the server's canonical URI; mismatched audiences rejected`,
    status: points[1].status,
    evidence: points[1].evidence,
    limit: points[1].limit,
  });
  add({ framework: "CoSAI", point: `${level("L4")}Resource Indicators with dynamic discovery through RFC 9728 metadata`, status: points[2].status === "not met" ? "not met" : "partly", evidence: points[2].evidence, limit: points[2].limit });
  add({ framework: "CoSAI", point: `${level("L3")}short-lived credentials (minutes to hours)`, status: points[3].status, evidence: lifetime });
  add({
    framework: "CoSAI",
    point: `${level("L4")}long-lived signing keys in hardware-backed or isolated keystores`,
    status: signingKeys.length && oauth.length === tiers.length ? "met" : signingKeys.length ? "partly" : "not met",
    evidence: signingKeys.length
      ? `${signingKeys.length} asymmetric KMS keys (SIGN_VERIFY) sign the tokens; the private keys never leave KMS`
      : "tokens are signed with secrets the tier tasks hold (MCP_AUTH_SECRET_KEY), in Secrets Manager with rotation (L3's secrets manager with automated rotation)",
  });
  add({ framework: "CoSAI", point: `${level("L2")}no token passthrough`, status: points[4].status, evidence: points[4].evidence });
  add({
    framework: "CoSAI",
    point: `${level("L3")}sender-constrained tokens (DPoP or mTLS)`,
    status: "not met",
    evidence: "bearer tokens in the Authorization header",
    limit: "upstream v0.5.1 verifies bearer tokens only (no DPoP or certificate binding), and the ALB's mTLS would authenticate hosts, not bind tokens",
  });
  add({
    framework: "CoSAI",
    point: `${level("L2")}tool allowlists per agent role`,
    status: f.tiers.length ? "met" : "not met",
    evidence: f.tiers.length ? `${new Set(f.tiers.map((t) => t.targetGroup)).size} toolset tiers; each agent group's ranges reach only its tier's SELECTED_TOOLSETS` : "no source-routed tier",
  });
  add({
    framework: "CoSAI",
    point: `${level("L3")}TLS 1.3 and mTLS between servers`,
    status: tls13 ? "partly" : "not met",
    evidence: `MCP listener lowest TLS ${mcpListeners.map((l) => l.minTls ?? "?").join(", ")}`,
    limit: "no mTLS from the load balancer or the gateway to the tasks (plain HTTP inside the VPC)",
  });
  add({
    framework: "CoSAI",
    point: `${level("L2")}OAuth 2.1 with PKCE for remote connections`,
    status: "not met",
    evidence: "agent groups are machine clients holding a token the kit minted and stored in Secrets Manager; no authorization endpoint runs",
    limit: "an interactive OAuth flow needs an authorization server the isolated VPC does not have; the agents' hosts authenticate to Secrets Manager (IAM or IAM Roles Anywhere) to read their token instead",
  });
  return points;
}

const MARK: Readonly<Record<Status, string>> = { met: "✅ met", partly: "🟡 partly", "not met": "❌ not met", "outside this kit": "➖ outside this kit" };

/** The report section; nothing when the plan runs no MCP server. */
export function authorizationSection(plan: TerraformJson, f: Facts): string[] {
  const points = assessAuthorization(plan, f);
  if (!points.length) return [];
  const out = ["## MCP authorization and CoSAI", ""];
  out.push(
    `Judged from this plan against the [MCP authorization specification](${MCP_SPEC}) (2025-06-18 and 2025-11-25, with its [security best practices](${MCP_SECURITY})) and the identity, authorization and transport controls of the [CoSAI assurance profiles](${COSAI}) (*Model Context Protocol (MCP) Security* v2.0, §3.3.2; levels are cumulative).`,
    "",
  );
  for (const fw of ["MCP authorization", "CoSAI"] as const) {
    out.push(`### ${fw}`, "");
    out.push(
      table(
        ["Point", "Status", "Evidence", "Limit, or what would meet it"],
        points.filter((p) => p.framework === fw).map((p) => [p.point, MARK[p.status], p.evidence, p.limit ?? ""]),
      ),
      "",
    );
  }
  return out;
}

function safeJson(s: unknown): Record<string, unknown> | undefined {
  if (typeof s !== "string") return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function isCanonicalUri(u: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^#\s]+$/.test(u);
}
