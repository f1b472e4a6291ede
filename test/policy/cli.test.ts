import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadToolCatalogue, recordCatalogue } from "../../lib/tool-catalogue";
import Ajv from "ajv";
import { buildSync } from "esbuild";
import { run } from "../../policy/cli";
import { rulesOf } from "../../policy/engine";
import { DEFAULT_PACKS } from "../../policy/packs";
import { SECURITY_PACK } from "../../policy/rules/index";
import { shippedOutdir } from "../plans";

const FOREIGN = path.join(__dirname, "..", "fixtures", "policy", "foreign-plan.json");

/** Runs the command in-process; returns exit code and what it printed. */
function check(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = run(
    argv,
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return { code, stdout, stderr };
}

/** The official SARIF 2.1.0 schema (draft-04; ajv 8 reads it once `id` is `$id`). */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8"));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\S*$/i);
  ajv.addFormat("uri-reference", /^\S*$/);
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

describe("npm run check", () => {
  let work: string;
  let outdir: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
    outdir = path.join(work, "cdktf.out");
    // The suite's real pipeline run (test/global-setup.ts), which ran this same policy hook.
    fs.cpSync(shippedOutdir(), outdir, { recursive: true });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("passes the shipped plans (a cdktf.out directory) with a table of rules per stack and exit code 0", () => {
    const r = check(outdir);
    expect(r.code).toBe(0);
    const out = r.stdout.split("\n");
    expect(out[0]).toMatch(/^rule +severity +mcp-dev +mcp-dev-images +mcp-prod +mcp-prod-images +mcp-staging +mcp-staging-images +title$/);
    expect(out.find((l) => l.startsWith("MCP-PROD-001"))).toMatch(/^MCP-PROD-001 +high +n\/a +n\/a +pass +pass +n\/a +n\/a +Production containers run exactly one reviewed image: pinned by @sha256 digest, or a kit tag of an immutable repository$/);
    expect(out.find((l) => l.startsWith("MCP-PROD-004"))).toMatch(/^MCP-PROD-004 +medium +n\/a +n\/a +pass +n\/a +n\/a +n\/a /);
    expect(r.stdout).toContain("(suppressed in resource: generated once inside AWS by the cache-password function");
    expect(out.filter(Boolean).pop()).toBe("passed: mcp-dev, mcp-dev-images, mcp-prod, mcp-prod-images, mcp-staging, mcp-staging-images");
  });

  it("judges a synthesized plan alike on its own: synth recorded stage and agent ranges in it", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "mcp-prod", "cdk.tf.json"), "utf8"));
    expect(plan["//"].policy).toEqual({
      stage: "prod",
      agentCidrs: ["10.22.1.0/28", "10.22.5.0/28", "10.22.2.0/28"],
      agentSecurityGroupIds: [],
      mcpPort: 3010,
      agentGrants: [
        { name: "monitoring", cidrs: ["10.22.1.0/28", "10.22.5.0/28"], toolsets: ["performance", "sysadmin_discovery", "sysadmin_browse", "sysadmin_search"], readOnly: true },
        { name: "ops", cidrs: ["10.22.2.0/28"], toolsets: ["performance", "security_audit", "security_remediation"], readOnly: false },
      ],
      // The tools YAML the stack was built with: toolsets with their risk and tools, each tool's annotations.
      toolCatalogue: recordCatalogue(loadToolCatalogue()),
      suppressions: [],
    });
    const r = check(path.join(outdir, "stacks", "mcp-prod", "cdk.tf.json"));
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").find((l) => l.startsWith("MCP-LB-006"))).toMatch(/^MCP-LB-006 +critical +pass /);
    expect(check(path.join(outdir, "stacks", "mcp-prod")).code).toBe(0);
  });

  it("judges tier routing by the grants recorded in the plan: a monitoring rule pointed at the ops tier fails MCP-LB-006", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "mcp-prod", "cdk.tf.json"), "utf8"));
    const rules = plan.resource.aws_lb_listener_rule as Record<string, any>;
    // The forwarding rules (oauth mode adds fixed-response metadata rules with the same tags).
    const monitoring = Object.keys(rules).find((k) => rules[k].tags["agent-group"] === "monitoring" && rules[k].action[0].type === "forward")!;
    const ops = Object.values(rules).find((x) => x.tags["agent-group"] === "ops" && x.action[0].type === "forward")!;
    rules[monitoring].action = ops.action;
    const file = path.join(work, "retargeted.tf.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const r = check(file);
    expect(r.code).toBe(1);
    const address = (ref: string) => ref.slice(2, -".arn}".length);
    const tg = address(ops.action[0].target_group_arn);
    const service = Object.values(plan.resource.aws_ecs_service as Record<string, any>).find((x) => x.load_balancer[0].target_group_arn === ops.action[0].target_group_arn)!;
    const task = address(service.task_definition);
    const who = `read-only agent group "monitoring" (${rules[monitoring].condition[0].source_ip.values.join(", ")})`;
    const at = `  - MCP-LB-006 aws_lb_listener_rule.${monitoring}`;
    expect(
      r.stdout
        .split("\n")
        .filter((l) => l.startsWith("  - MCP-LB-006"))
        .map((l) => l.replace(/\. Fix: .*/, "")),
    ).toEqual([
      `${at}: routes ${who}, granted performance, sysadmin_browse, sysadmin_discovery, sysadmin_search, to ${tg}, whose task ${task} exposes performance, security_audit, security_remediation`,
      `${at}: routes ${who} to ${tg}, whose task ${task} exposes security_remediation (critical risk)`,
    ]);
  });

  it("fails a plan this project did not produce, with exit code 1 and every violation", () => {
    const r = check(FOREIGN);
    expect(r.code).toBe(1);
    // The security rules (other packs may fail it too).
    const failing = r.stdout
      .split("\n")
      .filter((l) => / FAIL /.test(l))
      .map((l) => l.split(/ +/)[0])
      .filter((id) => SECURITY_PACK.rules.some((x) => x.id === id));
    expect(failing).toEqual(["MCP-NET-001", "MCP-NET-004", "MCP-LB-001", "MCP-LB-002", "MCP-LB-003", "MCP-LB-005", "MCP-S3-001", "MCP-S3-002", "MCP-S3-003", "MCP-S3-004", "MCP-S3-005", "MCP-IAM-001", "MCP-IAM-002"]);
    expect(r.stdout).toContain("  - MCP-LB-003 aws_lb_listener.http: listens with protocol HTTP; only HTTPS (or TLS) is allowed. Fix: ");
    expect(r.stdout.trim().split("\n").pop()).toBe(`FAILED: ${FOREIGN}`);
  });

  it("--json prints the stack results for CI", () => {
    const r = check(FOREIGN, "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["passed", "stacks"]);
    expect(j.passed).toBe(false);
    expect(j.stacks).toHaveLength(1);
    const s = j.stacks[0];
    expect(Object.keys(s).sort()).toEqual(["context", "passed", "results", "stack", "warnings"]);
    expect(s.context.stage).toBe("prod");
    const lb1 = s.results.find((x: any) => x.rule.id === "MCP-LB-001");
    expect(lb1).toEqual({
      rule: { id: "MCP-LB-001", title: "Load balancers are internal", severity: "critical", references: ["AWS-0053"], remediation: expect.any(String) },
      verdict: "fail",
      violations: [{ address: "aws_lb.web", message: "sets internal = false: it is internet-facing" }],
      suppressed: [],
    });
  });

  it("--sarif writes SARIF 2.1.0 that validates against the official schema, with resource addresses as logical locations", () => {
    const file = path.join(work, "out.sarif");
    const r = check(outdir, "--sarif", file);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(fs.readFileSync(file, "utf8"));
    const validate = sarifValidator();
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    // The validator can fail: a run without its driver is not SARIF.
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).toBe(false);
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.rules.map((x: any) => x.id)).toEqual(rulesOf(DEFAULT_PACKS).map((x) => x.id));
    expect(run0.results.every((x: any) => x.suppressions?.[0]?.kind === "inSource")).toBe(true);
    expect(
      run0.results.find((x: any) => x.ruleId === "MCP-SEC-002" && x.locations[0].physicalLocation.artifactLocation.uri.endsWith("stacks/mcp-prod/cdk.tf.json") && x.locations[0].logicalLocations[0].name.includes("gateway-cache")).locations[0],
    ).toEqual({
      physicalLocation: { artifactLocation: { uri: expect.stringMatching(/stacks\/mcp-prod\/cdk\.tf\.json$/) } },
      logicalLocations: [{ name: "aws_secretsmanager_secret.gateway-cache_password_4B76CA9D", fullyQualifiedName: "mcp-prod/aws_secretsmanager_secret.gateway-cache_password_4B76CA9D", kind: "resource" }],
    });
  });

  it("--sarif - prints only SARIF, valid for a failing plan too", () => {
    const r = check(FOREIGN, "--sarif", "-");
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    const results = sarif.runs[0].results;
    expect(results.find((x: any) => x.ruleId === "MCP-NET-001")).toMatchObject({
      level: "error",
      message: { text: expect.stringMatching(/^aws_security_group\.web: ingress\[0\] admits 0\.0\.0\.0\/0, i\.e\. every address\. Fix: /) },
      locations: [{ logicalLocations: [{ name: "aws_security_group.web", kind: "resource" }] }],
    });
  });

  describe("bad input: a clear error and exit code 2", () => {
    const write = (name: string, text: string) => {
      const f = path.join(work, name);
      fs.writeFileSync(f, text);
      return f;
    };
    it.each([
      ["no argument", () => [], () => "check: no plan given\nusage:"],
      ["a missing file", () => [path.join(work, "nope.json")], () => `check: ${path.join(work, "nope.json")}: does not exist\n`],
      ["a file that is not JSON", () => [write("broken.json", '{"resource": {')], () => `check: ${path.join(work, "broken.json")}: is not valid JSON (`],
      ["JSON that is not Terraform", () => [write("package.json", '{"name": "x", "version": "1.0.0"}')], () => `check: ${path.join(work, "package.json")}: is not a Terraform JSON plan (it has no "resource" or "terraform" key)\n`],
      ["a JSON list", () => [write("list.json", "[1, 2]")], () => `check: ${path.join(work, "list.json")}: is not a Terraform JSON plan (it has no "resource" or "terraform" key)\n`],
      ["resource of the wrong type", () => [write("res.json", '{"resource": "aws_s3_bucket"}')], () => `check: ${path.join(work, "res.json")}: is not a Terraform JSON plan (expected a JSON object of resources, got aws_s3_bucket)\n`],
      [
        "a resource body that is not an object",
        () => [write("body.json", '{"resource": {"aws_s3_bucket": {"b": 3}}}')],
        () => `check: ${path.join(work, "body.json")}: is not a Terraform JSON plan (aws_s3_bucket.b is not a resource body (expected a JSON object))\n`,
      ],
      ["a directory without plans", () => [fs.mkdtempSync(path.join(work, "empty-"))], () => "holds no cdk.tf.json (looked in "],
      ["an unknown option", () => [FOREIGN, "--sarf"], () => "check: unknown option --sarf\nusage:"],
      ["a bad stage", () => [FOREIGN, "--stage", "production"], () => 'check: --stage takes dev, staging or prod (got "production")\nusage:'],
      ["--sarif without a file", () => [FOREIGN, "--sarif"], () => "check: --sarif takes a file to write, or - for standard output\nusage:"],
      ["--json and --sarif - together", () => [FOREIGN, "--json", "--sarif", "-"], () => "check: --json and --sarif - both write to standard output; write the SARIF to a file\nusage:"],
    ])("%s", (_what, args, message) => {
      const r = check(...(args as () => string[])());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain((message as () => string)());
    });
  });

  it("runs as the npm run check bundle: exit codes reach the shell", () => {
    // The same esbuild settings as scripts/compile.mjs; packages resolve from the repository's node_modules.
    const bundle = path.join(work, "check.js");
    buildSync({ entryPoints: [path.join(__dirname, "..", "..", "policy", "cli.ts")], outfile: bundle, bundle: true, platform: "node", target: "node20", format: "cjs", packages: "external", logLevel: "silent" });
    const env = { ...process.env, NODE_PATH: path.join(__dirname, "..", "..", "node_modules") };
    const exec = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { env, encoding: "utf8" });
    expect(exec(outdir).status).toBe(0);
    expect(exec(FOREIGN, "--json").status).toBe(1);
    const bad = exec(path.join(work, "nope.json"));
    expect([bad.status, bad.stderr]).toEqual([2, `check: ${path.join(work, "nope.json")}: does not exist\n`]);
  });

  it("--stage and --agent-cidr give the context a foreign plan lacks", () => {
    const f = path.join(work, "agents.json");
    fs.writeFileSync(
      f,
      JSON.stringify({ resource: { aws_vpc_security_group_ingress_rule: { a: { security_group_id: "sg-0123456789abcdef0", ip_protocol: "tcp", from_port: 3010, to_port: 3010, cidr_ipv4: "10.20.1.0/28", description: "agents" } } } }),
    );
    const verdict = (...args: string[]) => JSON.parse(check(f, "--json", ...args).stdout).stacks[0].results.find((r: any) => r.rule.id === "MCP-NET-002").verdict;
    expect(verdict()).toBe("fail");
    expect(verdict("--agent-cidr", "10.20.0.0/16", "--stage", "dev")).toBe("pass");
    expect(JSON.parse(check(f, "--json", "--stage", "dev").stdout).stacks[0].context.stage).toBe("dev");
  });
});
