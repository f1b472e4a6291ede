/** IPv4 CIDR arithmetic. Small and dependency-free: config validation, subnetting and the policy rules share it. */

export interface Cidr {
  readonly network: number; // unsigned 32-bit network address
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; returns undefined for anything malformed. Host bits are kept so callers can report them. */
export function parseCidr(text: string): { address: number; prefix: number } | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  if (m.slice(1, 5).some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { address, prefix };
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** The canonical form of a CIDR (host bits cleared), as AWS stores and compares it. */
export function canonicalCidr(text: string): string | undefined {
  const p = parseCidr(text);
  return p ? `${formatIp((p.address & mask(p.prefix)) >>> 0)}/${p.prefix}` : undefined;
}

const parsed = new Map<string, Cidr | undefined>();

/** The network a CIDR names. Memoized: policy rules compare every rule's source with every agent range. */
export function toCidr(text: string): Cidr | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const p = parseCidr(text);
  const cidr = p ? Object.freeze({ network: (p.address & mask(p.prefix)) >>> 0, prefix: p.prefix }) : undefined;
  parsed.set(text, cidr);
  return cidr;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const m = mask(Math.min(a.prefix, b.prefix));
  return (a.network & m) >>> 0 === (b.network & m) >>> 0;
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && overlaps(outer, inner);
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => toCidr(c)!);

/** RFC 1918 private space: the only ranges agent hosts may use in production. */
export function isPrivate(c: Cidr): boolean {
  return PRIVATE.some((p) => contains(p, c));
}

/** The `index`-th subnet of `parent` with `newBits` more prefix bits (like Terraform's cidrsubnet()). */
export function subnet(parent: Cidr, newBits: number, index: number): string {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index >= 2 ** newBits) throw new Error(`subnet ${index} of /${parent.prefix} with ${newBits} new bits does not fit`);
  return `${formatIp((parent.network + index * 2 ** (32 - prefix)) >>> 0)}/${prefix}`;
}
