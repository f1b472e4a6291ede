/**
 * docs/deploy.md is a hand-written procedure: these tests check, offline, everything in it that can drift from the kit
 * or from AWS: the npm scripts and stacks it runs, the config keys, secret names, resource names and outputs it names,
 * the AWS CLI operations and flags it uses, the first MCP call it makes, and that it holds no secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configSchema } from "../../config/schema";
import { stackName } from "../../stacks/mcp-stack";
import { imagesStackName } from "../../lib/images";
import { shippedPlan } from "../plans";
import { keyPathsAndPrefixes } from "./config-keys";

const ROOT = path.join(__dirname, "..", "..");
const DOC = fs.readFileSync(path.join(ROOT, "docs", "deploy.md"), "utf8");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const PROD = JSON.parse(fs.readFileSync(path.join(ROOT, "config", "prod.json"), "utf8")) as { environment: string; region: string; accountId: string };

/**
 * Names the guide uses for work other branches deliver in parallel (issue 15: the kit's own ECR images and the access
 * config). Each is allowed only while the kit lacks it; once it lands, the test below fails until it is removed here,
 * so a name that landed under another spelling is noticed.
 */
const PENDING_SCRIPTS: string[] = [];
const PENDING_KEYS: string[] = [];

/**
 * Every AWS CLI operation (and waiter) the guide may call, with the flags it may pass. Verified on 2026-12-01 against
 * the CLI's own argument tables (aws-cli 1.45.11, botocore 1.43.11: each operation, waiter and flag below exists; the
 * v2 CLI is generated from the same service models) and, for the S3 bucket set-up, the AWS CLI v2 reference pages
 * (s3api put-bucket-policy, put-public-access-block, put-bucket-versioning, create-bucket). Add a command here only
 * after checking it the same way.
 */
const VERIFIED_AWS: Readonly<Record<string, readonly string[]>> = {
  "acm describe-certificate": ["--certificate-arn"],
  "acm request-certificate": ["--certificate-authority-arn", "--domain-name", "--idempotency-token", "--validation-method"],
  "acm wait certificate-validated": ["--certificate-arn"],
  "acm-pca get-certificate-authority-certificate": ["--certificate-authority-arn"],
  "cloudtrail get-trail-status": ["--name"],
  "cloudwatch describe-alarms": ["--alarm-name-prefix", "--state-value"],
  "cloudwatch set-alarm-state": ["--alarm-name", "--state-reason", "--state-value"],
  "ec2 accept-transit-gateway-vpc-attachment": ["--transit-gateway-attachment-id"],
  "ec2 describe-transit-gateway-attachments": ["--filters"],
  "ec2 describe-vpcs": ["--filters"],
  "ec2 describe-vpn-connections": ["--filters"],
  "ec2 search-transit-gateway-routes": ["--filters", "--transit-gateway-route-table-id"],
  "ecr batch-delete-image": ["--repository-name", "--image-ids"],
  "ecr get-login-password": [],
  "ecr list-images": ["--repository-name"],
  "ecs describe-services": ["--cluster", "--services"],
  "ecs list-services": ["--cluster"],
  "ecs update-service": ["--cluster", "--force-new-deployment", "--service"],
  "ecs wait services-stable": ["--cluster", "--services"],
  "elbv2 describe-load-balancers": ["--names"],
  "elbv2 modify-load-balancer-attributes": ["--attributes", "--load-balancer-arn"],
  // AWS CLI v2 reference, iam get-role (https://docs.aws.amazon.com/goto/cli2/iam-2010-05-08/GetRole): --role-name only.
  "iam get-role": ["--role-name"],
  "kms cancel-key-deletion": ["--key-id"],
  "route53 associate-vpc-with-hosted-zone": ["--hosted-zone-id", "--vpc"],
  "route53 change-resource-record-sets": ["--change-batch", "--hosted-zone-id"],
  "route53 create-hosted-zone": ["--caller-reference", "--hosted-zone-config", "--name", "--vpc"],
  "route53 create-vpc-association-authorization": ["--hosted-zone-id", "--vpc"],
  "s3 sync": [],
  "s3api create-bucket": ["--bucket", "--create-bucket-configuration"],
  "s3api delete-objects": ["--bucket", "--delete"],
  "s3api get-bucket-encryption": ["--bucket"],
  "s3api get-bucket-versioning": ["--bucket"],
  "s3api get-public-access-block": ["--bucket"],
  "s3api list-object-versions": ["--bucket", "--max-items"],
  "s3api list-objects-v2": ["--bucket", "--max-items"],
  "s3api put-bucket-encryption": ["--bucket", "--server-side-encryption-configuration"],
  "s3api put-bucket-policy": ["--bucket", "--policy"],
  "s3api put-bucket-versioning": ["--bucket", "--versioning-configuration"],
  "s3api put-public-access-block": ["--bucket", "--public-access-block-configuration"],
  "secretsmanager get-random-password": ["--exclude-punctuation", "--password-length"],
  "secretsmanager get-secret-value": ["--secret-id"],
  "secretsmanager put-secret-value": ["--secret-id", "--secret-string"],
  "service-quotas request-service-quota-increase": ["--desired-value", "--quota-code", "--service-code"],
  "sns list-subscriptions-by-topic": ["--topic-arn"],
  "sts get-caller-identity": [],
};
/** The CLI's global options the guide uses (aws help, "Global Options"). */
const GLOBAL_FLAGS = ["--endpoint-url", "--output", "--profile", "--query", "--region"];

