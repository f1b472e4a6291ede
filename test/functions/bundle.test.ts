import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { bundleFunction, crc32, functionEntry, zipFiles } from "../../lib/function-bundle";
import { unzip } from "../support/unzip";

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

  it("packs files beside index.js: part of the package's name and hash, the code unchanged", () => {
    const entry = functionEntry("register-tiers");
    const bare = bundleFunction(entry);
    const a = bundleFunction(entry, [{ name: "registration.json", data: Buffer.from('{"a":1}') }]);
    const b = bundleFunction(entry, [{ name: "registration.json", data: Buffer.from('{"a":2}') }]);
    expect(bundleFunction(entry, [{ name: "registration.json", data: Buffer.from('{"a":1}') }])).toBe(a);
    expect(new Set([bare.zipPath, a.zipPath, b.zipPath]).size).toBe(3);
    expect(new Set([bare.sha256, a.sha256, b.sha256]).size).toBe(3);
    const [code, file] = unzip(fs.readFileSync(a.zipPath));
    expect([code.name, file.name, file.data.toString()]).toEqual(["index.js", "registration.json", '{"a":1}']);
    expect(code.data).toEqual(unzip(fs.readFileSync(bare.zipPath))[0].data);
    expect(() => bundleFunction(entry, [{ name: "index.js", data: Buffer.from("") }])).toThrow('cannot pack a file named "index.js" beside index.js');
    expect(() => bundleFunction(entry, [{ name: "../x.json", data: Buffer.from("") }])).toThrow('cannot pack a file named "../x.json" beside index.js');
  });
});
