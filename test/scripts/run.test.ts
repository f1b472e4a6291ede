/**
 * scripts/run.cjs, what `npm run synth` and cdktf.json run: it rebuilds a bundle only when something it was built
 * from changed, and keeps a V8 code cache named by the bundle it belongs to. Run in a scratch copy of the scripts
 * with a one-line entry, so the real dist/ is never touched.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";

const ROOT = path.join(__dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-cjs-"));
  fs.mkdirSync(path.join(dir, "scripts"));
  for (const f of ["bundle.cjs", "run.cjs"]) fs.copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "package.json"), "{}\n");
  // Saved 10 s ago, as a checkout is: a file saved during a build would be recorded as changed (see below).
  for (const f of ["scripts/bundle.cjs", "scripts/run.cjs", "package.json"]) fs.utimesSync(path.join(dir, f), new Date(), new Date(Date.now() - 10_000));
  writeEntry("one");
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes the entry; saved 10 s ago unless `justNow`, so a build right after does not count it as being edited. */
function writeEntry(word: string, justNow = false): void {
  const file = path.join(dir, "main.ts");
  fs.writeFileSync(file, `const word: string = "${word}";\nconsole.log(JSON.stringify({ word, args: process.argv.slice(2), main: require.main === module }));\n`);
  if (!justNow) fs.utimesSync(file, new Date(), new Date(Date.now() - 10_000));
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ["scripts/run.cjs", ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stderr: r.stderr, out: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

const bundleMtime = () => fs.statSync(path.join(dir, "dist", "main.js")).mtimeMs;
const caches = () => fs.readdirSync(path.join(dir, "dist", ".v8-cache")).sort();
const cacheMtime = () => fs.statSync(path.join(dir, "dist", ".v8-cache", caches()[0])).mtimeMs;

it("builds on first use, passes the arguments on, and runs the entry as the main module", () => {
  expect(run("main", "--hcl", "x").out).toEqual({ word: "one", args: ["--hcl", "x"], main: true });
  const { buildId } = JSON.parse(fs.readFileSync(path.join(dir, "dist", "main.build.json"), "utf8"));
  expect(buildId).toMatch(/^[0-9a-f]{16}$/);
  // Named by length and CRC-32 of the bundle's text.
  const source = fs.readFileSync(path.join(dir, "dist", "main.js"), "utf8");
  expect(caches()).toEqual([`main-${source.length.toString(16)}-${zlib.crc32(source).toString(16)}.bin`]);
});

it("reuses a fresh bundle and its code cache without rebuilding", () => {
  const before = bundleMtime();
  const cache = caches();
  const written = cacheMtime();
  expect(run("main").out.word).toBe("one");
  expect(bundleMtime()).toBe(before);
  expect(caches()).toEqual(cache);
  // Not rewritten: V8 took it (a rejected cache is written anew).
  expect(cacheMtime()).toBe(written);
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

it("records a source saved while the bundle was being built as changed, so the next run rebuilds", () => {
  // Simulated: a build that starts within a second of the source's last save.
  writeEntry("three", true);
  const bundle = require(path.join(dir, "scripts", "bundle.cjs")) as { build: (n: string) => string; freshBuildId: (n: string) => string | undefined };
  bundle.build("main");
  expect(JSON.parse(fs.readFileSync(path.join(dir, "dist", "main.build.json"), "utf8")).files["main.ts"]).toEqual([-1, -1]);
  expect(bundle.freshBuildId("main")).toBeUndefined();
  expect(run("main").out.word).toBe("three");
});

it("refuses an unknown entry with the list of entries", () => {
  const r = run("mian");
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("usage: node scripts/run.cjs <entry> [args...]; entries: main, preflight, review, check, docs-rules, docs-config, images, bootstrap, drift\n");
});
