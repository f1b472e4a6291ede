/**
 * Builds a Lambda deployment package in-process: esbuild bundles one TypeScript entry into a single CommonJS file,
 * and a minimal zip writer packs it with fixed timestamps and permissions, so the same source always gives the
 * same bytes (and the same source_code_hash). No child process: cdktf's ARCHIVE assets start one per stack.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";
import { BuildOptions, buildSync, version as esbuildVersion } from "esbuild";

export interface FunctionBundle {
  /** The zip file, named by its content hash (safe to share between stacks and runs). */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip, as Lambda's source_code_hash expects. */
  readonly sha256: string;
  readonly bytes: number;
}

/** Node major version the bundle targets; keep in step with LAMBDA_RUNTIME. */
export const LAMBDA_RUNTIME = "nodejs24.x";
const cache = new Map<string, FunctionBundle>();
/** The folder beside each function's own that several functions import from. */
const SHARED_DIR = "shared";

/**
 * Bundles `entry` (absolute path of a .ts file exporting `handler`) into `index.js` inside a zip. The AWS SDK v3
 * stays external: the Lambda Node.js runtime provides it, which keeps the package a few kilobytes. `files` are packed
 * beside it (e.g. a configuration too large for Lambda's 4 KB of environment variables); they are part of the hash.
 */
export function bundleFunction(entry: string, files: readonly ZipEntry[] = []): FunctionBundle {
  for (const f of files) if (f.name === "index.js" || !/^[A-Za-z0-9._-]+$/.test(f.name)) throw new Error(`${entry}: cannot pack a file named ${JSON.stringify(f.name)} beside index.js`);
  const extra = createHash("sha256");
  for (const f of files) extra.update(`${f.name}\n${f.data.length}\n`).update(f.data);
  const filesHash = files.length ? extra.digest("hex") : "";
  const key = filesHash ? `${entry}\n${filesHash}` : entry;
  const hit = cache.get(key);
  if (hit) return hit;
  // A function imports only files of its own directory, of functions/shared (code two functions need) and the SDK:
  // their hash, with esbuild's version and the build options, names the package, so later runs reuse it without
  // starting esbuild at all (~80 ms each).
  const dir = path.dirname(entry);
  const source = createHash("sha256").update(`${esbuildVersion}\n${JSON.stringify(BUILD_OPTIONS)}\n`);
  for (const d of [dir, path.join(dir, "..", SHARED_DIR)]) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs
      .readdirSync(d)
      .filter((n) => /\.(ts|js|json)$/.test(n))
      .sort())
      source.update(`${path.basename(d)}/${f}\n`).update(fs.readFileSync(path.join(d, f)));
  }
  if (filesHash) source.update(`files ${filesHash}\n`);
  const cacheDir = path.join(os.tmpdir(), "ibmi-mcp-kit-functions");
  const zipPath = path.join(cacheDir, `${path.basename(dir)}-${source.digest("hex").slice(0, 16)}.zip`);
  let zip: Buffer;
  if (fs.existsSync(zipPath)) {
    zip = fs.readFileSync(zipPath);
  } else {
    zip = zipFiles([{ name: "index.js", data: compile(entry) }, ...files]);
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename: a parallel synth never sees a half-written file.
    const tmp = `${zipPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, zip);
    fs.renameSync(tmp, zipPath);
  }
  const bundle = { zipPath, sha256: createHash("sha256").update(zip).digest("base64"), bytes: zip.length };
  cache.set(key, bundle);
  return bundle;
}

const compiled = new Map<string, Buffer>();

/** esbuild's output for `entry`, once per run (packages with different files share it). */
function compile(entry: string): Buffer {
  const hit = compiled.get(entry);
  if (hit) return hit;
  const out = buildSync({ ...BUILD_OPTIONS, entryPoints: [entry] });
  const js = (out.outputFiles ?? []).find((f) => f.path.endsWith(".js"));
  if (!js) throw new Error(`esbuild produced no JavaScript for ${entry}`);
  const data = Buffer.from(js.contents);
  compiled.set(entry, data);
  return data;
}

const BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node24",
  format: "cjs",
  external: ["@aws-sdk/*"],
  // Never written: with write false the bytes stay in memory; the name only fixes the output's path.
  outfile: "index.js",
  write: false,
  minify: false,
  sourcemap: false,
  legalComments: "none",
  logLevel: "silent",
};

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** DOS date 1980-01-01 00:00, the zip epoch: no build time leaks into the bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Regular file, rw-r--r--, in the high half of the external attributes (made by Unix). */
const UNIX_FILE_MODE = (0o100644 << 16) >>> 0;

/** A zip archive (deflate, no extra fields, entries in the given order) with fixed metadata. */
export function zipFiles(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const packed = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, spec 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(UNIX_FILE_MODE, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, cd, end]);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The entry file of a function under functions/<name>/index.ts. Found by walking up from this module, because
 * the kit runs both from source (jest) and bundled into dist/ (npm run synth).
 */
export function functionEntry(name: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "functions", name, "index.ts");
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`functions/${name}/index.ts not found above ${__dirname}`);
    dir = parent;
  }
}
