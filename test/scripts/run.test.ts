/**
 * scripts/run.cjs, what `npm run synth` and cdktf.json run: it rebuilds a bundle only when the hash of its inputs
 * changed, runs it as the main module, maps an uncaught error's frames through the source map, and is quiet when
 * its reader goes away. Run in a scratch copy of the scripts with small entries, so the real dist/ is never touched.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-cjs-"));
  fs.mkdirSync(path.join(dir, "scripts"));
  for (const f of ["bundle.cjs", "run.cjs"]) fs.copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "package.json"), "{}\n");
  // Saved 10 s ago, as a checkout is: a file saved during a build is recorded as changed (see below).
  for (const f of ["scripts/bundle.cjs", "scripts/run.cjs", "package.json"]) fs.utimesSync(path.join(dir, f), new Date(), new Date(Date.now() - 10_000));
  writeEntry("one");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes the entry (a file the bundle imports holds the word); saved 10 s ago unless `justNow`. */
function writeEntry(word: string, justNow = false): void {
  fs.writeFileSync(path.join(dir, "word.ts"), `export const word: string = "${word}";\n`);
  fs.writeFileSync(path.join(dir, "main.ts"), 'import { word } from "./word";\nconsole.log(JSON.stringify({ word, args: process.argv.slice(2), main: process.argv[1] === __filename }));\n');
  if (!justNow) for (const f of ["word.ts", "main.ts"]) fs.utimesSync(path.join(dir, f), new Date(), new Date(Date.now() - 10_000));
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ["scripts/run.cjs", ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

const bundleMtime = () => fs.statSync(path.join(dir, "dist", "main.js")).mtimeMs;
const manifest = () => JSON.parse(fs.readFileSync(path.join(dir, "dist", "main.build.json"), "utf8"));

it("builds on first use, passes the arguments on, and names the bundle in argv[1] (lib/args.ts isMain)", () => {
  expect(run("main", "--hcl", "x").out).toEqual({ word: "one", args: ["--hcl", "x"], main: true });
  expect(manifest().inputsHash).toMatch(/^[0-9a-f]{64}$/);
  expect(manifest().inputs).toEqual(["word.ts", "main.ts", "package-lock.json", "package.json", "tsconfig.json", "scripts/bundle.cjs"]);
});

it("reuses a fresh bundle without rebuilding", () => {
  const before = bundleMtime();
  expect(run("main").out.word).toBe("one");
  expect(bundleMtime()).toBe(before);
});

it("keeps the bundle's compiled code between runs: Node's compile cache, or on Node 20 V8's code cache, rewritten when refused", () => {
  const cacheDir = path.join(dir, "dist", ".compile-cache");
  fs.rmSync(cacheDir, { recursive: true, force: true });
  expect(run("main").out.word).toBe("one");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (require("node:module").enableCompileCache) {
    expect(fs.readdirSync(cacheDir).length).toBeGreaterThan(0);
    return;
  }
  const [cache, ...others] = fs.readdirSync(cacheDir);
  expect(others).toEqual([]);
  expect(cache).toMatch(new RegExp(`^main-v8-${fs.statSync(path.join(dir, "dist", "main.js")).size}-\\d+-${process.version}-${process.arch}\\.bin$`));
  const file = path.join(cacheDir, cache);
  const written = fs.statSync(file).mtimeMs;
  expect(run("main", "again").out).toEqual({ word: "one", args: ["again"], main: true });
  expect(fs.statSync(file).mtimeMs).toBe(written);
  // Data V8 refuses (another V8, a damaged file) costs a compile from source and is replaced.
  fs.writeFileSync(file, "not V8 code");
  expect(run("main").out.word).toBe("one");
  expect(fs.readFileSync(file, "utf8")).not.toBe("not V8 code");
  const rewritten = fs.statSync(file).mtimeMs;
  expect(run("main").out.word).toBe("one");
  expect(fs.statSync(file).mtimeMs).toBe(rewritten);
});

it("rebuilds after an imported source's content changes, whatever its timestamp", () => {
  const { mtime } = fs.statSync(path.join(dir, "word.ts"));
  writeEntry("two");
  fs.utimesSync(path.join(dir, "word.ts"), mtime, mtime);
  expect(run("main").out.word).toBe("two");
});

it("rebuilds when a build input that is not a source appears or changes (here the lockfile)", () => {
  const before = manifest().inputsHash;
  fs.writeFileSync(path.join(dir, "package-lock.json"), "{}\n");
  fs.utimesSync(path.join(dir, "package-lock.json"), new Date(), new Date(Date.now() - 10_000));
  expect(run("main").out.word).toBe("two");
  expect(manifest().inputsHash).not.toBe(before);
});

it("rebuilds when the bundle itself was edited or removed", () => {
  fs.appendFileSync(path.join(dir, "dist", "main.js"), "\nconsole.error('edited');\n");
  const r = run("main");
  expect(r.out.word).toBe("two");
  expect(r.stderr).not.toContain("edited");
  fs.rmSync(path.join(dir, "dist", "main.js"));
  expect(run("main").out.word).toBe("two");
});

it("records a source saved while the bundle was being built as changed, so the next run rebuilds", () => {
  // Simulated: a build that starts within a second of the source's last save.
  writeEntry("three", true);
  const bundle = require(path.join(dir, "scripts", "bundle.cjs")) as { build: (n: string) => void; isFresh: (n: string) => boolean };
  bundle.build("main");
  expect(bundle.isFresh("main")).toBe(false);
  for (const f of ["word.ts", "main.ts"]) fs.utimesSync(path.join(dir, f), new Date(), new Date(Date.now() - 10_000));
  expect(run("main").out.word).toBe("three");
  expect(bundle.isFresh("main")).toBe(true);
});

it("reports an uncaught error at the TypeScript line it came from, through the source map", () => {
  fs.writeFileSync(path.join(dir, "word.ts"), 'export const word: string = "four";\nexport function boom(): never {\n  throw new Error("deliberate");\n}\n');
  fs.writeFileSync(path.join(dir, "main.ts"), 'import { boom } from "./word";\nboom();\n');
  const r = run("main");
  expect(r.status).toBe(1);
  expect(r.stderr.split("\n").slice(0, 3)).toEqual(["Error: deliberate", "    at boom (word.ts:3:9)", "    at Object.<anonymous> (main.ts:2:1)"]);
});

it("exits 0 without a trace when the reader of its output goes away (cmd | head)", () => {
  // More than a pipe holds (64 KiB), so a write after `head` has left fails with EPIPE; process.stdout.write, as
  // `npm run check` writes (console.log drops write errors), which without the handler dies with an 'error' trace.
  fs.writeFileSync(path.join(dir, "main.ts"), 'for (let i = 0; i < 20000; i++) process.stdout.write(`line ${i} ${"x".repeat(60)}\\n`);\n');
  const r = spawnSync("bash", ["-c", `"${process.execPath}" scripts/run.cjs main | head -n 1; echo "exit \${PIPESTATUS[0]}"`], { cwd: dir, encoding: "utf8" });
  expect(r.stdout).toMatch(/^line 0 x+\nexit 0\n$/);
  expect(r.stderr).toBe("");
});

it("refuses an unknown entry with the list of entries", () => {
  const r = run("mian");
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("usage: node scripts/run.cjs <entry> [args...]; entries: main, preflight, review, check, docs-rules, docs-config, images, bootstrap, drift\n");
});
