import * as fs from "node:fs";
import { DOC, END, ruleTable, START, withTable } from "../../policy/docs";
import { SECURITY_PACK } from "../../policy/rules/index";

describe("docs/policy.md", () => {
  it("holds the rule table generated from the rule metadata (run npm run docs:rules after changing a rule)", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    expect(doc).toBe(withTable(doc, ruleTable(SECURITY_PACK.rules)));
  });

  it("lists every security rule once", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    const table = doc.slice(doc.indexOf(START), doc.indexOf(END));
    expect(SECURITY_PACK.rules.map((r) => table.split(`| ${r.id} |`).length - 1)).toEqual(SECURITY_PACK.rules.map(() => 1));
  });
});
