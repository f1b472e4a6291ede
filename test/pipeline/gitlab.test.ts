/** The GitLab CI example (examples/gitlab/): parsed and checked like the GitHub workflows. */
import { spawnSync } from "node:child_process";
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
    for (const name of ["plan-images-staging", "images-staging", "plan-staging", "deploy-staging", "plan-images-prod", "images-prod", "plan-prod", "deploy-prod", "drift"]) {
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

  it("deploys per environment the images stack, pushes the images, then plans and deploys the main stack; staging before prod", () => {
    const order = ["plan-images-staging", "images-staging", "plan-staging", "deploy-staging", "plan-images-prod", "images-prod", "plan-prod", "deploy-prod"];
    expect(job(order[0]).needs).toEqual(["verify"]);
    for (let i = 1; i < order.length; i++) expect([order[i], job(order[i]).needs]).toEqual([order[i], [order[i - 1]]]);
    const all = order.map(script).join("\n");
    const steps = [
      'npx cdktf diff "mcp-$ENVIRONMENT-images"',
      'npx cdktf deploy "mcp-$ENVIRONMENT-images" --auto-approve',
      'npm run images -- "$ENVIRONMENT" --push',
      'npx cdktf diff "mcp-$ENVIRONMENT"\n',
      'npx cdktf deploy "mcp-$ENVIRONMENT" --auto-approve',
    ].map((c) => all.indexOf(c));
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(script("images-prod")).toMatch(/npx cdktf deploy "mcp-\$ENVIRONMENT-images" --auto-approve\nnpm run images -- "\$ENVIRONMENT" --push/);
    expect(script("deploy-prod")).toMatch(/npx cdktf diff "mcp-\$ENVIRONMENT"\nnpx cdktf deploy "mcp-\$ENVIRONMENT" --auto-approve/);
  });

  it("applies and pushes with the apply role in the GitLab environment, prod by hand, one at a time per environment", () => {
    for (const env of ["staging", "prod"]) {
      expect([job(`images-${env}`).variables.ROLE_ARN, job(`deploy-${env}`).variables.ROLE_ARN]).toEqual(["$AWS_APPLY_ROLE_ARN", "$AWS_APPLY_ROLE_ARN"]);
      expect([job(`images-${env}`).environment.name, job(`deploy-${env}`).environment.name]).toEqual([env, env]);
      expect([job(`images-${env}`).resource_group, job(`deploy-${env}`).resource_group]).toEqual([`images-${env}`, `apply-${env}`]);
      const plan = `$AWS_PLAN_ROLE_ARN_${env.toUpperCase()}`;
      expect([job(`plan-images-${env}`).variables.ROLE_ARN, job(`plan-${env}`).variables.ROLE_ARN]).toEqual([plan, plan]);
      expect(script(`plan-images-${env}`)).not.toMatch(/cdktf deploy|--push/);
    }
    expect([job("images-prod").rules[0].when, job("deploy-prod").rules[0].when]).toEqual(["manual", "manual"]);
    expect([job("images-staging").rules[0].when, job("deploy-staging").rules[0].when]).toEqual([undefined, undefined]);
  });

  it("builds with a docker:dind service over TLS, the docker CLI from Debian", () => {
    const images = job("images-prod");
    expect(images.services).toEqual([{ name: "docker:27-dind", alias: "docker" }]);
    expect(images.variables).toMatchObject({ DOCKER_HOST: "tcp://docker:2376", DOCKER_TLS_CERTDIR: "/certs", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs/client" });
    expect(script("images-prod")).toContain("apt-get install -y -qq --no-install-recommends docker.io");
    // Shows which images the images job will push before anyone starts it.
    expect(script("plan-images-prod")).toContain('node examples/github/scripts/kit-images.cjs "cdktf.out/stacks/mcp-$ENVIRONMENT/cdk.tf.json" || [ "$?" = 3 ]');
  });

  it("has scripts bash can parse", () => {
    const jobs = Object.keys(ci).filter((k) => !k.startsWith(".") && typeof ci[k] === "object" && ci[k] !== null && !Array.isArray(ci[k]) && Array.isArray(job(k).script));
    expect(jobs.length).toBeGreaterThan(10);
    expect(jobs.map((name) => [name, spawnSync("bash", ["-n"], { input: script(name), encoding: "utf8" }).stderr])).toEqual(jobs.map((name) => [name, ""]));
  });

  it("detects drift on a schedule with the plan roles and fails loudly", () => {
    expect(job("drift").rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(job("drift").parallel.matrix.map((m: any) => m.ROLE_ARN)).toEqual(["$AWS_PLAN_ROLE_ARN_STAGING", "$AWS_PLAN_ROLE_ARN_PROD"]);
    const drift = script("drift");
    expect(drift).toContain('for stack in "mcp-$ENVIRONMENT-images" "mcp-$ENVIRONMENT"; do');
    expect(drift).toMatch(/plan -refresh-only -detailed-exitcode[\s\S]*for stack in \$drifted; do[\s\S]*npm run --silent drift -- cdktf.out "\$stack"[\s\S]*rm -f \/tmp\/drift.json\n\s*done\n\s*exit 1/);
    expect(drift.indexOf("kit-images.cjs")).toBeLessThan(drift.indexOf("terraform -chdir"));
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
