#!/usr/bin/env node
// `npm run bench`: times whole processes (min/median over several runs) for the everyday loop and for
// generated configs of growing size and prints a table; `-- --write-readme` also writes it to bench/results.json
// and the README's performance table. `npm run bench -- --guard`: the CI regression guard, the smallest synth
// against a reference measured in the same run (a bare `node` start), failing only if the ratio passes a loose bound.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import table from "./table.cjs";

const { renderTable, withTable } = table;

const USAGE = [
  "usage: npm run bench [-- --runs=N] [--write-readme]",
  "       npm run bench -- --guard",
  "  times synth, the cdktf CLI and the tests (several minutes) and prints the table; --write-readme also writes",
  "  bench/results.json and the README's performance table. --guard is CI's quick regression check.",
].join("\n");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => !["--guard", "--write-readme"].includes(a) && !/^--runs=[1-9]\d*$/.test(a));
if (unknown.length) {
  console.error(`bench: unknown argument ${unknown.join(" ")}\n${USAGE}`);
  process.exit(2);
}
const writeReadme = args.includes("--write-readme");
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-bench-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs a command `n` times; returns min and median wall time (ms) and peak RSS (bytes) when reported. */
function time(cmd, argv, { n = runs, env = {}, before } = {}) {
  const samples = [];
  let rss = 0;
  for (let i = 0; i < n; i++) {
    before?.();
    const rssFile = path.join(tmp, "rss");
    fs.rmSync(rssFile, { force: true });
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1", MCP_BENCH_RSS_FILE: rssFile, ...env }, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    samples.push(ms);
    if (fs.existsSync(rssFile)) rss = Math.max(rss, Number(fs.readFileSync(rssFile, "utf8")));
  }
  samples.sort((a, b) => a - b);
  return { min: Math.round(samples[0]), median: Math.round(samples[Math.floor(samples.length / 2)]), runs: n, peakRssMiB: rss ? Math.round(rss / 2 ** 20) : undefined };
}

/** Read-only grants from the seed's low-risk toolsets: every non-empty subset, smallest first (15 in all). */
const LOW = ["performance", "sysadmin_discovery", "sysadmin_browse", "sysadmin_search"];
const GRANTS = Array.from({ length: 15 }, (_, m) => LOW.filter((_, b) => ((m + 1) >> b) & 1)).sort((a, b) => a.length - b.length);

/** A config directory with `envs` environments of `agents` agent groups each, derived from config/dev.json. */
function generate(agents, envs) {
  const dir = path.join(tmp, `cfg-${agents}x${envs}`);
  fs.mkdirSync(dir, { recursive: true });
  const base = JSON.parse(fs.readFileSync(path.join(root, "config", "dev.json"), "utf8"));
  const templates = base.agents;
  for (let e = 0; e < envs; e++) {
    const env = `bench${String(e).padStart(2, "0")}`;
    const cfg = structuredClone(base);
    cfg.environment = env;
    cfg.stage = "dev";
    // Each environment its own VPC range and VPN gateway (one gateway attaches to one VPC: config refuses sharing).
    cfg.network.vpcCidr = `10.${40 + e}.0.0/20`;
    cfg.network.vpnGatewayId = `${base.network.vpnGatewayId.slice(0, -2)}${e.toString(16).padStart(2, "0")}`;
    // About 20 groups per grant, as a large estate would have: tiers grow with the groups (a jwt tier serves ≤ 40).
    cfg.agents = Array.from({ length: agents }, (_, i) => ({
      ...structuredClone(templates[0]),
      name: `agent-${String(i).padStart(3, "0")}`,
      cidrs: [`10.${100 + Math.floor(i / 250)}.${i % 250}.0/28`],
      toolsets: GRANTS[Math.floor(i / 20) % GRANTS.length],
      readOnly: true,
    }));
    // No suppression needed: listener rules pack the ranges of a tier's groups (lib/tiers.ts routingRules), 4 a rule
    // (lib/tier-routes.ts), so 200 groups make 50 rules, within the 100 per load balancer that MCP-DEPLOY-019 checks.
    fs.writeFileSync(path.join(dir, `${env}.json`), JSON.stringify(cfg, null, 2));
  }
  return dir;
}

