/** The three parts of a compact JWS and its decoded header and claims, for the checks of both token kinds. */

export interface JwtParts {
  /** The base64url header, claims and signature, as they stand in the token. */
  readonly h: string;
  readonly p: string;
  readonly s: string;
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

/** `token` taken apart, or undefined when it is not a JWT (three parts, JSON header and claims). */
export function jwtParts(token: string): JwtParts | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts;
  try {
    const header: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const claims: unknown = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !claims || typeof claims !== "object") return undefined;
    return { h, p, s, header: header as Record<string, unknown>, claims: claims as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
