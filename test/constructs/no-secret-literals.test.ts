import * as fs from "node:fs";
import * as path from "node:path";
import { shippedOutdir } from "../plans";

/** What a secret value looks like when it leaks into a plan. Built from parts so this file holds none itself. */
const LEAKS: readonly [string, RegExp][] = [
  ["PEM private key", new RegExp(["-----BEGIN", "[A-Z ]*PRIVATE KEY-----"].join(" ?"))],
  ["OpenAI-style API key", /\bsk-(proj-)?[A-Za-z0-9_-]{16,}/],
  ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["AWS secret access key", /aws_secret_access_key|secret_key"\s*:\s*"[A-Za-z0-9/+]{40}"/i],
  ["password literal", /"[A-Za-z_]*password[A-Za-z_]*"\s*:\s*"(?!\$\{)[^"]+"/i],
  ["secret value attribute", /"(secret_string|secret_binary|secret_string_wo)"\s*:/],
];

/** Every leak found in `text`, as "<kind>: <excerpt>". */
function leaks(text: string): string[] {
  return LEAKS.flatMap(([kind, re]) => {
    const m = re.exec(text);
    return m ? [`${kind}: ${text.slice(Math.max(0, m.index - 40), m.index + 60)}`] : [];
  });
}

describe("synthesized stacks hold no secret", () => {
  let outdir: string;
  let files: string[];
  beforeAll(() => {
    // Everything the real pipeline wrote for the shipped configs, plans and reports alike.
    outdir = shippedOutdir();
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    files = walk(outdir).filter((f) => f.endsWith(".json"));
  });

  it("synthesizes every shipped environment", () => {
    expect(
      files
        .filter((f) => f.endsWith("cdk.tf.json"))
        .map((f) => path.basename(path.dirname(f)))
        .sort(),
    ).toEqual(["mcp-dev", "mcp-dev-images", "mcp-prod", "mcp-prod-images", "mcp-staging", "mcp-staging-images"]);
  });

  it("finds no private key, API key, access key, password or secret value in any output file", () => {
    const found = files.flatMap((f) => leaks(fs.readFileSync(f, "utf8")).map((l) => `${path.relative(outdir, f)}: ${l}`));
    expect(found).toEqual([]);
  });

  it('trips no naive secret scanner either: no name holds a key-like run such as "…sk-role_policy…"', () => {
    // Scanners in CI and code hosts match without word boundaries; a false alarm there hides real ones.
    const naive = new RegExp(["-----BEGIN [A-Z ]*PRIVATE KEY", "sk-[A-Za-z0-9_-]{20,}", "AKIA[0-9A-Z]{16}"].join("|"));
    expect(files.filter((f) => naive.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(outdir, f))).toEqual([]);
    expect(naive.test("aws_iam_role_policy.gateway_task-role_policy_EE176F3B")).toBe(true);
  });

  it("declares no Terraform variables a value could be passed through", () => {
    for (const f of files.filter((x) => x.endsWith("cdk.tf.json"))) expect(JSON.parse(fs.readFileSync(f, "utf8")).variable).toBeUndefined();
  });

  it("would catch each kind of leak", () => {
    const planted = [`"private_key": "${["-----BEGIN", "EC PRIVATE KEY-----"].join(" ")}\\nMHc..."`, `"value": "sk-${"x".repeat(24)}"`, `"id": "AKIA${"A".repeat(16)}"`, `"admin_password": "hunter2hunter2"`, `"secret_string": "\${var.token}"`];
    for (const p of planted) expect(leaks(`{ ${p} }`)).toHaveLength(1);
    expect(leaks('{ "password": "${aws_secretsmanager_secret.x.arn}" }')).toEqual([]);
  });
});
