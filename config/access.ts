/**
 * Who may do what with the environment's secrets and archive (config `access`), and how each agent group's hosts
 * obtain their token (config `agents[].tokenReader`). Shapes here; every semantic check in `accessChecks`, which
 * `crossFieldChecks` (./cross-field.ts) runs so all problems are reported together.
 */
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import type { Finding } from "./schema";

/** An IAM role ARN: optional path, name of 1–64 of `\w+=,.@-` (IAM quotas and names reference). */
export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\x21-\x2E\x30-\x7E]+\/)*)([\w+=,.@-]{1,64})$/;
const ACM_PCA_ARN = /^arn:(aws[a-z-]*):acm-pca:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):certificate-authority\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** CreateTrustAnchor: x509CertificateData is at most 8000 characters (IAM Roles Anywhere API reference, SourceData). */
const MAX_CA_PEM = 8000;

export const tokenReaderSchema = z.strictObject({
  /**
   * Agent hosts on AWS: IAM role ARNs (e.g. the hosts' instance role) or 12-digit account ids that may assume the
   * group's token-reader role. @default none
   */
  assumedBy: z.array(z.string()).default([]).meta({ description: 'IAM role ARNs or account ids of hosts on AWS that read the group\'s token with its own role `mcp-<env>-token-<group>` (docs/secrets.md "Token delivery")' }),
  /** Hosts outside AWS: subject common names of their X.509 certificates (IAM Roles Anywhere). @default none */
  certificateCommonNames: z.array(z.string()).default([]).meta({ description: "subject CNs of the certificates of hosts outside AWS that read the group's token through IAM Roles Anywhere; a CN belongs to one group" }),
});

export const accessSchema = z.strictObject({
  /** IAM role ARNs of the people or automation that put the people-rotated secrets and hand agent tokens out. */
  operators: z.array(z.string()).default([]).meta({
    description:
      "IAM role ARNs (this account) that put `model-api-key` and `ibmi-service-credentials`, replace `gateway-encryption-secret` and `gateway-admin-password` deliberately, read agent tokens to hand them out and the gateway admin password to sign in; the only principals the key and the secrets' policies let do so",
  }),
  /** IAM role ARNs that read the audit archive (its objects are encrypted with the environment key). @default none */
  auditors: z.array(z.string()).default([]).meta({ description: "IAM role ARNs (this account) that may decrypt the audit archive (through S3, that bucket only)" }),
  /** The organisation's CA for agent hosts outside AWS (IAM Roles Anywhere trust anchor): exactly one source. */
  rolesAnywhere: z
    .strictObject({
      /** PEM of the CA certificate (public part only). */
      caCertificatePem: z
        .string()
        .optional()
        .meta({ description: "PEM of the CA that issues the certificates of agent hosts outside AWS (the IAM Roles Anywhere trust anchor; no private key); exactly one of it and `acmPcaArn`", required: "with `certificateCommonNames`" }),
      /** ARN of an AWS Private CA. */
      acmPcaArn: z
        .string()
        .optional()
        .meta({ description: "AWS Private CA that issues the certificates of agent hosts outside AWS (the IAM Roles Anywhere trust anchor); exactly one of it and `caCertificatePem`", required: "with `certificateCommonNames`" }),
    })
    .optional(),
});

export type AccessConfig = z.output<typeof accessSchema>;
export type TokenReaderConfig = z.output<typeof tokenReaderSchema>;

interface Input {
  readonly accountId?: string;
  readonly access: AccessConfig;
  readonly agents: readonly { readonly name: string; readonly tokenReader?: TokenReaderConfig }[];
}

