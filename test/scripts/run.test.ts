/**
 * scripts/run.cjs, what `npm run synth` and cdktf.json run: it rebuilds a bundle only when something it was built
 * from changed, and keeps a V8 code cache named by the bundle it belongs to. Run in a scratch copy of the scripts
 * with a one-line entry, so the real dist/ is never touched.
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
  writeEntry("one");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeEntry(word: string): void {
  fs.writeFileSync(path.join(dir, "main.ts"), `const word: string = "${word}";\nconsole.log(JSON.stringify({ word, args: process.argv.slice(2), main: require.main === module }));\n`);
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ["scripts/run.cjs", ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

const bundleMtime = () => fs.statSync(path.join(dir, "dist", "main.js")).mtimeMs;
const caches = () => fs.readdirSync(path.join(dir, "dist", ".v8-cache")).sort();

it("builds on first use, passes the arguments on, and runs the entry as the main module", () => {
  expect(run("main", "--hcl", "x").out).toEqual({ word: "one", args: ["--hcl", "x"], main: true });
  const { buildId } = JSON.parse(fs.readFileSync(path.join(dir, "dist", "main.build.json"), "utf8"));
  expect(buildId).toMatch(/^[0-9a-f]{16}$/);
  expect(caches()).toEqual([`main-${buildId}.bin`]);
});

it("reuses a fresh bundle and its code cache without rebuilding", () => {
  const before = bundleMtime();
  const cache = caches();
  expect(run("main").out.word).toBe("one");
  expect(bundleMtime()).toBe(before);
  expect(caches()).toEqual(cache);
});

it("rebuilds after a source changes, even to an older timestamp, and replaces the stale code cache", () => {
  const old = caches();
  const { mtime } = fs.statSync(path.join(dir, "main.ts"));
  writeEntry("two");
  fs.utimesSync(path.join(dir, "main.ts"), mtime, new Date(mtime.getTime() - 60_000));
  expect(run("main").out.word).toBe("two");
  expect(caches()).toHaveLength(1);
  expect(caches()).not.toEqual(old);
});

it("rebuilds when the bundle itself was edited or removed", () => {
  fs.appendFileSync(path.join(dir, "dist", "main.js"), "\nconsole.error('edited');\n");
  const r = run("main");
  expect(r.out.word).toBe("two");
  expect(r.stderr).not.toContain("edited");
  fs.rmSync(path.join(dir, "dist", "main.js"));
  expect(run("main").out.word).toBe("two");
});

it("refuses an unknown entry with the list of entries", () => {
  const r = run("mian");
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("usage: node scripts/run.cjs <entry> [args...]; entries: main, preflight, review, check, docs-rules\n");
});
