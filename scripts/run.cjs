// Runs one bundled entry of the kit: `node scripts/run.cjs <entry> [args...]` (entries in scripts/bundle.cjs).
// The bundle is rebuilt first only if a source or an installed package changed since it was built, and it is
// compiled from V8's code cache: the ~5 MB of cdktf and provider classes otherwise cost ~0.2 s to compile per run.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const zlib = require("node:zlib");
const { DIST, ENTRIES, bundlePath, ensureBuilt, writeAtomic } = require("./bundle.cjs");

const name = process.argv[2];
if (!(name in ENTRIES)) {
  console.error(`usage: node scripts/run.cjs <entry> [args...]; entries: ${Object.keys(ENTRIES).join(", ")}`);
  process.exit(2);
}
const buildId = ensureBuilt(name);
const file = bundlePath(name);
// The entry sees the arguments it would see as `node dist/<entry>.js args...`.
process.argv.splice(1, 2, file);

// Named by the source actually read (a rebuild by another process may land between the check and the read): V8
// checks a cache only against the source's length, so a cache must never outlive its bundle. V8 itself rejects one
// made by another Node version or with other flags, and it is then rewritten.
const source = fs.readFileSync(file, "utf8");
const sourceId = zlib.crc32 ? `${source.length.toString(16)}-${zlib.crc32(source).toString(16)}` : buildId;
const cacheDir = path.join(DIST, ".v8-cache");
const cacheFile = path.join(cacheDir, `${name}-${sourceId}.bin`);
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// import() in the bundle (none runs today) goes to Node's own loader, as in a normally loaded module (Node ≥ 20.12).
const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, ...(importModuleDynamically ? { importModuleDynamically } : {}) });
if (cachedData === undefined || script.cachedDataRejected) {
  // Made at exit, after the run: it then holds the functions compiled lazily during the synth as well.
  process.once("exit", (code) => {
    if (code !== 0) return; // a run that stopped early would leave a cache missing most of the synth
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Older caches of this entry go; another run's half-written .tmp is left alone.
      for (const old of fs.readdirSync(cacheDir)) if (old.startsWith(`${name}-`) && old.endsWith(".bin")) fs.rmSync(path.join(cacheDir, old), { force: true });
      writeAtomic(cacheFile, script.createCachedData());
    } catch {
      // Only a speed-up: a read-only checkout runs as fast as before, just without it.
    }
  });
}

const mod = new Module(file, null);
mod.filename = file;
mod.paths = Module._nodeModulePaths(path.dirname(file));
const requireFn = Object.assign((id) => mod.require(id), {
  resolve: (request, options) => Module._resolveFilename(request, mod, false, options),
  main: mod, // the CLIs run only when `require.main === module`
  cache: Module._cache,
});
script.runInThisContext()(mod.exports, requireFn, mod, file, path.dirname(file));
