/** The README's reference tables are hand-written: these tests fail when the code grows past them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { configSchema } from "../../config/schema";
import { keyPaths } from "./config-keys";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The key cells of the configuration table: `a.b` / `c` expands to a.b and a.c. */
function documentedKeys(): Set<string> {
  const from = README.indexOf("| key | required | default | meaning |");
  const table = README.slice(from, README.indexOf("\n\n", from));
  const rows = table.split("\n").filter((l) => l.startsWith("| `"));
  const keys = new Set<string>();
  for (const row of rows) {
    const cell = row.split(" | ")[0].slice(2);
    const names = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const first = names[0];
    const parent = first.includes(".") ? first.slice(0, first.lastIndexOf(".") + 1) : "";
    names.forEach((n, i) => keys.add(i === 0 || n.includes(".") ? n : parent + n));
  }
  return keys;
}

describe("README", () => {
  it("documents every config key", () => {
    const documented = documentedKeys();
    expect(keyPaths(configSchema).filter((k) => !documented.has(k) && ![...documented].some((d) => k.startsWith(`${d}.`)))).toEqual([]);
  });

  it("documents no key the schema does not have", () => {
    const known = new Set(keyPaths(configSchema));
    const prefixes = new Set([...known].flatMap((k) => k.split(".").map((_, i, a) => a.slice(0, i + 1).join("."))));
    expect([...documentedKeys()].filter((k) => !known.has(k) && !prefixes.has(k))).toEqual([]);
  });

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
