import * as fs from "node:fs";
import * as path from "node:path";
import { CHECKLIST, CHECKLIST_GROUPS } from "../../review/checklist";

/** The seed's Security Checklist, as (group, item) pairs, parsed from its AccordionGroup. */
function parseSeed(text: string): [string, string][] {
  const section = text.slice(text.indexOf("## Security Checklist"));
  const body = section.slice(0, section.indexOf("\n## ", 5) < 0 ? undefined : section.indexOf("\n## ", 5));
  const out: [string, string][] = [];
  let group = "";
  for (const line of body.split("\n")) {
    const g = /<Accordion title="([^"]+)"/.exec(line);
    if (g) group = g[1];
    const item = /^- \[ \] (.+)$/.exec(line.trim());
    if (item) out.push([group, item[1].trim()]);
  }
  return out;
}

// The seed lives beside the repository (../shared in CI, /work/shared on the team's machines).
const SEED = [path.join(__dirname, "..", "..", "..", "shared", "seed", "security-best-practices.md"), "/work/shared/seed/security-best-practices.md"].find((p) => fs.existsSync(p));

describe("seed checklist", () => {
  test("has 30 items, 5 in each of the 6 groups, none twice", () => {
    expect(CHECKLIST).toHaveLength(30);
    for (const g of CHECKLIST_GROUPS) expect(CHECKLIST.filter((c) => c.group === g)).toHaveLength(5);
    expect(new Set(CHECKLIST.map((c) => c.item)).size).toBe(30);
  });

  (SEED ? test : test.skip)("matches the seed's Security Checklist word for word", () => {
    const seed = parseSeed(fs.readFileSync(SEED!, "utf8"));
    expect(seed).toHaveLength(30);
    expect(CHECKLIST.map((c) => [c.group, c.item])).toEqual(seed);
  });

  test("the parser reads the seed's markup", () => {
    const sample = '## Security Checklist\n<AccordionGroup>\n<Accordion title="Access Control" icon="lock">\n- [ ] Least privilege authorities assigned\n</Accordion>\n</AccordionGroup>\n---\n## Incident Response\n- [ ] not this one';
    expect(parseSeed(sample)).toEqual([["Access Control", "Least privilege authorities assigned"]]);
  });
});
