/**
 * A stand-in for kms:Sign with an ECC_NIST_P256 key and MessageType DIGEST: ECDSA over a SHA-256 digest the caller
 * already computed, which node:crypto cannot do (crypto.sign always hashes its input). The key is a local node:crypto
 * P-256 key; the signature is DER like KMS's, and verifies with crypto.verify("sha256", input, { key, dsaEncoding: "der" }).
 */
import { generateKeyPairSync, KeyObject, randomBytes } from "node:crypto";

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
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
function add(p: Point, q: Point): Point {
  if (!p) return q;
  if (!q) return p;
  if (p[0] === q[0] && mod(p[1] + q[1], P) === 0n) return null;
  const l = p[0] === q[0] ? mod((3n * p[0] * p[0] + A) * inv(2n * p[1], P), P) : mod((q[1] - p[1]) * inv(q[0] - p[0], P), P);
  const x = mod(l * l - p[0] - q[0], P);
  return [x, mod(l * (p[0] - x) - p[1], P)];
}
function mul(k: bigint, p: Point): Point {
  let r: Point = null;
  for (let b = p; k > 0n; k >>= 1n, b = add(b, b)) if (k & 1n) r = add(r, b);
  return r;
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
