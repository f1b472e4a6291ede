import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../review/cli";
import { fixturePlan } from "./fixture";

/** A synthesized-output directory holding the given plans, as `npm run synth` lays it out. */
function outdir(plans: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"));
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: Object.fromEntries(Object.keys(plans).map((s) => [s, {}])) }));
  for (const [stack, plan] of Object.entries(plans)) {
    fs.mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(plan));
  }
  return dir;
}

describe("npm run review", () => {
  let errors: string[];
  let stdout: string;
  beforeEach(() => {
    errors = [];
    stdout = "";
    jest.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    jest.spyOn(process.stdout, "write").mockImplementation((m: any) => ((stdout += String(m)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  test("writes one report per stack and an index", () => {
    const dir = outdir({ "mcp-fixture": fixturePlan() });
    expect(main([dir])).toBe(0);
    expect(fs.readdirSync(path.join(dir, "review")).sort()).toEqual(["index.md", "mcp-fixture.md"]);
    expect(fs.readFileSync(path.join(dir, "review", "mcp-fixture.md"), "utf8")).toContain("# Security review: mcp-fixture");
    expect(fs.readFileSync(path.join(dir, "review", "index.md"), "utf8")).toContain("[mcp-fixture](mcp-fixture.md)");
  });

  test("--diff prints and writes the change report; --fail-on exits 2 on a change that severe", () => {
    const before = outdir({ "mcp-fixture": fixturePlan() });
    const plan = fixturePlan() as any;
    plan.resource.aws_vpc_security_group_ingress_rule.open = { security_group_id: "${aws_security_group.alb.id}", cidr_ipv4: "0.0.0.0/0", from_port: 3010, to_port: 3010, ip_protocol: "tcp", description: "x" };
    const after = outdir({ "mcp-fixture": plan });
    expect(main(["--diff", before, after])).toBe(0);
    expect(stdout).toContain("new ingress source: 0.0.0.0/0");
    expect(fs.readFileSync(path.join(after, "review", "diff.md"), "utf8")).toBe(stdout);
    const out = path.join(after, "pr.md");
    expect(main(["--diff", before, after, "--out", out, "--fail-on", "critical"])).toBe(2);
    expect(fs.existsSync(out)).toBe(true);
    expect(main(["--diff", before, before, "--fail-on", "low"])).toBe(0);
  });

  test("bad input: exit 1 and say why", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"));
    expect(main([empty])).toBe(1);
    expect(errors.join("\n")).toContain(`review: ${empty} holds no synthesized stack (no manifest.json or stacks/*/cdk.tf.json); run npm run synth first`);
    const broken = outdir({ x: {} });
    fs.writeFileSync(path.join(broken, "stacks", "x", "cdk.tf.json"), "{ not json");
    expect(main([broken])).toBe(1);
    expect(errors.join("\n")).toContain(`${path.join(broken, "stacks", "x", "cdk.tf.json")} is not valid JSON`);
    expect(main(["--diff", broken])).toBe(1);
    expect(errors.join("\n")).toContain("--diff needs exactly two output directories");
    expect(main(["--fail-on", "severe", "--diff", broken, broken])).toBe(1);
    expect(main(["--bogus"])).toBe(1);
  });
});
