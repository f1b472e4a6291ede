import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// A dependency of cdktf-cli (pinned devDependency): HashiCorp's HCL parser compiled to wasm.
import { parse } from "@cdktf/hcl2json";
import { synthesize } from "../../app/synth";
import { CONFIG_DIR } from "../paths";

/** Every scalar of a Terraform JSON value with its path, blocks written either as objects or as one-element lists. */
function leaves(v: unknown, p: string, out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${p}[${i}]`, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) k !== "//" && leaves(x, `${p}.${k}`, out);
  else out.push([p, v]);
  return out;
}
function at(root: any, p: string): unknown {
  let cur = root;
  for (const part of p.split(/\.|(?=\[)/).filter(Boolean)) {
    const i = /^\[(\d+)\]$/.exec(part);
    if (i) cur = Array.isArray(cur) ? cur[Number(i[1])] : Number(i[1]) === 0 ? cur : undefined;
    else cur = (Array.isArray(cur) && cur.length === 1 ? cur[0] : cur)?.[part];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A config directory with some of the shipped environments: each synth here costs about a second per stack. */
function configsOf(root: string, envs: readonly string[]): string {
  const dir = path.join(root, `config-${envs.join("-")}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const e of envs) fs.copyFileSync(path.join(CONFIG_DIR, `${e}.json`), path.join(dir, `${e}.json`));
  return dir;
}

describe("synth with the review and --hcl", () => {
  let root: string;
  let out: string;
  let devOnly: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "review-synth-"));
    out = path.join(root, "cdktf.out");
    devOnly = configsOf(root, ["dev"]);
    synthesize({ configDir: devOnly, outdir: out, hcl: true });
  });

  test("writes review/<stack>.md and review/index.md next to the stacks", () => {
    const stacks = fs.readdirSync(path.join(out, "stacks")).sort();
    expect(fs.readdirSync(path.join(out, "review")).sort()).toEqual(["index.md", ...stacks.map((s) => `${s}.md`)].sort());
    expect(fs.readFileSync(path.join(out, "review", "mcp-dev.md"), "utf8")).toMatch(/## 6\. Policy result\n\n\| Rule \|/);
  });

  test("writes the same review on every run", () => {
    const again = path.join(root, "again");
    synthesize({ configDir: devOnly, outdir: again });
    for (const f of fs.readdirSync(path.join(out, "review"))) expect(fs.readFileSync(path.join(again, "review", f), "utf8")).toBe(fs.readFileSync(path.join(out, "review", f), "utf8"));
    expect(fs.existsSync(path.join(again, "hcl"))).toBe(false);
  });

  test("a failing check writes no review", () => {
    const failed = path.join(root, "failed");
    expect(() =>
      synthesize({
        configDir: devOnly,
        outdir: failed,
        afterSynth: [
          () => {
            throw new Error("policy says no");
          },
        ],
      }),
    ).toThrow("policy says no");
    expect(fs.existsSync(failed)).toBe(false);
  });

  test("--hcl writes hcl/<stack>/cdk.tf with the assets, and the JSON plan stays", () => {
    expect(fs.existsSync(path.join(out, "stacks", "mcp-dev", "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "stacks", "mcp-dev", "cdk.tf"))).toBe(false);
    const hcl = fs.readFileSync(path.join(out, "hcl", "mcp-dev", "cdk.tf"), "utf8");
    expect(hcl).toMatch(/^terraform \{\n/);
    expect(hcl).not.toContain('0 = "required_version"');
    // The version constraint travels with the module.
    expect(fs.readFileSync(path.join(out, "hcl", "mcp-dev", "versions.tf"), "utf8")).toBe(fs.readFileSync(path.join(out, "stacks", "mcp-dev", "versions.tf"), "utf8"));
    const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", "mcp-dev", "cdk.tf.json"), "utf8"));
    for (const fn of Object.values<any>(json.resource.aws_lambda_function ?? {})) expect(fs.existsSync(path.join(out, "hcl", "mcp-dev", fn.filename))).toBe(true);
  });

  test.each(["mcp-dev"])("the HCL of %s parses to the same values as its JSON plan", async (stack) => {
    const json = JSON.parse(fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8"));
    const hcl = await parse("cdk.tf", fs.readFileSync(path.join(out, "hcl", stack, "cdk.tf"), "utf8"));
    const expected = leaves({ resource: json.resource, data: json.data, provider: json.provider, output: json.output }, "");
    expect(expected.length).toBeGreaterThan(500);
    const differing = expected.filter(([p, v]) => JSON.stringify(at(hcl, p.slice(1))) !== JSON.stringify(v)).map(([p]) => p);
    expect(differing).toEqual([]);
  });

  test("SYNTH_HCL_OUTPUT (cdktf synth --hcl) asks for HCL too, and the JSON is still written", () => {
    const viaEnv = path.join(root, "env");
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      synthesize({ configDir: devOnly, outdir: viaEnv, review: false });
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    expect(fs.existsSync(path.join(viaEnv, "hcl", "mcp-dev", "cdk.tf"))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(viaEnv, "stacks", "mcp-dev", "cdk.tf.json"), "utf8")).resource).toBeDefined();
    expect(fs.existsSync(path.join(viaEnv, "review"))).toBe(false);
  });
});
