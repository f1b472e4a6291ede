import * as fs from "node:fs";
import * as path from "node:path";
import { DEPLOY_PACK } from "../../../policy/deploy/index";
import { END, ruleTable, START, withTable } from "../../../policy/docs";

const DOC = path.join(__dirname, "..", "..", "..", "docs", "deploy.md");
const PREFLIGHT = path.join(__dirname, "..", "..", "..", "preflight");

describe("docs/deploy.md", () => {
  const doc = fs.readFileSync(DOC, "utf8");

  it("holds the deployability rule table generated from the rules (run npm run docs:rules after changing one)", () => {
    expect(doc).toBe(withTable(doc, ruleTable(DEPLOY_PACK.rules)));
    const table = doc.slice(doc.indexOf(START), doc.indexOf(END));
    expect(DEPLOY_PACK.rules.map((r) => table.split(`| ${r.id} |`).length - 1)).toEqual(DEPLOY_PACK.rules.map(() => 1));
  });

  it("cites an AWS documentation page in every rule's remediation (HashiCorp's for the two Terraform traps)", () => {
    const cites = (r: { id: string; remediation: string }) => (["MCP-DEPLOY-015", "MCP-DEPLOY-016"].includes(r.id) ? /https:\/\/developer\.hashicorp\.com\/terraform\// : /https:\/\/docs\.aws\.amazon\.com\//).test(r.remediation);
    expect(DEPLOY_PACK.rules.filter((r) => !cites(r)).map((r) => r.id)).toEqual([]);
  });

  it("lists every IAM action the preflight needs", () => {
    const actions = new Set(fs.readdirSync(PREFLIGHT).flatMap((f) => [...fs.readFileSync(path.join(PREFLIGHT, f), "utf8").matchAll(/"((?:sts|acm|ecr|secretsmanager|ec2|s3|sns|servicequotas|lambda|cloudtrail|iam):[A-Za-z]+)/g)].map((m) => m[1])));
    expect(actions.size).toBeGreaterThanOrEqual(15);
    expect([...actions].filter((a) => !doc.includes(`\`${a}\``))).toEqual([]);
  });
});
