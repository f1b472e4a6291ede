/**
 * Every command answers alike: `--help` prints its usage on standard output and exits 0 without doing any work,
 * and a synth stopped by a signal leaves nothing that a later run keeps. The bundles are built as scripts/run.cjs
 * builds them, into a temporary directory, and spawned as processes.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { findPlans, run } from "../../policy/cli";
import { shippedOutdir } from "../plans";

const ROOT = path.join(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOptions, ENTRIES } = require("../../scripts/bundle.cjs") as { buildOptions: (name: string) => Parameters<typeof build>[0]; ENTRIES: Record<string, string> };
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
let dir: string;
let work: string;

beforeAll(async () => {
  // Under the kit's root: synth finds images/ and functions/ by walking up from the bundle (lib/images.ts).
  fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
  dir = fs.mkdtempSync(path.join(ROOT, "dist", ".commands-test-"));
  work = fs.mkdtempSync(path.join(os.tmpdir(), "commands-work-"));
  // One esbuild run for every entry, each with its own options otherwise: without code splitting each entry is still
  // bundled alone (the same bytes as one build per entry), but cdktf and the provider classes are parsed once, not
  // once per entry that bundles them (half the time of nine builds here).
  const names = Object.keys(ENTRIES);
  const result = await build({ ...buildOptions(names[0]), entryPoints: Object.assign({}, ...names.map((name) => buildOptions(name).entryPoints)), outdir: dir, write: true, sourcemap: false, logLevel: "silent" });
  expect(result.errors).toEqual([]);
  expect(fs.readdirSync(dir).sort()).toEqual(names.map((name) => `${name}.js`).sort());
  // Nine bundles, three of them with cdktf: seconds on a loaded 2-core machine.
}, 60_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

/** Every package.json script that runs an entry: `node scripts/run.cjs <entry>`, with its npm script name. */
const commands = Object.entries(scripts).flatMap(([script, line]) => {
  const m = /^node scripts\/run\.cjs (\S+)$/.exec(line);
  return m ? [[script, m[1]] as const] : [];
});

/** Runs a bundle from the kit's root (synth reads tools/ there); what it would write goes to `work`. */
function runEntry(entry: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(dir, `${entry}.js`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), MCP_CONFIG_DIR: path.join(ROOT, "config"), CDKTF_OUTDIR: path.join(work, "out"), ...env },
  });
}

it("covers every entry of scripts/bundle.cjs", () => {
  expect(commands.map(([, entry]) => entry).sort()).toEqual(Object.keys(ENTRIES).sort());
});

describe.each(commands)("npm run %s --help", (script, entry) => {
  it.each(["--help", "-h"])("%s prints the usage on standard output, exits 0 and writes nothing", (flag) => {
    const before = fs.readdirSync(work);
    const r = runEntry(entry, [flag]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^usage: npm run ${script.replace(":", "\\:")}\\b`));
    expect(fs.readdirSync(work)).toEqual(before);
  });
});

it("npm run bench --help prints the usage and measures nothing (the README and results stay as they are)", () => {
  const files = ["README.md", "bench/results.json"].map((f) => path.join(ROOT, f));
  const before = files.map((f) => fs.statSync(f).mtimeMs);
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "bench", "run.mjs"), "--help"], { cwd: ROOT, encoding: "utf8" });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  expect(r.stdout).toMatch(/^usage: npm run bench .*\n.*--guard\n.*--write-readme/s);
  expect(files.map((f) => fs.statSync(f).mtimeMs)).toEqual(before);
  // No synth ran (one takes seconds here; the usage is a process start).
  expect(Date.now() - started).toBeLessThan(5_000);
  const bad = spawnSync(process.execPath, [path.join(ROOT, "bench", "run.mjs"), "--write-readmee"], { cwd: ROOT, encoding: "utf8" });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^bench: unknown argument --write-readmee\nusage: npm run bench/);
});

it("synth refuses an argument it does not know instead of synthesizing", () => {
  const r = runEntry("main", ["--hlc"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^synth: unknown argument --hlc\nusage: npm run synth/);
  expect(fs.existsSync(path.join(work, "out"))).toBe(false);
});

it("a synth stopped by SIGINT leaves its temporary folder only until the next run, which removes it and prints the policy summaries on standard output", async () => {
  const parent = path.join(work, "interrupted");
  const outdir = path.join(parent, "cdktf.out");
  const leftovers = () => (fs.existsSync(parent) ? fs.readdirSync(parent).filter((f) => f.startsWith(".cdktf.out.tmp-")) : []);
  const child = spawn(process.execPath, [path.join(dir, "main.js")], {
    cwd: ROOT,
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), MCP_CONFIG_DIR: path.join(ROOT, "config"), CDKTF_OUTDIR: outdir },
    stdio: "ignore",
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  // Stopped once its temporary folder exists: in the middle of the synth.
  while (leftovers().length === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGINT");
  expect(await exited).toBe("SIGINT");
  const [left] = leftovers();
  expect(left).toMatch(new RegExp(`^\\.cdktf\\.out\\.tmp-${child.pid}-[A-Za-z0-9]{6}$`));
  expect(fs.existsSync(outdir)).toBe(false);
  const r = runEntry("main", [], { CDKTF_OUTDIR: outdir });
  expect(r.status).toBe(0);
  expect(leftovers()).toEqual([]);
  // Standard output: the cdktf CLI shows an app's standard error as [ERROR] lines.
  expect(r.stdout).toMatch(/^policy mcp-dev-images: \d+ passed, 0 failed/m);
  expect(r.stderr).not.toMatch(/^policy /m);
  expect(fs.readdirSync(path.join(outdir, "stacks"))).toContain("mcp-dev");
}, 90_000);

describe("npm run check takes a plan, a stack folder, a folder of stack folders or a cdktf.out", () => {
  const stacks = () => fs.readdirSync(path.join(shippedOutdir(), "stacks")).sort();
  const plan = (stack: string) => path.join(shippedOutdir(), "stacks", stack, "cdk.tf.json");

  it.each([
    ["a plan", () => plan("mcp-dev"), () => [plan("mcp-dev")]],
    ["a stack folder", () => path.dirname(plan("mcp-dev")), () => [plan("mcp-dev")]],
    ["a folder of stack folders (cdktf.out/stacks)", () => path.join(shippedOutdir(), "stacks"), () => stacks().map(plan)],
    ["a cdktf.out", () => shippedOutdir(), () => stacks().map(plan)],
  ])("%s", (_name, target, expected) => {
    expect(findPlans(target())).toEqual(expected());
  });

  it("judges every stack of a folder of stack folders, each named by its folder", () => {
    let out = "";
    expect(
      run(
        [path.join(shippedOutdir(), "stacks"), "--json"],
        (s) => (out += s),
        () => undefined,
      ),
    ).toBe(0);
    expect(JSON.parse(out).stacks.map((s: { stack: string }) => s.stack)).toEqual(stacks());
  });
});
