/**
 * ES256 JSON Web Tokens signed by an AWS KMS key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY), and the JSON Web Key
 * Set that verifies them. node:crypto alone: no dependency in a function package, and the private key never leaves
 * KMS (the caller passes a `sign` that calls kms:Sign).
 *
 * What verifies them: IBM/ibmi-mcp-server v0.5.1 in MCP_AUTH_MODE=oauth,
 * packages/server/src/mcp-server/transports/auth/strategies/oauthStrategy.ts: jose's `jwtVerify(token,
 * createRemoteJWKSet(OAUTH_JWKS_URI), { issuer: OAUTH_ISSUER_URL, audience: OAUTH_AUDIENCE })`, then a non-empty `scp`
 * string array (or space-separated `scope`) and a string `client_id`. jose picks the JWK by the header's `kid`.
 */
import { jwtParts } from "./jwt-parts";
import { createHash, createPublicKey, JsonWebKey, verify } from "node:crypto";

/** The claims the kit mints. */
export interface TokenClaims {
  /** Issuer: the environment's issuer URL (OAUTH_ISSUER_URL of every tier). */
  readonly iss: string;
  /** Audience: the tier's canonical resource URI (that tier's OAUTH_AUDIENCE). */
  readonly aud: string;
  /** Subject and client id: the agent group (or `gateway`). */
  readonly sub: string;
  readonly client_id: string;
  /** Scopes: the tier's toolsets (the server requires a non-empty list). */
  readonly scp: readonly string[];
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  /** Unique id of this token, for the audit log. */
  readonly jti: string;
}

/**
 * Signs the JWS signing input with ECDSA P-256 over SHA-256 and returns the DER-encoded signature. With KMS:
 * `Sign({ KeyId, SigningAlgorithm: "ECDSA_SHA_256", MessageType: "DIGEST", Message: sha256Digest(input) })`
 * (`kmsSignRequest`); in tests, `crypto.sign("sha256", input, { key, dsaEncoding: "der" })`.
 */
export type Signer = (input: Buffer) => Promise<Uint8Array>;

/** The kms:Sign request for one signing input: the digest, so the input may exceed KMS's 4,096-byte RAW limit. */
export function kmsSignRequest(keyId: string, input: Buffer): { KeyId: string; SigningAlgorithm: "ECDSA_SHA_256"; MessageType: "DIGEST"; Message: Buffer } {
  return { KeyId: keyId, SigningAlgorithm: "ECDSA_SHA_256", MessageType: "DIGEST", Message: createHash("sha256").update(input).digest() };
}

function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * KMS returns an ECDSA signature as DER (SEQUENCE { INTEGER r, INTEGER s }); JWS ES256 wants r and s as two unsigned
 * big-endian 32-byte numbers side by side (RFC 7518 §3.4). DER integers are minimal and signed, so each may be shorter
 * than 32 bytes or carry a leading zero byte.
 */
export function derToJose(der: Uint8Array, size = 32): Buffer {
  const b = Buffer.from(der);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not a DER ECDSA signature: ${why}`);
  };
  if (b[i++] !== 0x30) fail("no SEQUENCE");
  let len = b[i++];
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | b[i++];
  }
  if (len !== b.length - i) fail("wrong SEQUENCE length");
  const out = Buffer.alloc(size * 2);
  for (const half of [0, 1]) {
    if (b[i++] !== 0x02) fail("no INTEGER");
    const n = b[i++];
    let v = b.subarray(i, i + n);
    i += n;
    while (v.length > 0 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) fail("integer longer than the curve");
    v.copy(out, half * size + (size - v.length));
  }
  if (i !== b.length) fail("trailing bytes");
  return out;
}

/** A compact ES256 JWS of `claims` with header `{ alg: ES256, typ: JWT, kid }`, signed by `sign`. */
export async function signEs256(claims: TokenClaims, kid: string, sign: Signer): Promise<string> {
  const input = `${b64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid }))}.${b64url(JSON.stringify(claims))}`;
  const der = await sign(Buffer.from(input, "ascii"));
  return `${input}.${derToJose(der).toString("base64url")}`;
}

/** The public JWK of a P-256 key from its SubjectPublicKeyInfo DER (what kms:GetPublicKey returns). */
export function jwkFromSpki(spki: Uint8Array, kid: string): JsonWebKey & { kid: string; alg: "ES256"; use: "sig" } {
  const jwk = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({ format: "jwk" });
  if (jwk.kty !== "EC" || jwk.crv !== "P-256") throw new Error(`key ${kid} is ${jwk.kty} ${jwk.crv ?? ""}, not EC P-256 (ECC_NIST_P256)`);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: "ES256", use: "sig" };
}

/** The `kid` of a KMS key: its key id (the last part of its ARN), which names no account. */
export function kidOf(keyArn: string): string {
  const m = /:key\/([0-9a-f-]{36}|mrk-[0-9a-f]{32})$/.exec(keyArn);
  if (!m) throw new Error(`${keyArn} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`);
  return m[1];
}

/** What a minted token must say, as checked by `es256Problem` (the time claims are checked against `nowSeconds`). */
export interface ExpectedToken {
  readonly kid: string;
  readonly iss: string;
  readonly aud: string;
  readonly client_id: string;
  readonly scp: readonly string[];
  /** Longest accepted `exp - iat`, seconds. */
  readonly maxLifetimeSeconds: number;
}

/**
 * Why `token` would not be what the kit minted for `expected` and signed with the P-256 key `spki` (kms:GetPublicKey's
 * SubjectPublicKeyInfo), or undefined when it is. Checks what the server checks (signature, iss, aud, exp, nbf,
 * client_id, scp) and what the kit means (kid, sub = client_id, the scopes, the lifetime). Never includes the token.
 */
export function es256Problem(token: string, spki: Uint8Array, expected: ExpectedToken, nowSeconds: number): string | undefined {
  const parts = jwtParts(token);
  if (!parts) return "is not a JWT";
  const { h, p, s, header, claims } = parts;
  if (header.alg !== "ES256") return `is signed with ${JSON.stringify(header.alg)}, not ES256`;
  if (header.kid !== expected.kid) return `names key ${JSON.stringify(header.kid)}, not ${expected.kid}`;
  const signature = Buffer.from(s, "base64url");
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (signature.length !== 64 || !verify("sha256", Buffer.from(`${h}.${p}`, "ascii"), { key, dsaEncoding: "ieee-p1363" }, signature)) return `has a signature that does not verify with key ${expected.kid}`;
  if (claims.iss !== expected.iss) return `has issuer ${JSON.stringify(claims.iss)}, not ${expected.iss}`;
  if (claims.aud !== expected.aud) return `has audience ${JSON.stringify(claims.aud)}, not ${expected.aud}`;
  if (claims.client_id !== expected.client_id || claims.sub !== expected.client_id) return `has client_id/sub other than ${expected.client_id}`;
  const scp = claims.scp;
  if (!Array.isArray(scp) || scp.length === 0 || scp.join(" ") !== expected.scp.join(" ")) return `has scp other than ${JSON.stringify(expected.scp)}`;
  const { iat, nbf, exp } = claims;
  if (typeof iat !== "number" || typeof nbf !== "number" || typeof exp !== "number") return "lacks iat, nbf or exp";
  if (exp <= nowSeconds) return "has expired";
  if (nbf > nowSeconds + 60 || exp - iat > expected.maxLifetimeSeconds) return "has times the kit does not mint (nbf in the future, or a lifetime beyond its tag)";
  if (typeof claims.jti !== "string" || !claims.jti) return "has no jti";
  return undefined;
}
