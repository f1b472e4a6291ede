import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));

function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}

/** A PEM header of a private key, built from parts so this file holds no key-like text itself. */
const KEY_HEADER = ["-----BEGIN", "PRIVATE KEY-----"].join(" ");

describe("access and tokenReader validation", () => {
  const cases: [string, string, (c: any) => void, string][] = [
    [
      "no operator",
      "dev",
      (c) => (c.access.operators = []),
      'config/dev.json: access.operators: is empty: nobody could put the model API key or the IBM i credentials (the key policy lets only named roles encrypt them), so the MCP tasks would never get their credentials (got []). Fix: list the IAM role of the people who put them, e.g. ["arn:aws:iam::123456789012:role/mcp-operators"].',
    ],
    [
      "operator as a user",
      "prod",
      (c) => (c.access.operators = ["arn:aws:iam::123456789012:user/alice"]),
      'config/prod.json: access.operators[0]: is not an IAM role ARN; operators are granted by role (got "arn:aws:iam::123456789012:user/alice"). Fix: write e.g. "arn:aws:iam::123456789012:role/<role name>" (users and groups cannot be named: use a role they assume).',
    ],
    [
      "operator as a role session",
      "prod",
      (c) => (c.access.operators = ["arn:aws:sts::123456789012:assumed-role/ops/alice"]),
      'config/prod.json: access.operators[0]: is a role session ARN, which names one sign-in, not the role (got "arn:aws:sts::123456789012:assumed-role/ops/alice"). Fix: write the role ARN, e.g. "arn:aws:iam::123456789012:role/<role name>".',
    ],
    [
      "auditor in another account",
      "prod",
      (c) => (c.access.auditors = ["arn:aws:iam::210987654321:role/audit"]),
      'config/prod.json: access.auditors[0]: is in account 210987654321, not the stack\'s account 123456789012; the key grants hold only for callers of 123456789012 (kms:CallerAccount) (got "arn:aws:iam::210987654321:role/audit"). Fix: name a role in 123456789012 (people of other accounts assume it).',
    ],
    [
      "roles of two accounts without accountId",
      "staging",
      (c) => {
        delete c.accountId;
        c.access.auditors = ["arn:aws:iam::210987654321:role/audit"];
      },
      'config/staging.json: access.auditors[0]: is in account 210987654321 but access.operators[0] is in 123456789012; the key grants hold only for callers of the stack\'s one account (got "arn:aws:iam::210987654321:role/audit"). Fix: set accountId and name roles of that account only.',
    ],
    ["operator listed twice", "dev", (c) => c.access.operators.push(c.access.operators[0]), 'config/dev.json: access.operators[1]: is listed twice (got "arn:aws:iam::123456789012:role/mcp-dev-operators"). Fix: list each role once.'],
    [
      "token reader naming nobody",
      "dev",
      (c) => (c.agents[0].tokenReader = {}),
      'config/dev.json: agents[0].tokenReader: names no host that may read the token. Fix: add "assumedBy" (the hosts\' IAM role or account) or "certificateCommonNames" (their certificates, IAM Roles Anywhere), or remove tokenReader.',
    ],
    [
      "token reader principal that is no role",
      "dev",
      (c) => (c.agents[0].tokenReader.assumedBy = ["i-0123456789abcdef0"]),
      'config/dev.json: agents[0].tokenReader.assumedBy[0]: is neither an IAM role ARN nor a 12-digit account id (got "i-0123456789abcdef0"). Fix: write the agent hosts\' role, e.g. "arn:aws:iam::123456789012:role/agent-hosts", or their account id.',
    ],
    [
      "common name of two groups",
      "staging",
      (c) => (c.agents[2].tokenReader = { certificateCommonNames: ["ops-agent-01.staging.example.com"] }),
      'config/staging.json: agents[2].tokenReader.certificateCommonNames[0]: is also a common name of agent group "ops", so one certificate would read both groups\' tokens (got "ops-agent-01.staging.example.com"). Fix: give each group\'s hosts certificates with their own common names.',
    ],
    [
      "wildcard common name",
      "prod",
      (c) => (c.agents[1].tokenReader.certificateCommonNames = ["*.prod.example.com"]),
      'config/prod.json: agents[1].tokenReader.certificateCommonNames[0]: is not a certificate common name (1–64 characters, no wildcard) (got "*.prod.example.com"). Fix: write the exact subject CN of the hosts\' certificates, e.g. "ops-agent-01.corp.example.com".',
    ],
    [
      "certificates without Roles Anywhere",
      "prod",
      (c) => delete c.access.rolesAnywhere,
      'config/prod.json: agents[1].tokenReader.certificateCommonNames: needs IAM Roles Anywhere, but access.rolesAnywhere is not set (got ["ops-agent-01.prod.example.com","ops-agent-02.prod.example.com"]). Fix: add "access": { "rolesAnywhere": { "acmPcaArn": "…" } } or its caCertificatePem, the CA that issues these certificates.',
    ],
    [
      "both CA sources",
      "prod",
      (c) => (c.access.rolesAnywhere.caCertificatePem = raw("dev").access.rolesAnywhere.caCertificatePem),
      "config/prod.json: access.rolesAnywhere: sets both caCertificatePem and acmPcaArn. Fix: give exactly one: the PEM of your CA certificate, or the ARN of an AWS Private CA.",
    ],
    [
      "malformed Private CA ARN",
      "prod",
      (c) => (c.access.rolesAnywhere.acmPcaArn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555"),
      'config/prod.json: access.rolesAnywhere.acmPcaArn: is not an AWS Private CA ARN (got "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-4333-8444-555555555555"). Fix: write "arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>".',
    ],
    [
      "CA PEM that is no certificate",
      "dev",
      (c) => (c.access.rolesAnywhere.caCertificatePem = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"),
      'config/dev.json: access.rolesAnywhere: caCertificatePem is not a PEM X.509 certificate. Fix: paste the CA certificate from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----", lines joined with \\n.',
    ],
  ];
  it.each(cases)("%s", (_name, env, edit, expected) => {
    expect(problems(env, edit)).toEqual([expected]);
  });

  it("refuses a private key in the CA field without printing it", () => {
    const secretish = `${KEY_HEADER}\nZmFrZSBrZXkgbWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n`;
    const out = problems("dev", (c) => (c.access.rolesAnywhere.caCertificatePem = `${c.access.rolesAnywhere.caCertificatePem}${secretish}`));
    expect(out).toEqual([
      "config/dev.json: access.rolesAnywhere: caCertificatePem contains a private key; config files are committed and synthesized. Fix: remove the key from the file at once, treat it as exposed (re-issue the CA if it was real), and give only the certificate.",
    ]);
    expect(out.join("\n")).not.toContain("ZmFrZSBrZXkgbWF0ZXJpYWw=");
  });

  it("refuses an agent's own certificate as the CA", () => {
    // A generated, self-signed end-entity certificate (basicConstraints CA:FALSE); its key was never kept.
    const leaf = fs.readFileSync(path.join(__dirname, "..", "fixtures", "fake-agent-leaf-cert.pem"), "utf8");
    expect(problems("dev", (c) => (c.access.rolesAnywhere.caCertificatePem = leaf))).toEqual([
      "config/dev.json: access.rolesAnywhere: caCertificatePem is not a CA certificate (subject CN=ops-agent-01.example.com). Fix: give the certificate of the CA that issues the agents' certificates, not an agent's own certificate.",
    ]);
  });

  it("reports every access problem of a file at once", () => {
    const out = problems("prod", (c) => {
      c.access.operators = ["arn:aws:iam::123456789012:user/alice"];
      c.access.auditors = ["not-an-arn"];
      c.agents[0].tokenReader = { assumedBy: ["nobody"] };
    });
    expect(out.map((p) => p.split(": ").slice(1, 2)[0])).toEqual(["access.operators[0]", "access.auditors[0]", "agents[0].tokenReader.assumedBy[0]"]);
  });

  it("accepts an account id as a token reader, from any account (the role is this account's)", () => {
    expect(problems("prod", (c) => (c.agents[0].tokenReader.assumedBy = ["210987654321"]))).toEqual([]);
  });
});
