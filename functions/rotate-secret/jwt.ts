/**
 * HS256 JSON Web Tokens with node:crypto alone (no dependency in the function package).
 *
 * What the IBM i MCP server accepts in jwt auth mode (IBM/ibmi-mcp-server v0.5.1,
 * packages/server/src/mcp-server/transports/auth/strategies/jwtStrategy.ts): `jwtVerify(token, secretKey)` from `jose`
 * with the UTF-8 bytes of MCP_AUTH_SECRET_KEY as an HMAC key (so HS256/384/512; no audience or issuer check; `exp` and
 * `nbf` enforced when present), then a client id in `cid` (or `client_id`) and a non-empty `scp` string array (or a
 * space-separated `scope`). `sub` is optional and shown as the subject; no tool checks scopes
 * (`withRequiredScopes` in lib/authUtils.ts has no caller), so `scp` names the tier's toolsets for the audit log.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { jwtParts } from "../shared/jwt-parts";

/** The claims the kit mints for one agent group. */
export interface AgentClaims {
  /** Client id: the agent group name. */
  readonly cid: string;
  /** Subject: the agent group name as well. */
  readonly sub: string;
  /** Scopes: the toolsets of the group's tier (the server requires a non-empty list). */
  readonly scp: readonly string[];
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

const HEADER = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString("base64url");
}

function mac(signingInput: string, key: string): Buffer {
  return createHmac("sha256", Buffer.from(key, "utf8")).update(signingInput).digest();
}

/** Signs `claims` with `key` (the tier's MCP_AUTH_SECRET_KEY, as the server encodes it: UTF-8 bytes). */
export function signHs256(claims: AgentClaims, key: string): string {
  const input = `${HEADER}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${mac(input, key).toString("base64url")}`;
}

/**
 * Why `token` would be refused by a server holding `key` at time `nowSeconds`, or undefined when it would be accepted.
 * Never includes the token or the key.
 */
export function jwtProblem(token: string, key: string, nowSeconds: number): string | undefined {
  const parts = jwtParts(token);
  if (!parts) return "is not a JWT";
  const { h, p, s, header, claims } = parts;
  if (header.alg !== "HS256") return `is signed with ${JSON.stringify(header.alg)}, not HS256`;
  const expected = mac(`${h}.${p}`, key);
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "has a signature that does not verify with the tier's signing secret";
  if (typeof claims.cid !== "string" || !claims.cid) return "has no cid claim";
  if (!Array.isArray(claims.scp) || claims.scp.length === 0 || !claims.scp.every((x) => typeof x === "string")) return "has no scp claim";
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return "has expired or has no exp claim";
  return undefined;
}

/** The claims of a token, unverified (for tests and logs of non-secret fields). */
export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}