/** Every problem of `access` and `agents[].tokenReader`, with the path, the problem and the fix. */
export function accessChecks(cfg: Input): Finding[] {
  const out: Finding[] = [];
  const add = (path: (string | number)[], problem: string, fix: string) => out.push({ path, problem, fix });
  const accounts: { account: string; path: (string | number)[] }[] = [];

  const role = (path: (string | number)[], value: string, what: string) => {
    if (/^arn:aws[a-z-]*:sts::\d{12}:assumed-role\//.test(value)) {
      add(path, "is a role session ARN, which names one sign-in, not the role", 'write the role ARN, e.g. "arn:aws:iam::123456789012:role/<role name>"');
      return;
    }
    const m = ROLE_ARN.exec(value);
    if (!m) {
      add(path, `is not an IAM role ARN; ${what} are granted by role`, 'write e.g. "arn:aws:iam::123456789012:role/<role name>" (users and groups cannot be named: use a role they assume)');
      return;
    }
    if (m[1] !== "aws") add(path, `is in partition ${m[1]}, but the kit deploys to the aws partition`, 'use a role ARN starting "arn:aws:iam::"');
    accounts.push({ account: m[2], path });
  };
  const list = (path: (string | number)[], values: readonly string[], what: string) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) add([...path, i], "is listed twice", "list each role once");
      seen.add(v);
      role([...path, i], v, what);
    });
  };

  const access = cfg.access;
  if (access.operators.length === 0) {
    add(
      ["access", "operators"],
      "is empty: nobody could put the model API key or the IBM i credentials (the key policy lets only named roles encrypt them), so the MCP tasks would never get their credentials",
      'list the IAM role of the people who put them, e.g. ["arn:aws:iam::123456789012:role/mcp-operators"]',
    );
  }
  list(["access", "operators"], access.operators, "operators");
  list(["access", "auditors"], access.auditors, "auditors");

  const ra = access.rolesAnywhere;
  if (ra) {
    if (!ra.caCertificatePem === !ra.acmPcaArn)
      add(["access", "rolesAnywhere"], ra.caCertificatePem ? "sets both caCertificatePem and acmPcaArn" : "sets neither caCertificatePem nor acmPcaArn", "give exactly one: the PEM of your CA certificate, or the ARN of an AWS Private CA");
    if (ra.acmPcaArn !== undefined) {
      const m = ACM_PCA_ARN.exec(ra.acmPcaArn);
      if (!m) add(["access", "rolesAnywhere", "acmPcaArn"], "is not an AWS Private CA ARN", 'write "arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>"');
      else if (m[1] !== "aws") add(["access", "rolesAnywhere", "acmPcaArn"], `is in partition ${m[1]}, but the kit deploys to the aws partition`, 'use an ARN starting "arn:aws:acm-pca:"');
    }
    // Reported on the parent object, whose value is never echoed: the message must not print a PEM, least of all a key.
    if (ra.caCertificatePem !== undefined) caChecks(ra.caCertificatePem, (problem, fix) => add(["access", "rolesAnywhere"], `caCertificatePem ${problem}`, fix));
  }

  const cns = new Map<string, string>();
  cfg.agents.forEach((a, i) => {
    const r = a.tokenReader;
    if (!r) return;
    const at = ["agents", i, "tokenReader"];
    if (r.assumedBy.length === 0 && r.certificateCommonNames.length === 0)
      add(at, "names no host that may read the token", 'add "assumedBy" (the hosts\' IAM role or account) or "certificateCommonNames" (their certificates, IAM Roles Anywhere), or remove tokenReader');
    const seen = new Set<string>();
    r.assumedBy.forEach((p, j) => {
      const path = [...at, "assumedBy", j];
      if (seen.has(p)) add(path, "is listed twice", "list each principal once");
      seen.add(p);
      // The group's role is in this account whoever assumes it, so hosts of another account are fine (their account
      // must also allow sts:AssumeRole on it); an account id trusts every role there that is allowed to.
      if (/^\d{12}$/.test(p)) return;
      const m = ROLE_ARN.exec(p);
      if (!m) add(path, "is neither an IAM role ARN nor a 12-digit account id", 'write the agent hosts\' role, e.g. "arn:aws:iam::123456789012:role/agent-hosts", or their account id');
      else if (m[1] !== "aws") add(path, `is in partition ${m[1]}, but the kit deploys to the aws partition`, 'use a role ARN starting "arn:aws:iam::"');
    });
    r.certificateCommonNames.forEach((cn, j) => {
      const path = [...at, "certificateCommonNames", j];
      // X.509 limits a common name to 64 characters (RFC 5280 ub-common-name); IAM condition values are plain strings,
      // so wildcards would be taken literally by StringEquals.
      if (cn.length < 1 || cn.length > 64 || /[*?]/.test(cn) || /[\u0000-\u001f]/.test(cn))
        add(path, "is not a certificate common name (1–64 characters, no wildcard)", 'write the exact subject CN of the hosts\' certificates, e.g. "ops-agent-01.corp.example.com"');
      const other = cns.get(cn);
      if (other !== undefined && other !== a.name) add(path, `is also a common name of agent group "${other}", so one certificate would read both groups' tokens`, "give each group's hosts certificates with their own common names");
      cns.set(cn, a.name);
    });
    if (r.certificateCommonNames.length && !ra)
      add([...at, "certificateCommonNames"], "needs IAM Roles Anywhere, but access.rolesAnywhere is not set", 'add "access": { "rolesAnywhere": { "acmPcaArn": "…" } } or its caCertificatePem, the CA that issues these certificates');
  });

  // KMS grants carry kms:CallerAccount of the stack's account: a role of any other account could never use them.
  if (cfg.accountId) {
    for (const a of accounts)
      if (a.account !== cfg.accountId)
        add(a.path, `is in account ${a.account}, not the stack's account ${cfg.accountId}; the key grants hold only for callers of ${cfg.accountId} (kms:CallerAccount)`, `name a role in ${cfg.accountId} (people of other accounts assume it)`);
  } else {
    const first = accounts[0];
    for (const a of accounts)
      if (a.account !== first.account) add(a.path, `is in account ${a.account} but ${pathText(first.path)} is in ${first.account}; the key grants hold only for callers of the stack's one account`, `set accountId and name roles of that account only`);
  }
  return out;
}

/** A trust anchor takes the CA certificate only: no private key, a CA (basic constraints), within the API's size. */
function caChecks(pem: string, add: (problem: string, fix: string) => void): void {
  if (/PRIVATE KEY/.test(pem)) {
    add("contains a private key; config files are committed and synthesized", "remove the key from the file at once, treat it as exposed (re-issue the CA if it was real), and give only the certificate");
    return;
  }
  if (pem.length > MAX_CA_PEM) add(`is ${pem.length} characters; a trust anchor accepts at most ${MAX_CA_PEM}`, "give only the one CA certificate that issues the agents' certificates");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    add("is not a PEM X.509 certificate", 'paste the CA certificate from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----", lines joined with \\n');
    return;
  }
  if (!cert.ca) add(`is not a CA certificate (subject ${cert.subject.replace(/\n/g, ", ")})`, "give the certificate of the CA that issues the agents' certificates, not an agent's own certificate");
}

function pathText(p: readonly (string | number)[]): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}