// The same loader as `npm run synth` (scripts/run.cjs: bundle freshness check, V8 code cache), without npm's start-up.
const synth = (configDir, outdir) => ["node", ["--require", "./bench/rss.cjs", "scripts/run.cjs", "main"], { env: { MCP_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir } }];
// Built once up front, so no timed run pays for a rebuild (one row below measures exactly that).
const built = spawnSync("node", ["scripts/bundle.cjs", "main"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) process.exit(1);

if (args.includes("--guard")) {
  // Loose on purpose: a root import of the provider package (seconds) or per-agent re-validation multiplies synth
  // time. Node 22 and 24 start in 30-45 ms here where Node 20 took ~125 ms, so the same synth reads 20-35 (it read
  // about 7 on Node 20; the old runner on Node 22 reads 16).
  const MAX_RATIO = 50;
  const reference = time("node", ["-e", "0"], { n: 5 });
  const [cmd, argv, opts] = synth(generate(1, 1), path.join(tmp, "out"));
  const smallest = time(cmd, argv, { ...opts, n: 3 });
  const ratio = smallest.min / reference.min;
  console.log(`bench guard: smallest synth ${smallest.min} ms, bare node ${reference.min} ms, ratio ${ratio.toFixed(1)} (limit ${MAX_RATIO})`);
  process.exit(ratio > MAX_RATIO ? 1 : 0);
}

const rows = [];
const add = (name, r) => {
  rows.push({ name, ...r });
  console.error(`${name}: min ${r.min} ms, median ${r.median} ms${r.peakRssMiB ? `, peak RSS ${r.peakRssMiB} MiB` : ""}`);
};

add("npm run synth (shipped environments)", time("npm", ["run", "-s", "synth"], { env: { CDKTF_OUTDIR: path.join(tmp, "out-shipped") } }));
// A source edited since the last synth: the bundle is rebuilt (its record is gone) and compiled afresh (so is the
// compile cache), as after an edit that changes the bundle.
const forgetBuild = () => {
  fs.rmSync(path.join(root, "dist", "main.build.json"), { force: true });
  fs.rmSync(path.join(root, "dist", ".compile-cache"), { recursive: true, force: true });
};
add("npm run synth, after a source edit (rebuild)", time("npm", ["run", "-s", "synth"], { n: Math.min(runs, 3), before: forgetBuild, env: { CDKTF_OUTDIR: path.join(tmp, "out-shipped") } }));
spawnSync("npx", ["cdktf", "synth"], { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1" } }); // warm-up: the app's own caches
add("npx cdktf synth (shipped environments)", time("npx", ["cdktf", "synth"], { n: Math.min(runs, 3) }));
const [c, a, o] = synth(path.join(root, "config"), path.join(tmp, "out-rss"));
add("synth process, shipped (peak RSS)", time(c, a, o));
for (const envs of [1, 3, 10]) {
  for (const agents of [1, 10, 50, 200]) {
    const [cmd, argv, opts] = synth(generate(agents, envs), path.join(tmp, `out-${agents}x${envs}`));
    add(`synth ${agents} agent groups × ${envs} environments`, time(cmd, argv, { ...opts, n: agents * envs >= 500 ? Math.min(runs, 3) : runs }));
  }
}
const clearJest = () => spawnSync("npx", ["jest", "--clearCache"], { cwd: root });
add("npm test (cold: jest cache cleared)", time("npm", ["test", "--", "--silent"], { n: Math.min(runs, 3), before: clearJest }));
add("npm test (warm)", time("npm", ["test", "--", "--silent"], { n: Math.min(runs, 3) }));

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
const results = { machine, runs, results: rows };
if (writeReadme) {
  fs.writeFileSync(path.join(root, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");
  const readme = path.join(root, "README.md");
  fs.writeFileSync(readme, withTable(fs.readFileSync(readme, "utf8"), results));
}
console.log(`\n${renderTable(results)}\n\n${writeReadme ? "written to bench/results.json and README.md" : "not written anywhere (--write-readme writes bench/results.json and README.md)"}`);