interface Block {
  readonly lang: string;
  readonly body: string;
}

/** Fenced code blocks (also those indented under a list item), each with its info string. */
function blocks(doc: string): Block[] {
  return [...doc.matchAll(FENCE)].map((m) => ({ lang: m[2], body: m[3].replace(new RegExp(`^${m[1]}`, "gm"), "") }));
}
const FENCE = /^( *)```([a-z]*)\n([\s\S]*?)^\1```/gm;

/** Shell code as commands: continuation lines joined, comment-only lines kept (a commented command is still advice). */
function shellText(doc: string): string {
  return blocks(doc)
    .filter((b) => b.lang === "sh")
    .map((b) => b.body.replace(/\\\n\s*/g, " "))
    .join("\n");
}

/** Inline code spans of the prose (outside fenced blocks). */
function inlineCode(doc: string): string[] {
  const prose = doc.replace(FENCE, "");
  return [...prose.replace(/\n/g, " ").matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

export interface AwsCall {
  /** "service operation", or "service wait waiter". */
  readonly command: string;
  /** The flags of this call, not those of a `$(…)` nested in it. */
  readonly flags: readonly string[];
}

/** Every `aws` call in a piece of shell text, including calls nested in `$(…)`. */
export function awsCalls(text: string): AwsCall[] {
  const calls: AwsCall[] = [];
  for (const line of text.split("\n")) {
    for (const m of line.matchAll(/(?<![\w-])aws\s+([a-z0-9-]+)\s+([a-z0-9-]+)/g)) {
      let end = m.index! + m[0].length;
      const waiter = m[2] === "wait" ? /^\s+([a-z][a-z0-9-]*)/.exec(line.slice(end)) : null;
      if (waiter) end += waiter[0].length;
      const rest = line.slice(end);
      let depth = 0;
      let own = "";
      for (let i = 0; i < rest.length; i++) {
        if (rest.startsWith("$(", i)) {
          depth++;
          i++;
          continue;
        }
        const ch = rest[i];
        if (ch === ")") {
          if (depth === 0) break;
          depth--;
          continue;
        }
        if (depth === 0 && ("|;#".includes(ch) || rest.startsWith("&&", i))) break;
        if (depth === 0) own += ch;
      }
      calls.push({ command: waiter ? `${m[1]} wait ${waiter[1]}` : `${m[1]} ${m[2]}`, flags: [...new Set(own.match(/(?<![\w-])--[a-z0-9-]+/g) ?? [])] });
    }
  }
  return calls;
}

const SHELL = shellText(DOC);
const INLINE = inlineCode(DOC);
/** The shell code with the guide's variables set to the shipped prod config, as step "0" tells the reader to. */
const PROD_SHELL = SHELL.replace(/\$ENV\b|\$\{ENV\}/g, PROD.environment)
  .replace(/\$ACCOUNT\b/g, PROD.accountId)
  .replace(/\$REGION\b/g, PROD.region);

describe("docs/deploy.md", () => {
  it("sets its shell variables to the shipped prod config", () => {
    const line = SHELL.split("\n").find((l) => /^ENV=/.test(l)) ?? "";
    const vars = Object.fromEntries([...line.matchAll(/(\w+)=([^;\s]+)/g)].map((m) => [m[1], m[2]]));
    expect(vars).toMatchObject({ ENV: PROD.environment, REGION: PROD.region, ACCOUNT: PROD.accountId });
  });

  it("runs only npm scripts that package.json defines", () => {
    const used = [...new Set([...`${SHELL}\n${INLINE.join("\n")}`.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]))];
    expect(used.length).toBeGreaterThanOrEqual(4);
    expect(used.filter((s) => !(s in PKG.scripts) && !PENDING_SCRIPTS.includes(s))).toEqual([]);
  });

  it("keeps no pending script that package.json now has (remove it from PENDING_SCRIPTS, check the guide's spelling)", () => {
    expect(PENDING_SCRIPTS.filter((s) => s in PKG.scripts)).toEqual([]);
  });

  it("deploys and destroys only the kit's stacks", () => {
    const stacks = [...PROD_SHELL.matchAll(/npx cdktf (\w+)(?: (\S+))?/g)].map((m) => ({ cmd: m[1], stack: m[2] }));
    expect(stacks.map((s) => s.cmd).sort()).toEqual(expect.arrayContaining(["deploy", "destroy"]));
    const kit = [stackName(PROD.environment), imagesStackName(PROD.environment)];
    expect(stacks.filter((s) => !kit.includes(s.stack ?? "")).map((s) => `npx cdktf ${s.cmd} ${s.stack}`)).toEqual([]);
  });

  it("names only config keys the schema has", () => {
    const known = keyPathsAndPrefixes(configSchema);
    const roots = new Set([...known].map((k) => k.split(/[.[]/)[0]).concat(PENDING_KEYS.map((k) => k.split(".")[0])));
    const mentioned = [...new Set(INLINE.filter((c) => /^[a-z][A-Za-z]*(\[\])?(\.[a-z][A-Za-z]*(\[\])?)*$/.test(c) && roots.has(c.split(/[.[]/)[0])))];
    expect(mentioned.length).toBeGreaterThanOrEqual(15);
    expect(mentioned.filter((k) => !known.has(k) && !PENDING_KEYS.includes(k))).toEqual([]);
  });

  it("keeps no pending config key that the schema now has (remove it from PENDING_KEYS, check the guide's spelling)", () => {
    const known = keyPathsAndPrefixes(configSchema);
    expect(PENDING_KEYS.filter((k) => known.has(k))).toEqual([]);
  });

  it("calls aws only with operations and flags verified against the AWS CLI reference", () => {
    const calls = [...awsCalls(SHELL), ...INLINE.filter((c) => c.startsWith("aws ")).flatMap((c) => awsCalls(c))];
    expect(calls.length).toBeGreaterThanOrEqual(40);
    const unverified = calls.filter((c) => !(c.command in VERIFIED_AWS)).map((c) => c.command);
    const badFlags = calls.flatMap((c) => c.flags.filter((f) => !GLOBAL_FLAGS.includes(f) && !(VERIFIED_AWS[c.command] ?? []).includes(f)).map((f) => `${c.command} ${f}`));
    expect([...new Set(unverified)]).toEqual([]);
    expect([...new Set(badFlags)]).toEqual([]);
  });

  it("finds an aws call's own flags, not those of a call nested in it", () => {
    const calls = awsCalls(`aws elbv2 modify-load-balancer-attributes --attributes x --load-balancer-arn "$(aws elbv2 describe-load-balancers --names y)" | aws sts get-caller-identity`);
    expect(calls).toEqual([
      { command: "elbv2 modify-load-balancer-attributes", flags: ["--attributes", "--load-balancer-arn"] },
      { command: "elbv2 describe-load-balancers", flags: ["--names"] },
      { command: "sts get-caller-identity", flags: [] },
    ]);
    expect(awsCalls("aws acm wait certificate-validated --certificate-arn a")).toEqual([{ command: "acm wait certificate-validated", flags: ["--certificate-arn"] }]);
  });

  it("names only secrets the prod plan creates", () => {
    const secrets = Object.values(shippedPlan(PROD.environment).resource?.aws_secretsmanager_secret ?? {}).map((s: any) => s.name as string);
    const named = [...new Set([...`${PROD_SHELL}\n${INLINE.join("\n")}`.matchAll(/mcp\/(?:prod|<env>)\/[a-z0-9-]+(?:\/(?:[a-z0-9-]+|<[a-z ]+>))?/g)].map((m) => m[0]))];
    expect(named.length).toBeGreaterThanOrEqual(6);
    const pattern = (n: string) => new RegExp(`^${n.replace("<env>", PROD.environment).replace(/<[a-z ]+>/g, "[a-z0-9-]+")}$`);
    expect(named.filter((n) => !secrets.some((s) => pattern(n).test(s)))).toEqual([]);
  });

  it("puts secret values from files only, never on the command line", () => {
    const puts = [...SHELL.matchAll(/put-secret-value[^\n]*/g)].map((m) => m[0]);
    expect(puts.length).toBeGreaterThanOrEqual(2);
    expect(puts.filter((p) => !/--secret-string file:\/\//.test(p))).toEqual([]);
  });

  it("names only resources, tiers and outputs the prod plan has", () => {
    const plan = shippedPlan(PROD.environment);
    const names = new Set<string>();
    for (const byName of Object.values(plan.resource ?? {})) {
      for (const body of Object.values(byName as Record<string, any>)) {
        for (const k of ["name", "bucket", "alarm_name", "function_name"]) if (typeof body[k] === "string") names.add(body[k]);
      }
    }
    const pending = [imagesStackName(PROD.environment)];
    const used = [...new Set([...PROD_SHELL.matchAll(new RegExp(`${stackName(PROD.environment)}(?:-[a-z0-9]+)*`, "g"))].map((m) => m[0]))];
    expect(used.length).toBeGreaterThanOrEqual(5);
    expect(used.filter((n) => !names.has(n) && !pending.includes(n))).toEqual([]);

    const tiers = [...new Set([...DOC.matchAll(/\b(?:ro|rw)-[0-9a-f]{6}\b/g)].map((m) => m[0]))];
    expect(tiers.filter((t) => !names.has(`${stackName(PROD.environment)}-${t}`))).toEqual([]);

    const outputs = Object.keys(plan.output ?? {});
    const mentioned = INLINE.filter((c) => /^(?:tier|secret|load_balancer|mcp|gateway|log_group)_[a-z_<>]+$/.test(c));
    expect(mentioned.length).toBeGreaterThanOrEqual(3);
    expect(mentioned.filter((o) => !outputs.some((k) => new RegExp(`^${o.replace(/<[a-z]+>/g, "[a-z0-9_]+")}$`).test(k)))).toEqual([]);
  });

  it("makes the first call an MCP initialize POST to the port and path the tiers serve, 401 without and 200 with a token", () => {
    const body = /BODY='([^']+)'/.exec(SHELL);
    expect(body).not.toBeNull();
    const req = JSON.parse(body![1]);
    expect(req).toMatchObject({ jsonrpc: "2.0", method: "initialize", params: { protocolVersion: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), capabilities: {}, clientInfo: { name: expect.any(String), version: expect.any(String) } } });

    const plan = shippedPlan(PROD.environment);
    const listeners = Object.values(plan.resource?.aws_lb_listener ?? {}).map((l: any) => l.port);
    const env = Object.values(plan.resource?.aws_ecs_task_definition ?? {})
      .flatMap((t: any) => JSON.parse(t.container_definitions))
      .flatMap((c: any) => c.environment ?? []);
    const mcpPath = env.find((e: any) => e.name === "MCP_HTTP_ENDPOINT_PATH")?.value;
    const calls = [...SHELL.matchAll(/curl [^\n]*https:\/\/\$DOMAIN:(\d+)(\/\w+)[^\n]*\n# ([^\n]*)(?:\n# (\d{3}))?/g)].map((m) => ({ port: Number(m[1]), path: m[2], answer: m[4] ?? m[3] }));
    expect(calls.map((c) => c.answer)).toEqual(["401", "200"]);
    expect(calls.every((c) => listeners.includes(c.port) && c.path === mcpPath)).toBe(true);
    const [without, withToken] = [...SHELL.matchAll(/curl [^\n]*https:\/\/\$DOMAIN:\d+\/mcp[^\n]*/g)].map((m) => m[0]);
    expect(without).not.toContain("Authorization");
    expect(withToken).toContain('-H "Authorization: Bearer $TOKEN"');
    for (const c of [without, withToken]) {
      expect(c).toContain("-H 'Content-Type: application/json'");
      expect(c).toContain("-H 'Accept: application/json, text/event-stream'");
    }
  });

  it("creates the IBM i profile with least authority", () => {
    const cl = blocks(DOC)
      .filter((b) => b.lang === "cl")
      .map((b) => b.body.replace(/\+\n\s*/g, " "))
      .join("\n");
    const crt = /^CRTUSRPRF .*$/m.exec(cl)?.[0] ?? "";
    for (const p of ["USRCLS(*USER)", "SPCAUT(*NONE)", "LMTCPB(*YES)", "INLMNU(*SIGNOFF)"]) expect(crt).toContain(p);
    const granted = [...DOC.matchAll(/(?:CRTUSRPRF|CHGUSRPRF)[^\n]*SPCAUT\(([^)]*)\)/g)].map((m) => m[1]);
    expect(granted.filter((a) => a !== "*NONE")).toEqual([]);
    expect(/GRTOBJAUT[^\n]*AUT\(\*ALL\)/.test(DOC)).toBe(false);
  });

  it("gives the state bucket a policy that denies plain HTTP to the bucket and its objects", () => {
    const json = blocks(DOC).filter((b) => b.lang === "json");
    expect(json.length).toBeGreaterThanOrEqual(2);
    const parsed = json.map((b) => JSON.parse(b.body));
    const policy = parsed.find((p) => p.Version === "2012-10-17");
    const deny = policy.Statement.find((s: any) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
    expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*" });
    expect(deny.Resource).toEqual([expect.stringMatching(/^arn:aws:s3:::[a-z0-9.-]+$/), expect.stringMatching(/^arn:aws:s3:::[a-z0-9.-]+\/\*$/)]);
    expect(SHELL).toMatch(/put-bucket-policy --bucket "\$BUCKET" --policy file:\/\/state-bucket-policy\.json/);
  });

  it("holds no secret-looking literal", () => {
    // Mapepire's keystore password is fixed by Mapepire itself (sysadmin guide, "Custom certificate"), not a secret.
    const doc = DOC.replace(/-(?:dest)?(?:store|key)pass mapepire/g, "");
    const patterns: [string, RegExp][] = [
      ["AWS access key id", /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/],
      ["AWS secret access key", /aws_secret_access_key\s*=\s*\S/i],
      ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
      ["JWT", /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}/],
      ["GitHub token", /\b(?:ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}/],
      ["model API key", /\bsk-[A-Za-z0-9_-]{20,}/],
      ["password literal", /pass(?:word|wd)?["']?\s*[:=]\s*["'](?![<$…])[^"']{4,}["']|pass(?:word|wd)?=(?![<$…"'])[^\s"']{4,}/i],
      ["store or key password literal", /-(?:src|dest)?(?:store|key)pass\s+(?![<$])\S+/],
      ["bearer token literal", /Bearer\s+(?![<$…])[A-Za-z0-9._-]{16,}/],
      ["image digest", /sha256:[0-9a-f]{64}/],
      ["account id other than the fake one", /\b(?!123456789012\b)\d{12}\b/],
    ];
    expect(patterns.filter(([, re]) => re.test(doc)).map(([what, re]) => `${what}: ${re.exec(doc)![0]}`)).toEqual([]);
  });
});
