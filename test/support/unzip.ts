/** Reads a zip the way Lambda unpacks a deployment package (stored or deflated entries, central directory at the end). */
import { inflateRawSync } from "node:zlib";

export interface UnzippedEntry {
  readonly name: string;
  readonly crc: number;
  readonly size: number;
  readonly mode: number;
  readonly data: Buffer;
  readonly time: number;
  readonly date: number;
}

export function unzip(zip: Buffer): UnzippedEntry[] {
  const end = zip.length - 22;
  const check = (at: number, signature: number, what: string) => {
    if (zip.readUInt32LE(at) !== signature) throw new Error(`not a zip: no ${what} at ${at}`);
  };
  check(end, 0x06054b50, "end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const out: UnzippedEntry[] = [];
  for (let i = 0; i < count; i++) {
    check(p, 0x02014b50, "central directory entry");
    const crc = zip.readUInt32LE(p + 16);
    const packed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const mode = zip.readUInt32LE(p + 38) >>> 16;
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    check(local, 0x04034b50, "local header");
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + packed);
    const data = zip.readUInt16LE(local + 8) === 8 ? inflateRawSync(body) : Buffer.from(body);
    out.push({ name, crc, size, mode, data, time: zip.readUInt16LE(p + 12), date: zip.readUInt16LE(p + 14) });
    p += 46 + nameLen;
  }
  return out;
}

/** The text of file `name` in the zip at `zipPath`. */
export function fileInZip(zip: Buffer, name: string): string {
  const e = unzip(zip).find((x) => x.name === name);
  if (!e) throw new Error(`${name} is not in the package`);
  return e.data.toString("utf8");
}
