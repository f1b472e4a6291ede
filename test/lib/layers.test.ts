/**
 * The pipeline runs one way: config → stacks → plan → policy(plan, context) → review(plan, policy result), called
 * from app/. These tests read each source file's relative imports and hold the floors apart.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.ts$/.test(e.name) ? [rel] : [];
  });
}

/** The top-level folders of the repository a file imports from (relative imports only). */
export function importedFolders(file: string, source = fs.readFileSync(path.join(ROOT, file), "utf8")): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = path.relative(ROOT, path.resolve(path.join(ROOT, path.dirname(file)), m[1]));
    out.add(target.split(path.sep)[0].replace(/\.ts$/, ""));
  }
  return [...out].sort();
}

/** Files of `dir` that import any of `forbidden`, with what they import. */
function offenders(dir: string, forbidden: readonly string[]): string[] {
  return files(dir).flatMap((f) =>
    importedFolders(f)
      .filter((d) => forbidden.includes(d))
      .map((d) => `${f} → ${d}/`),
  );
}

describe("floors", () => {
  it("lib/ depends on nothing of ours", () => {
    expect(offenders("lib", ["app", "config", "constructs", "stacks", "plan", "policy", "review", "preflight", "bootstrap", "images", "main"])).toEqual([]);
  });

  it("plan/ reads Terraform JSON and knows no policy, review, stack or config", () => {
    expect(offenders("plan", ["app", "config", "constructs", "stacks", "policy", "review", "preflight"])).toEqual([]);
  });

  it("constructs and stacks never import the policy, the review or the application", () => {
    expect(offenders("constructs", ["app", "policy", "review"])).toEqual([]);
    expect(offenders("stacks", ["app", "policy", "review"])).toEqual([]);
  });

  it("policy and review are called by the application, never the other way round, and review does not call stacks", () => {
    // The policy gets what a config says as a PolicyContext value (app/policy-step.ts policyContextOf).
    expect(offenders("policy", ["app", "config", "review", "stacks", "constructs"])).toEqual([]);
    expect(offenders("review", ["app", "stacks", "constructs"])).toEqual([]);
  });

  it("the check sees an import that climbs", () => {
    expect(importedFolders("lib/x.ts", 'import { a } from "../review/write";\nconst b = require("./cidr");')).toEqual(["lib", "review"]);
  });
});
