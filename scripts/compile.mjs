// Compiles the kit's entry points to dist/ with esbuild: ~0.1 s, no type-check (that is `npm run build`).
// Packages stay external, so provider classes load from node_modules through their deep paths.
import { build } from "esbuild";

await build({
  // preflight: its own bundle, so the AWS SDK stays out of main.js (synth never loads it).
  entryPoints: { main: "main.ts", preflight: "preflight/cli.ts", review: "review/cli.ts", check: "policy/cli.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
