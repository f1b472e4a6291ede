import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { inflateRawSync } from "node:zlib";
import { bundleFunction, crc32, functionEntry, zipFiles } from "../../lib/function-bundle";

/** Reads a zip's central directory back: name, sizes, crc, mode, and the inflated data of each entry. */
function unzip(zip: Buffer) {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(p + 16);
    const packed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const mode = zip.readUInt32LE(p + 38) >>> 16;
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + packed));
    out.push({ name, crc, size, mode, data, time: zip.readUInt16LE(p + 12), date: zip.readUInt16LE(p + 14) });
    p += 46 + nameLen;
  }
  return out;
}

describe("function bundles", () => {
  it("zips deterministically: same input, same bytes, with fixed time and mode", () => {
    const files = [{ name: "index.js", data: Buffer.from("exports.handler = async () => 1;\n") }];
    const a = zipFiles(files);
    expect(zipFiles(files).equals(a)).toBe(true);
    const [entry] = unzip(a);
    expect(entry).toMatchObject({ name: "index.js", size: files[0].data.length, mode: 0o100644, time: 0, date: 0x21 });
    expect(entry.data.equals(files[0].data)).toBe(true);
    expect(entry.crc).toBe(crc32(files[0].data));
  });

  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("bundles each function into one index.js exporting handler, the AWS SDK left to the runtime", () => {
    for (const name of ["rotate-secret", "secret-age-check", "auth-canary"]) {
      const b = bundleFunction(functionEntry(name));
      const zip = fs.readFileSync(b.zipPath);
      expect(createHash("sha256").update(zip).digest("base64")).toBe(b.sha256);
      const [entry, ...rest] = unzip(zip);
      expect(rest).toEqual([]);
      const js = entry.data.toString("utf8");
      expect(entry.name).toBe("index.js");
      expect(js).toMatch(/module\.exports = __toCommonJS\(index_exports\)/);
      expect(js).toMatch(/handler: \(\) => handler/);
      expect(js).toContain('require("@aws-sdk/client-secrets-manager")');
      expect(js).not.toContain("class SecretsManagerClient");
      expect(b.bytes).toBeLessThan(20_000);
      if (name === "rotate-secret") {
        // oauth mode: kms:Sign / kms:GetPublicKey and the JWKS object. Both clients come with the Lambda Node.js runtime
        // (its AWS SDK for JavaScript v3, https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), like the
        // others; their versions in package.json are for types and tests. node:crypto does the ES256 encoding.
        for (const sdk of ["client-kms", "client-s3"]) expect(js).toContain(`require("@aws-sdk/${sdk}")`);
        expect(js).not.toContain("class KMSClient");
        expect(js).not.toMatch(/from "jose"|require\("jose"\)/);
      }
      // Load it the way the runtime does: a CommonJS module whose only outside dependency is the SDK.
      const mod = { exports: {} as Record<string, unknown> };
      new Function("require", "module", "exports", js)((id: string) => require(id), mod, mod.exports);
      expect(typeof mod.exports.handler).toBe("function");
    }
  });

  it("returns the same package for the same entry within a run (one build for every stack)", () => {
    const entry = functionEntry("rotate-secret");
    expect(bundleFunction(entry)).toBe(bundleFunction(entry));
  });
});
