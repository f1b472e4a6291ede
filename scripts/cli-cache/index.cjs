// .npmrc hands this preload to every Node process npm starts; it acts only in the cdktf CLI. The CLI loads
// TypeScript, jsii-rosetta, prettier and more even for `synth`, and compiling them is ~2 s of each run on a
// 2-core machine. Node 22.1+ caches compiled code itself (module.enableCompileCache); Node 20 needs ./cache.cjs.
// MCP_CLI_CACHE=0 turns it off; MCP_CLI_CACHE_DIR moves it.
"use strict";
const path = require("node:path");

const CLI = /[\\/]node_modules[\\/](?:\.bin[\\/]cdktf|cdktf-cli[\\/]bundle[\\/]bin[\\/]cdktf)$/;

if (CLI.test(process.argv[1] ?? "") && process.env.MCP_CLI_CACHE !== "0") {
  // node_modules/.cache: where build tools keep caches; `npm ci` empties it with the rest of node_modules.
  // Node loads this file by its real path, scripts/cli-cache/, whatever link npm made to it.
  const dir = process.env.MCP_CLI_CACHE_DIR ?? path.join(__dirname, "..", "..", "node_modules", ".cache", "cdktf-cli");
  // The CLI instantiates two Go WebAssembly modules (HCL tools) at load, for commands other than synth too; lazy
  // compilation compiles only the functions called, instead of all of them, on both cores, while the app runs.
  require("node:v8").setFlagsFromString("--wasm-lazy-compilation");
  const { enableCompileCache } = require("node:module");
  if (typeof enableCompileCache === "function") enableCompileCache(dir);
  else require("./cache.cjs").install(dir);
}
