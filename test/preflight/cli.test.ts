/** The preflight's entry point: kept out of synth's import graph, and its usage errors exit 2 without touching AWS. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build, Metafile } from "esbuild";

const ROOT = path.join(__dirname, "..", "..");
// What `npm run preflight` and `npm run synth` run (scripts/run.cjs), built into a temporary directory.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOptions } = require("../../scripts/bundle.cjs") as { buildOptions: (name: string) => Parameters<typeof build>[0] };
let dir: string;
let mainMeta: Metafile["outputs"][string];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
  const [main, preflight] = await Promise.all(["main", "preflight"].map((name) => build({ ...buildOptions(name), outdir: dir, write: true, sourcemap: false, logLevel: "silent" })));
  mainMeta = main.metafile!.outputs[path.relative(ROOT, path.join(dir, "main.js"))];
  expect(preflight.errors).toEqual([]);
  // Two full bundles of cdktf and ten AWS SDK clients: seconds on a loaded 2-core machine.
}, 30_000);

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
    const inputs = Object.keys(mainMeta.inputs);
    expect(inputs).toContain("main.ts");
    expect(inputs.filter((i) => i.startsWith("preflight/") || i.includes("node_modules/@aws-sdk/"))).toEqual([]);
    // cdktf and the provider classes are bundled in; only esbuild (for Lambda packages) is loaded from node_modules.
    expect(inputs.some((i) => i.startsWith("node_modules/cdktf/"))).toBe(true);
    const builtin = new Set(require("node:module").builtinModules as string[]);
    const fromNodeModules = mainMeta.imports.filter((i) => i.external && !i.path.startsWith("node:") && !builtin.has(i.path.split("/")[0]));
    expect([...new Set(fromNodeModules.map((i) => i.path))]).toEqual(["esbuild"]);
  });

  it("exits 2 with the usage when no stack is given", () => {
    const r = preflight();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usage: npm run preflight -- <stack, e\.g\. mcp-prod or prod> \[--json\] \[--plan <path to cdk\.tf\.json>\]/);
  });

  it("exits 2 naming the known stacks when the stack has no config", () => {
    const r = preflight("mcp-qa");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^no config for environment qa in .*config; environments: dev, prod, staging\n/);
  });
});
