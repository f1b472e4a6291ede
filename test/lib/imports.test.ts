import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const SKIP = new Set(["node_modules", "dist", "cdktf.out", ".git", "coverage"]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith(".") ? [] : sources(p);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

describe("provider imports", () => {
  it("are deep (lib/<resource>) everywhere: the package root loads every resource class and costs seconds", () => {
    const rootImport = /(from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-(aws|tls)["']/;
    const offenders = sources(ROOT)
      .filter((f) => f !== __filename && rootImport.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it("the check itself catches a root import", () => {
    expect(/(from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-(aws|tls)["']/.test('import * as aws from "@cdktf/provider-aws";')).toBe(true);
  });
});

describe("assets", () => {
  it("are plain files: a bundled cdktf zips ARCHIVE/DIRECTORY assets by running `node __filename`, which is then the synth itself", () => {
    const folded = /AssetType\.(ARCHIVE|DIRECTORY)|type:\s*["'](archive|directory)["']/;
    const offenders = sources(ROOT)
      .filter((f) => f !== __filename && !f.includes(`${path.sep}test${path.sep}`) && folded.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
    expect(folded.test("new TerraformAsset(this, 'x', { path: 'dir', type: AssetType.ARCHIVE })")).toBe(true);
  });
});
