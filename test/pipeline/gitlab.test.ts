/** The GitLab CI example (examples/gitlab/): parsed and checked like the GitHub workflows. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const { upsertNote } = require("../../examples/gitlab/mr-note.cjs");
const { MARKER } = require("../../examples/github/scripts/review-comment.cjs");

const text = fs.readFileSync(path.join(__dirname, "..", "..", "examples", "gitlab", ".gitlab-ci.yml"), "utf8");
const ci = parse(text) as Record<string, any>;
/** A job with its `extends` chain merged the way GitLab merges hashes (deeply), so inherited keys are checked too. */
function job(name: string): Record<string, any> {
  const j = ci[name];
  if (!j.extends) return j;
  const parent = job(j.extends);
  return { ...parent, ...j, variables: { ...parent.variables, ...j.variables } };
}
const script = (name: string) => job(name).script.flat(Infinity).join("\n");

describe("GitLab CI example", () => {
  it("gets AWS credentials only from GitLab's OIDC token, for STS, through assume-role-with-web-identity", () => {
    for (const name of ["plan-staging", "deploy-staging", "plan-prod", "deploy-prod", "drift"]) {
      expect(job(name).id_tokens).toEqual({ AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } });
      expect(script(name)).toContain('aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN"');
      expect(script(name)).toContain('--web-identity-token "$AWS_ID_TOKEN"');
    }
    for (const name of ["verify", "review"]) expect(job(name).id_tokens).toBeUndefined();
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY\s*:/);
    expect(text).not.toMatch(/set -x|echo "?\$AWS_(SECRET|SESSION|ACCESS)/);
  });

  it("reviews merge requests against a second checkout of the target branch, gated by severity and label", () => {
    const s = script("review");
    expect(s).toContain("git worktree add ../base FETCH_HEAD");
    expect(s).toContain('review -- --diff ../base/cdktf.out cdktf.out --out plan-review.md --fail-on "$REVIEW_FAIL_ON"');
    expect(s).toContain('case ",$CI_MERGE_REQUEST_LABELS," in *",$APPROVAL_LABEL,"*) APPROVED=true');
    expect(script("verify")).toMatch(/npm ci\nMCP_CONFIG_DIR=config npm test\nnpm run synth\nnpm run --silent check -- cdktf.out --sarif policy.sarif/);
  });

  it("deploys staging before prod, prod by hand, one apply per environment at a time, with the apply role", () => {
    expect(job("plan-prod").needs).toEqual(["deploy-staging"]);
    expect(job("deploy-prod").needs).toEqual(["plan-prod"]);
    expect(job("deploy-prod").rules[0].when).toBe("manual");
    expect([job("deploy-staging").resource_group, job("deploy-prod").resource_group]).toEqual(["apply-staging", "apply-prod"]);
    expect([job("deploy-staging").environment.name, job("deploy-prod").environment.name]).toEqual(["staging", "prod"]);
    expect(job("deploy-prod").variables.ROLE_ARN).toBe("$AWS_APPLY_ROLE_ARN");
    expect(job("plan-prod").variables.ROLE_ARN).toBe("$AWS_PLAN_ROLE_ARN_PROD");
    expect(script("deploy-prod")).toMatch(/npx cdktf diff "mcp-\$ENVIRONMENT"\nnpx cdktf deploy "mcp-\$ENVIRONMENT" --auto-approve/);
  });

  it("detects drift on a schedule with the plan roles and fails loudly", () => {
    expect(job("drift").rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(job("drift").parallel.matrix.map((m: any) => m.ROLE_ARN)).toEqual(["$AWS_PLAN_ROLE_ARN_STAGING", "$AWS_PLAN_ROLE_ARN_PROD"]);
    expect(script("drift")).toMatch(/terraform plan -refresh-only -detailed-exitcode[\s\S]*npm run --silent drift --[\s\S]*rm -f \/tmp\/drift.json\n\s*exit 1/);
  });
});

describe("GitLab review note", () => {
  function fakeApi(notes: { id: number; body: string; author: { id: number } }[]) {
    const calls: string[] = [];
    const fetchImpl = async (url: string, init: { method?: string; body?: string } = {}) => {
      const method = init.method ?? "GET";
      calls.push(`${method} ${url.replace("https://gitlab.example.com/api/v4", "")}`);
      if (url.endsWith("/user")) return { ok: true, json: async () => ({ id: 42 }) };
      if (method === "GET") return { ok: true, json: async () => notes };
      if (method === "POST") notes.push({ id: 9, body: JSON.parse(init.body!).body, author: { id: 42 } });
      if (method === "PUT") notes.find((n) => url.endsWith(`/${n.id}`))!.body = JSON.parse(init.body!).body;
      return { ok: true, json: async () => ({}) };
    };
    return { fetchImpl, calls };
  }
  const args = { api: "https://gitlab.example.com/api/v4", project: "7", mr: 3, token: "t" };

  it("creates the note once and updates it afterwards; another user's note with the marker is left alone", async () => {
    const notes = [{ id: 1, body: `copied ${MARKER}`, author: { id: 5 } }];
    const { fetchImpl, calls } = fakeApi(notes);
    expect(await upsertNote({ ...args, body: `${MARKER}\nv1`, fetchImpl })).toBe("created");
    expect(await upsertNote({ ...args, body: `${MARKER}\nv2`, fetchImpl })).toBe("updated");
    expect(notes.map((n) => n.body)).toEqual([`copied ${MARKER}`, `${MARKER}\nv2`]);
    expect(calls.filter((c) => !c.startsWith("GET"))).toEqual(["POST /projects/7/merge_requests/3/notes", "PUT /projects/7/merge_requests/3/notes/9"]);
  });
});
