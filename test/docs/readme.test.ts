/** What the README must keep saying as the code grows (its configuration table: config-table.test.ts). */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("lists every construct file in the construct table", () => {
    const files = fs.readdirSync(path.join(ROOT, "constructs")).filter((f) => f.endsWith(".ts"));
    expect(files.filter((f) => !README.includes(`\`${f}\``))).toEqual([]);
  });

  it("gives the two commands that set up a fresh machine, and .ci/run calls the test command", () => {
    expect(README).toContain("npm ci && npm run synth");
    expect(README).toContain("npm test ");
    expect(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8")).toMatch(/\nnpm test -- /);
  });

  it("shows the latest benchmark, as npm run bench wrote it to bench/results.json", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { withTable } = require("../../bench/table.cjs") as { withTable: (doc: string, results: unknown) => string };
    const results = JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "results.json"), "utf8"));
    expect(README).toBe(withTable(README, results));
  });
});
