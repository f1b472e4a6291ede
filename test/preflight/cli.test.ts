/** The preflight's entry point: kept out of synth's import graph, and its usage errors exit 2 without touching AWS. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build, Metafile } from "esbuild";

const ROOT = path.join(__dirname, "..", "..");
let dir: string;
let mainMeta: Metafile;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
  // The same options as scripts/compile.mjs.
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: "main.ts", preflight: "preflight/cli.ts" },
    outdir: dir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  mainMeta = { inputs: result.metafile.inputs, outputs: { main: result.metafile.outputs[path.relative(ROOT, path.join(dir, "main.js"))] } };
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function preflight(...args: string[]) {
  return spawnSync(process.execPath, [path.join(dir, "preflight.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), MCP_CONFIG_DIR: path.join(ROOT, "config") },
  });
}

describe("npm run preflight", () => {
  it("keeps the preflight and the AWS SDK out of what synth loads", () => {
    const main = mainMeta.outputs.main;
    const inputs = Object.keys(main.inputs);
    expect(inputs).toContain("main.ts");
    expect(inputs.filter((i) => i.startsWith("preflight/"))).toEqual([]);
    const external = main.imports.map((i) => i.path);
    expect(external).toContain("cdktf");
    expect(external.filter((p) => p.startsWith("@aws-sdk/"))).toEqual([]);
  });

  it("exits 2 with the usage when no stack is given", () => {
    const r = preflight();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run preflight -- <stack, e\.g\. mcp-prod or prod> \[--json\] \[--plan <path to cdk\.tf\.json>\]/);
  });

  it("exits 2 naming the known stacks when the stack has no config", () => {
    const r = preflight("mcp-qa");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^no config for stack mcp-qa in .*config; stacks: mcp-dev, mcp-prod, mcp-staging\n/);
  });
});
