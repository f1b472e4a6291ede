// Runs one bundled entry of the kit: `node scripts/run.cjs <entry> [args...]` (entries in scripts/bundle.cjs).
// The bundle is rebuilt first only if one of its inputs changed (a hash of them, scripts/bundle.cjs), its stack
// traces go through the source map, and Node's own compile cache (Node ≥ 22.1) keeps V8's compiled code of it:
// the ~5 MB of cdktf and provider classes otherwise cost ~0.2 s to compile per run.
"use strict";
const fs = require("node:fs");
const { SourceMap, enableCompileCache } = require("node:module");
const path = require("node:path");
const { inspect } = require("node:util");
const { DIST, ENTRIES, bundlePath, ensureBuilt } = require("./bundle.cjs");

const name = process.argv[2];
if (!(name in ENTRIES)) {
  console.error(`usage: node scripts/run.cjs <entry> [args...]; entries: ${Object.keys(ENTRIES).join(", ")}`);
  process.exit(2);
}
ensureBuilt(name);
const file = bundlePath(name);
// The entry sees the arguments it would see as `node dist/<entry>.js args...` (lib/args.ts isMain reads argv[1]).
process.argv.splice(1, 2, file);

// `cmd | head`: the reader left, nothing is lost that anyone reads; exit quietly instead of an EPIPE trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
// An error that reaches the top names constructs/x.ts:line, not dist/main.js:133731. The map is read only then:
// Node's own source maps (process.setSourceMapsEnabled) decode the whole 3 MB map at every start, ~0.3 s of CPU.
process.on("uncaughtException", (e) => {
  let text = inspect(e);
  try {
    text = mapFrames(text, file);
  } catch {
    // The trace as it is: a bundle without a readable map still reports the error.
  }
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
// Keyed by each file's content and the Node version; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Absent on Node 20,
// which gets the same from V8's code cache directly (requireWithCodeCache).
if (enableCompileCache) {
  enableCompileCache(path.join(DIST, ".compile-cache"));
  require(file);
} else if (process.env.NODE_DISABLE_COMPILE_CACHE) {
  require(file);
} else {
  requireWithCodeCache(file, name);
}

/**
 * `require(file)` with V8's code cache, for Node versions without module.enableCompileCache: the bundle's compiled
 * code (what it ran, lazily compiled functions included) is saved after a successful run and handed to V8 on the next,
 * ~0.2 s of CPU less per synth on Node 20. The cache is named by the bundle's size and modification time (a rebuild
 * renames a new file into place) and the Node version; V8 itself refuses data from another V8, source or flags, and a
 * refused cache is rewritten.
 */
function requireWithCodeCache(file, name) {
  const Module = require("node:module");
  const vm = require("node:vm");
  const dir = path.join(DIST, ".compile-cache");
  const st = fs.statSync(file);
  const prefix = `${name}-v8-`;
  const cacheFile = path.join(dir, `${prefix}${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}-${process.arch}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // First run of this bundle: compiled from source, cached at exit.
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.on("exit", (code) => {
      if (code !== 0) return;
      try {
        fs.mkdirSync(dir, { recursive: true });
        // Older caches of this entry belong to bundles that are gone.
        for (const f of fs.readdirSync(dir)) if (f.startsWith(prefix)) fs.rmSync(path.join(dir, f), { force: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // No cache: the next run compiles from source, as this one did.
      }
    });
  }
  // What require(file) would set up: the module record, its require (isMain compares require.main and argv[1]).
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.main = require.main;
  req.cache = Module._cache;
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
}

/** `text` with every frame in `bundle` (path:line:column) replaced by the source position esbuild's map gives. */
function mapFrames(text, bundle) {
  let map;
  const frame = new RegExp(`${bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+)`, "g");
  return text.replace(frame, (whole, line, column) => {
    map ??= new SourceMap(JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8")));
    const hit = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!hit || hit.originalSource === undefined) return whole;
    const source = path.resolve(path.dirname(bundle), hit.originalSource.replace(/^file:\/\//, ""));
    return `${path.relative(process.cwd(), source)}:${hit.originalLine + 1}:${hit.originalColumn + 1}`;
  });
}
