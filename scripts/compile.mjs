// Compiles the kit's entry points to dist/ with esbuild: ~0.1 s, no type-check (that is `npm run build`).
// Packages stay external, so provider classes load from node_modules through their deep paths.
// `node scripts/compile.mjs main` compiles one entry (synth needs only main.js); no argument compiles all of them.
import { build } from "esbuild";

// preflight: its own bundle, so the AWS SDK stays out of main.js (synth never loads it).
const ENTRIES = { main: "main.ts", preflight: "preflight/cli.ts", review: "review/cli.ts", check: "policy/cli.ts" };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in ENTRIES));
if (unknown.length) throw new Error(`unknown entry ${unknown.join(", ")}; entries: ${Object.keys(ENTRIES).join(", ")}`);

await build({
  entryPoints: wanted.length ? Object.fromEntries(wanted.map((w) => [w, ENTRIES[w]])) : ENTRIES,
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
