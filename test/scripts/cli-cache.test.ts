/**
 * scripts/cli-cache, loaded by the NODE_OPTIONS that .npmrc gives every Node process npm starts. It must act in
 * the cdktf CLI alone, harm no process anywhere else, and never run a changed module from stale cached code.
 * These run the real .npmrc value against a stand-in CLI at node_modules/.bin/cdktf.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
/** The `node-options` of the project's .npmrc, as npm reads it (a quoted ini value is JSON). */
const NODE_OPTIONS = JSON.parse(/^node-options=(".*")$/m.exec(fs.readFileSync(path.join(ROOT, ".npmrc"), "utf8"))![1]) as string;
/** Node ≥ 22.1 keeps the cache itself (module.enableCompileCache, a directory); Node 20 uses scripts/cli-cache/cache.cjs (one file). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NODE_CACHE = typeof (require("node:module") as { enableCompileCache?: unknown }).enableCompileCache === "function";
let dir: string;
let cacheDir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-cache-"));
  cacheDir = path.join(dir, "cache");
  const modules = path.join(dir, "project", "node_modules");
  fs.mkdirSync(path.join(modules, ".bin"), { recursive: true });
  fs.mkdirSync(path.join(modules, "@ibmi-mcp-kit"));
  fs.symlinkSync(path.join(ROOT, "scripts", "cli-cache"), path.join(modules, "@ibmi-mcp-kit", "cli-cache"));
  // A hashbang, as the real bin has, and a module it requires.
  const cli = '#!/usr/bin/env node\nconsole.log(require("../lib.js")(), require.main === module);\n';
  fs.writeFileSync(path.join(modules, ".bin", "cdktf"), cli);
  fs.writeFileSync(path.join(dir, "project", "other.js"), cli.replace("../lib.js", "./node_modules/lib.js"));
  fs.writeFileSync(path.join(modules, "lib.js"), 'module.exports = () => "v1";\n');
  fs.mkdirSync(path.join(dir, "elsewhere"));
  fs.writeFileSync(path.join(dir, "elsewhere", "node_modules_free.js"), 'console.log("ran", require.main === module);\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, { cwd = path.join(dir, "project"), env = {} }: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [script], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS, MCP_CLI_CACHE_DIR: cacheDir, ...env } });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}
const cacheFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []);
const cacheMtime = () => fs.statSync(path.join(cacheDir, cacheFiles()[0])).mtimeMs;

it("leaves every process but the cdktf CLI alone, in the project and outside any", () => {
  expect(run("other.js")).toBe("v1 true");
  expect(run(path.join(dir, "elsewhere", "node_modules_free.js"), { cwd: path.join(dir, "elsewhere") })).toBe("ran true");
  expect(cacheFiles()).toEqual([]);
});

it("is off with MCP_CLI_CACHE=0", () => {
  expect(run("node_modules/.bin/cdktf", { env: { MCP_CLI_CACHE: "0" } })).toBe("v1 true");
  expect(cacheFiles()).toEqual([]);
});

it("caches the CLI's modules from any working directory, reuses the cache untouched, and recompiles a changed module", () => {
  expect(run(path.join(dir, "project", "node_modules", ".bin", "cdktf"), { cwd: dir })).toBe("v1 true");
  if (NODE_CACHE) expect(cacheFiles()).toHaveLength(1);
  else expect(cacheFiles()).toEqual([`${process.version}-${process.arch}.bin`]);
  const written = cacheMtime();
  expect(run("node_modules/.bin/cdktf")).toBe("v1 true");
  if (!NODE_CACHE) expect(cacheMtime()).toBe(written);
  // Same length, so only the content digest tells the versions apart.
  fs.writeFileSync(path.join(dir, "project", "node_modules", "lib.js"), 'module.exports = () => "v2";\n');
  expect(run("node_modules/.bin/cdktf")).toBe("v2 true");
  if (!NODE_CACHE) expect(cacheMtime()).not.toBe(written);
});

// Node's own cache (22+) handles its files itself.
(NODE_CACHE ? it.skip : it)("survives a damaged cache file", () => {
  fs.writeFileSync(path.join(cacheDir, cacheFiles()[0]), "not a cache");
  expect(run("node_modules/.bin/cdktf")).toBe("v2 true");
});

it("runs a dynamic import() in cached code through Node's own loader", () => {
  const project = path.join(dir, "dyn");
  const modules = path.join(project, "node_modules");
  fs.mkdirSync(path.join(modules, ".bin"), { recursive: true });
  fs.mkdirSync(path.join(modules, "@ibmi-mcp-kit"));
  fs.symlinkSync(path.join(ROOT, "scripts", "cli-cache"), path.join(modules, "@ibmi-mcp-kit", "cli-cache"));
  fs.writeFileSync(path.join(modules, "lazy.js"), 'module.exports = async () => (await import("node:path")).posix.sep;\n');
  fs.writeFileSync(path.join(modules, ".bin", "cdktf"), '#!/usr/bin/env node\nrequire("../lazy.js")().then((sep) => console.log(`sep ${sep}`));\n');
  const r = spawnSync(process.execPath, ["node_modules/.bin/cdktf"], { cwd: project, encoding: "utf8", env: { ...process.env, NODE_OPTIONS, MCP_CLI_CACHE_DIR: path.join(dir, "dyn-cache") } });
  expect(r.stdout).toBe("sep /\n");
  // Node 20 marks the loader hand-over experimental, and says so once an import() runs (cdktf synth runs none).
  expect(r.stderr.replace(/^\(node:\d+\) ExperimentalWarning: vm\.USE_MAIN_CONTEXT_DEFAULT_LOADER .*\n\(Use `node --trace-warnings \.\.\.` .*\n/, "")).toBe("");
});
