// Preloaded with `node --require` by the benchmark: reports the process's peak resident memory on exit.
process.on("exit", () => {
  const file = process.env.MCP_BENCH_RSS_FILE;
  if (file) require("node:fs").writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
