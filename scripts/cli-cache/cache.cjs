// A code cache for CommonJS modules on Node 20, which lacks module.enableCompileCache. Each module is compiled
// with vm.Script and the cached data of its last run; at exit, if anything was compiled afresh, V8's data for
// every module is written to one file, taken after the run so that it holds the lazily compiled functions too.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const zlib = require("node:zlib");

/** File layout: 4-byte length of a JSON index { filename: [digest of source, offset, length] }, the index, the data. */
function load(file) {
  try {
    const buf = fs.readFileSync(file);
    const len = buf.readUInt32LE(0);
    return { index: JSON.parse(buf.subarray(4, 4 + len).toString("utf8")), data: buf.subarray(4 + len) };
  } catch {
    return { index: {}, data: Buffer.alloc(0) };
  }
}

function save(file, compiled) {
  const index = {};
  const parts = [];
  let offset = 0;
  for (const [filename, { hash, script }] of compiled) {
    const data = script.createCachedData();
    index[filename] = [hash, offset, data.length];
    parts.push(data);
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify(index), "utf8");
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length, 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename: two CLIs finishing together each leave a whole file, never a torn one.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([size, header, ...parts]));
  fs.renameSync(tmp, file);
}

/** Length and CRC-32 of the source, as Node's own compile cache keys it: zlib.crc32 (Node ≥ 20.15) is native and
 * ~10× faster than a SHA-1 over the CLI's ~30 MB of JavaScript; V8 checks the length again when it takes the data. */
const digest = zlib.crc32 ? (src) => `${src.length}:${zlib.crc32(src)}` : (src) => crypto.createHash("sha1").update(src).digest("base64");

/**
 * Lets import() in cached code load through Node's own ESM loader, as in a normally compiled module (Node ≥ 20.12;
 * it prints an ExperimentalWarning only when such an import() actually runs, which `cdktf synth` never does).
 */
const MAIN_LOADER = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

/** A hashbang is legal only at the very start of a script, not inside the module wrapper; keep the line count. */
const stripHashbang = (src) => (src.startsWith("#!") ? src.replace(/^#![^\r\n]*/, "") : src);

function install(dir) {
  // V8 refuses data from another V8 or other flags (it is then recompiled and rewritten); the name keeps Node
  // versions that share a checkout apart.
  const file = path.join(dir, `${process.version}-${process.arch}.bin`);
  const { index, data } = load(file);
  const compiled = new Map();
  let stale = false;
  const original = Module.prototype._compile;

  Module.prototype._compile = function compile(content, filename, format) {
    // ESM goes to Node; so does code with a dynamic import() where vm cannot hand import() to Node's loader (< 20.12).
    if (format === "module" || (!MAIN_LOADER && content.includes("import("))) return original.call(this, content, filename, format);
    const hash = digest(content);
    const hit = index[filename];
    const known = hit !== undefined && hit[0] === hash;
    // V8 gives no data for some scripts (asm.js, as in yoga's nbind.js): known but empty is not a miss.
    const cachedData = known && hit[2] > 0 ? data.subarray(hit[1], hit[1] + hit[2]) : undefined;
    let script;
    try {
      script = new vm.Script(Module.wrap(stripHashbang(content)), { filename, cachedData, ...(MAIN_LOADER ? { importModuleDynamically: MAIN_LOADER } : {}) });
    } catch {
      return original.call(this, content, filename, format); // Node reports the syntax error (or loads it as ESM)
    }
    if (!known || script.cachedDataRejected) stale = true;
    compiled.set(filename, { hash, script });
    const mod = this;
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
  };

  process.once("exit", () => {
    if (!stale) return;
    try {
      save(file, compiled);
    } catch {
      // Only a speed-up; a read-only checkout runs as it would without it.
    }
  });
}

module.exports = { install };
