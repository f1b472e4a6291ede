// Bundles the kit's entry points into dist/ with esbuild (no type-check: that is `npm run build`), and records
// what each bundle was built from, so scripts/run.cjs rebuilds only after a source or an installed package changed.
//   node scripts/bundle.cjs [entry...]   builds the named entries, or all of them
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");

/** Entry name → source. Each is one self-contained file in dist/, so synth never loads the preflight's AWS SDK. */
const ENTRIES = { main: "main.ts", preflight: "preflight/cli.ts", review: "review/cli.ts", check: "policy/cli.ts", "docs-rules": "policy/docs.ts", "docs-config": "config/docs.ts", images: "images/cli.ts", bootstrap: "bootstrap/main.ts", drift: "review/drift.ts" };

/**
 * cdktf, constructs, the provider classes and zod are bundled in: one file loads in one read and compiles from
 * V8's code cache, where resolving ~700 modules through node_modules cost a third of a synth. esbuild stays out
 * (a native binary, loaded only to build a Lambda package), and so does the AWS SDK (the preflight's alone).
 */
const EXTERNAL = ["esbuild", "@aws-sdk/*", "@smithy/*"];

/** npm rewrites this file on every install, so a changed package shows here without walking node_modules. */
const INSTALL_STAMP = "node_modules/.package-lock.json";

/** The esbuild options of one entry; exported so tests build exactly what synth runs. */
function buildOptions(name) {
  return {
    entryPoints: { [name]: ENTRIES[name] },
    absWorkingDir: ROOT,
    outdir: "dist",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "warning",
  };
}

const manifestPath = (name) => path.join(DIST, `${name}.build.json`);
const bundlePath = (name) => path.join(DIST, `${name}.js`);

function stamp(rel) {
  const st = fs.statSync(path.join(ROOT, rel));
  return [st.mtimeMs, st.size];
}

/**
 * The bundle's build id when dist/<name>.js is still what its sources would build, else undefined. A file whose
 * modification time or size differs from the recorded one counts as changed: equality, not "newer than", so a
 * source restored with an old timestamp is caught too.
 */
function freshBuildId(name) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath(name), "utf8"));
  } catch {
    return undefined;
  }
  try {
    for (const [rel, [mtimeMs, size]] of Object.entries(manifest.files)) {
      const [m, s] = stamp(rel);
      if (m !== mtimeMs || s !== size) return undefined;
    }
  } catch {
    return undefined; // a recorded file is gone
  }
  return manifest.buildId;
}

/** Writes then renames, so a concurrent run never reads half a file. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Builds one entry and returns its build id (a hash of the bundle, which names its code cache). */
function build(name) {
  if (!(name in ENTRIES)) throw new Error(`unknown entry "${name}"; entries: ${Object.keys(ENTRIES).join(", ")}`);
  const { buildSync } = require("esbuild");
  // A file saved while esbuild reads it may be in the bundle as it was before: such a file is recorded as changed.
  const started = Date.now();
  const result = buildSync(buildOptions(name));
  fs.mkdirSync(DIST, { recursive: true });
  let buildId;
  for (const out of result.outputFiles) {
    if (out.path === bundlePath(name)) buildId = crypto.createHash("sha256").update(out.contents).digest("hex").slice(0, 16);
    writeAtomic(out.path, out.contents);
  }
  // Everything the bundle came from outside node_modules, the install stamp, what configures esbuild (tsconfig.json
  // and this script), and the bundle itself.
  const sources = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/"));
  const files = {};
  const output = path.relative(ROOT, bundlePath(name));
  for (const rel of [...sources, INSTALL_STAMP, "package.json", "tsconfig.json", path.relative(ROOT, __filename), output]) {
    if (!fs.existsSync(path.join(ROOT, rel))) continue;
    const [mtimeMs, size] = stamp(rel);
    // Timestamps can be coarser than a millisecond; a second of margin costs at most one extra rebuild.
    files[rel] = rel !== output && mtimeMs >= started - 1000 ? [-1, -1] : [mtimeMs, size];
  }
  writeAtomic(manifestPath(name), JSON.stringify({ buildId, files }, null, 1) + "\n");
  return buildId;
}

/** The build id of a bundle that is fresh, rebuilding it first if it is not. */
function ensureBuilt(name) {
  return freshBuildId(name) ?? build(name);
}

module.exports = { ROOT, DIST, ENTRIES, buildOptions, bundlePath, build, ensureBuilt, freshBuildId, writeAtomic };

if (require.main === module) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in ENTRIES));
  if (unknown.length) {
    console.error(`unknown entry ${unknown.join(", ")}; entries: ${Object.keys(ENTRIES).join(", ")}`);
    process.exit(2);
  }
  for (const name of wanted.length ? wanted : Object.keys(ENTRIES)) build(name);
}
