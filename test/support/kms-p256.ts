/**
 * A stand-in for kms:Sign with an ECC_NIST_P256 key and MessageType DIGEST: ECDSA over a SHA-256 digest the caller
 * already computed, which node:crypto cannot do (crypto.sign always hashes its input). The key is a local node:crypto
 * P-256 key; the signature is DER like KMS's, and verifies with crypto.verify("sha256", input, { key, dsaEncoding: "der" }).
 */
import { generateKeyPairSync, KeyObject, randomBytes } from "node:crypto";

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Point = [0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n, 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n];
type Point = readonly [bigint, bigint] | null;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return mod(s0, m);
}
/** Jacobian coordinates (X, Y, Z) ~ (X/Z², Y/Z³): no inverse per step, so a signature takes milliseconds. */
type Jac = readonly [bigint, bigint, bigint] | null;
function dbl(p: Jac): Jac {
  if (!p || p[1] === 0n) return null;
  const [x, y, z] = p;
  const delta = mod(z * z, P);
  const gamma = mod(y * y, P);
  const beta = mod(x * gamma, P);
  const alpha = mod(3n * (x - delta) * (x + delta), P);
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((y + z) * (y + z) - gamma - delta, P);
  return [x3, mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P), z3];
}
function add(p: Jac, q: Jac): Jac {
  if (!p) return q;
  if (!q) return p;
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  const z1z1 = mod(z1 * z1, P);
  const z2z2 = mod(z2 * z2, P);
  const u1 = mod(x1 * z2z2, P);
  const u2 = mod(x2 * z1z1, P);
  const s1 = mod(y1 * z2 * z2z2, P);
  const s2 = mod(y2 * z1 * z1z1, P);
  if (u1 === u2) return s1 === s2 ? dbl(p) : null;
  const h = mod(u2 - u1, P);
  const i = mod(4n * h * h, P);
  const j = mod(h * i, P);
  const r = mod(2n * (s2 - s1), P);
  const v = mod(u1 * i, P);
  const x3 = mod(r * r - j - 2n * v, P);
  return [x3, mod(r * (v - x3) - 2n * s1 * j, P), mod(((z1 + z2) * (z1 + z2) - z1z1 - z2z2) * h, P)];
}
function mul(k: bigint, p: Point): Point {
  let r: Jac = null;
  for (let b: Jac = p && [p[0], p[1], 1n]; k > 0n; k >>= 1n, b = dbl(b)) if (k & 1n) r = add(r, b);
  if (!r) return null;
  const zi = inv(r[2], P);
  return [mod(r[0] * zi * zi, P), mod(r[1] * zi * zi * zi, P)];
}
const big = (b: Buffer) => BigInt(`0x${b.toString("hex") || "0"}`);
function derInt(v: bigint): Buffer {
  let h = v.toString(16);
  if (h.length % 2) h = `0${h}`;
  let b = Buffer.from(h, "hex");
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

export interface LocalSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** DER ECDSA signature of a 32-byte SHA-256 digest, as kms:Sign returns for MessageType DIGEST. */
  signDigest(digest: Uint8Array): Buffer;
}

export function localP256Key(): LocalSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const d = big(Buffer.from(privateKey.export({ format: "jwk" }).d as string, "base64url"));
  return {
    privateKey,
    publicKey,
    signDigest(digest) {
      if (digest.length !== 32) throw new Error(`a SHA-256 digest has 32 bytes, not ${digest.length}`);
      const z = big(Buffer.from(digest));
      for (;;) {
        const k = mod(big(randomBytes(32)), N);
        if (!k) continue;
        const r = mod((mul(k, G) as readonly [bigint, bigint])[0], N);
        const s = mod(inv(k, N) * (z + r * d), N);
        if (!r || !s) continue;
        const body = Buffer.concat([derInt(r), derInt(s)]);
        return Buffer.concat([Buffer.from([0x30, body.length]), body]);
      }
    },
  };
}
