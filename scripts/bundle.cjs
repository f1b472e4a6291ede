// Bundles the kit's entry points into dist/ with esbuild (no type-check: that is `npm run build`), and records a
// hash of everything each bundle was built from, so scripts/run.cjs rebuilds only after an input changed.
//   node scripts/bundle.cjs [entry...]   builds the named entries, or all of them
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");

/** Entry name → source. Each is one self-contained file in dist/, so synth never loads the preflight's AWS SDK. */
const ENTRIES = {
  main: "main.ts",
  preflight: "preflight/cli.ts",
  review: "review/cli.ts",
  check: "policy/cli.ts",
  "docs-rules": "policy/docs.ts",
  "docs-config": "config/docs.ts",
  images: "images/cli.ts",
  bootstrap: "bootstrap/main.ts",
  drift: "review/drift.ts",
};

/**
 * cdktf, constructs, the provider classes and zod are bundled in: one file loads in one read and compiles from
 * Node's compile cache, where resolving ~700 modules through node_modules cost a third of a synth. esbuild stays
 * out (a native binary, loaded only to build a Lambda package), and so does the AWS SDK (the preflight's alone).
 */
const EXTERNAL = ["esbuild", "@aws-sdk/*", "@smithy/*"];

/**
 * What configures a build besides its sources, hashed with them: the lockfile (npm's; absent under pnpm or yarn,
 * where the bundled packages' own package.json files below still show a changed version), the TypeScript options
 * esbuild reads, and this script.
 */
const BUILD_FILES = ["package-lock.json", "package.json", "tsconfig.json", path.relative(ROOT, __filename)];

/** The esbuild options of one entry; exported so tests build exactly what synth runs. */
function buildOptions(name) {
  return {
    entryPoints: { [name]: ENTRIES[name] },
    absWorkingDir: ROOT,
    outdir: "dist",
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: EXTERNAL,
    // scripts/run.cjs turns source maps on: a stack trace names constructs/x.ts:line, not dist/main.js:133731.
    sourcemap: "linked",
    // Names and lines only: the sources are beside the map, and a map without them parses in a fraction of the time.
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "warning",
  };
}

const manifestPath = (name) => path.join(DIST, `${name}.build.json`);
const bundlePath = (name) => path.join(DIST, `${name}.js`);

/** The package.json of the installed package a bundled file belongs to (node_modules/[@scope/]name/package.json). */
function packageJsonOf(rel) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(rel);
  return m ? `${m[1]}/package.json` : undefined;
}

/**
 * The files a bundle's freshness is judged by: its sources outside node_modules, the package.json of every package
 * it bundles (their version; reading ~15 MB of package code on each run would cost ~30 ms), and BUILD_FILES.
 */
function inputsOf(metafileInputs) {
  const sources = metafileInputs.filter((f) => !f.includes("node_modules/"));
  const packages = [...new Set(metafileInputs.map(packageJsonOf).filter((p) => p !== undefined))];
  return [...sources, ...packages.sort(), ...BUILD_FILES];
}

/**
 * One hash of every input's path and content, and of the esbuild version; a missing file counts as content too,
 * so a lockfile that appears or goes changes it.
 */
function hashInputs(files) {
  const h = crypto.createHash("sha256");
  h.update(`esbuild ${require("esbuild/package.json").version}\0`);
  for (const rel of files) {
    h.update(`${rel}\0`);
    try {
      h.update(fs.readFileSync(path.join(ROOT, rel)));
    } catch {
      h.update("\0missing\0");
    }
    h.update("\0");
  }
  return h.digest("hex");
}

/** The bundle's size and modification time: an edited or replaced bundle is rebuilt as well. */
function bundleStamp(name) {
  const st = fs.statSync(bundlePath(name));
  return [st.mtimeMs, st.size];
}

/** True when dist/<name>.js is what its inputs, as they are now, would build. */
function isFresh(name) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath(name), "utf8"));
    const [mtimeMs, size] = bundleStamp(name);
    if (mtimeMs !== manifest.bundle[0] || size !== manifest.bundle[1]) return false;
  } catch {
    return false; // never built, or the bundle is gone
  }
  return manifest.inputsHash === hashInputs(manifest.inputs);
}

/** Writes then renames, so a concurrent run never reads half a file. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Builds one entry and records the hash of its inputs. */
function build(name) {
  if (!(name in ENTRIES)) throw new Error(`unknown entry "${name}"; entries: ${Object.keys(ENTRIES).join(", ")}`);
  const { buildSync } = require("esbuild");
  const started = Date.now();
  const result = buildSync(buildOptions(name));
  fs.mkdirSync(DIST, { recursive: true });
  for (const out of result.outputFiles) writeAtomic(out.path, out.contents);
  const inputs = inputsOf(Object.keys(result.metafile.inputs));
  // The hash is taken after the build: a source saved while esbuild read it may be in the bundle as it was before,
  // so such a file (saved within a second of the start; timestamps can be coarse) leaves the record stale.
  const touched = inputs.some((rel) => {
    try {
      return fs.statSync(path.join(ROOT, rel)).mtimeMs >= started - 1000;
    } catch {
      return false;
    }
  });
  const manifest = { inputsHash: touched ? "stale: an input was saved during the build" : hashInputs(inputs), bundle: bundleStamp(name), inputs };
  writeAtomic(manifestPath(name), JSON.stringify(manifest, null, 1) + "\n");
}

/** Rebuilds the bundle first when it is not fresh. */
function ensureBuilt(name) {
  if (!isFresh(name)) build(name);
}

module.exports = { ROOT, DIST, ENTRIES, buildOptions, bundlePath, build, ensureBuilt, isFresh, writeAtomic };

if (require.main === module) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in ENTRIES));
  if (unknown.length) {
    console.error(`unknown entry ${unknown.join(", ")}; entries: ${Object.keys(ENTRIES).join(", ")}`);
    process.exit(2);
  }
  for (const name of wanted.length ? wanted : Object.keys(ENTRIES)) build(name);
}
