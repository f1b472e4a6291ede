/** The example GitHub Actions pipeline (examples/github/workflows/) parsed and checked; each check also shown failing. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  cachesInCredentialJobs,
  concurrencyProblems,
  credentialProblems,
  eventsOf,
  jobsOf,
  permissionProblems,
  persistedCredentials,
  scriptInjections,
  stepsOf,
  unpinnedActions,
  untrustedCheckouts,
  Workflow,
  writeJobsRunningPrCode,
} from "./workflow-rules";

const DIR = path.join(__dirname, "..", "..", "examples", "github", "workflows");
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const texts = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((f) => [f, parse(texts[f]) as Workflow]));
/** `./.github/workflows/x.yml` → the example it will be once copied there. */
const resolve = (p: string) => workflows[path.basename(p)];

describe("example workflows", () => {
  it("are the pull-request, deploy, per-environment deploy and drift workflows", () => {
    expect(files).toEqual(["deploy-environment.yml", "deploy.yml", "drift.yml", "pull-request.yml"]);
  });

  describe.each(files)("%s", (file) => {
    const w = workflows[file];
    it("pins every action by full commit SHA with its version in a comment", () => expect(unpinnedActions(w, texts[file])).toEqual([]));
    it("grants nothing at the top and sets permissions per job", () => expect(permissionProblems(w)).toEqual([]));
    it("has id-token: write only where an AWS role is assumed, and never uses access keys", () => expect(credentialProblems(w, resolve)).toEqual([]));
    it("serializes deploys per environment", () => expect(concurrencyProblems(w)).toEqual([]));
    it("never checks out untrusted code in a privileged trigger", () => {
      expect(eventsOf(w)).not.toContain("pull_request_target");
      expect(untrustedCheckouts(w)).toEqual([]);
    });
    it("leaves no token in .git/config", () => expect(persistedCredentials(w)).toEqual([]));
    it("expands no expression inside a shell script", () => expect(scriptInjections(w)).toEqual([]));
    it("runs no pull-request code in jobs that hold a write token", () => expect(writeJobsRunningPrCode(w)).toEqual([]));
    it("restores no dependency cache where AWS credentials are held", () => expect(cachesInCredentialJobs(w)).toEqual([]));
    it("references no secret (OIDC roles and variables only)", () => expect(texts[file]).not.toMatch(/\$\{\{\s*secrets\./));
    it("has shell steps bash can parse", () => {
      const scripts = jobsOf(w).flatMap(([id, job]) =>
        stepsOf(job)
          .filter((st) => typeof st.run === "string")
          .map((st) => [id, st.name ?? st.run.split("\n")[0], st.run] as const),
      );
      expect(scripts.map(([id, name, run]) => [id, name, spawnSync("bash", ["-n"], { input: run, encoding: "utf8" }).stderr])).toEqual(scripts.map(([id, name]) => [id, name, ""]));
    });
  });

  it("uses one SHA per action across all workflows, each with the same version comment", () => {
    const pins = new Map<string, Set<string>>();
    for (const text of Object.values(texts))
      for (const m of text.matchAll(/uses: ([^@\s]+)@([0-9a-f]{40}) # (v[\d.]+)/g)) pins.set(m[1].split("/").slice(0, 2).join("/"), new Set([...(pins.get(m[1].split("/").slice(0, 2).join("/")) ?? []), `${m[2]} ${m[3]}`]));
    for (const [action, shas] of pins) expect([action, shas.size]).toEqual([action, 1]);
    // The commits these tags pointed to when the examples were written (git rev-parse <tag>^{commit} on each action's repository).
    expect(Object.fromEntries([...pins].map(([a, s]) => [a, [...s][0]]))).toEqual({
      "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1 v7.0.1",
      "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020 v7.0.0",
      "actions/upload-artifact": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f v7.0.0",
      "actions/download-artifact": "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c v8.0.1",
      "actions/github-script": "ed597411d8f924073f98dfc5c65a23a2325f34cd v8.0.0",
      "github/codeql-action": "8aad20d150bbac5944a9f9d289da16a4b0d87c1e v4.36.2",
      "hashicorp/setup-terraform": "dfe3c3f87815947d99a8997f908cb6525fc44e9e v4.0.1",
      "aws-actions/configure-aws-credentials": "e6de054238d6b7531b4efff3b6587d9aade6a06c v6.2.3",
    });
  });

  describe("pull request", () => {
    const w = workflows["pull-request.yml"];
    const jobs = Object.fromEntries(jobsOf(w));
    const runs = (job: string) =>
      stepsOf(jobs[job])
        .map((s) => String(s.run ?? ""))
        .join("\n");

    it("installs from the lockfile, tests, synthesizes, writes SARIF and the change report against a second checkout of the target branch", () => {
      expect(eventsOf(w)).toEqual(["pull_request"]);
      const steps = stepsOf(jobs.verify);
      expect(steps.filter((s) => s.with?.path === "base").map((s) => s.with.ref)).toEqual(["${{ github.event.pull_request.base.sha }}"]);
      const script = runs("verify");
      for (const cmd of ["npm ci", "npm test", "npm run synth", "check -- cdktf.out --sarif", "review -- --diff ../base/cdktf.out cdktf.out", '--fail-on "$REVIEW_FAIL_ON"']) expect(script).toContain(cmd);
      expect(script).not.toContain("npm install");
      // A repository that keeps approved plans in plans/ fails when they differ from what the branch synthesizes.
      expect(script).toContain('[ -n "$(git status --porcelain -- plans)" ]');
      expect(jobs.verify.permissions).toEqual({ contents: "read" });
      // The kit's tests check the kit's examples, whichever folder the pipeline deploys from.
      expect(steps.find((s) => s.run === "npm test")?.env).toEqual({ MCP_CONFIG_DIR: "config" });
    });

    it("uploads the SARIF to code scanning from a job that runs no code", () => {
      const upload = stepsOf(jobs["code-scanning"]).find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif@"));
      expect(upload?.with?.sarif_file).toBe("plan-review/policy.sarif");
      expect(jobs["code-scanning"].permissions["security-events"]).toBe("write");
    });

    it("posts the comment with pull-requests: write only, from the target branch's script", () => {
      expect(jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
      const checkout = stepsOf(jobs.comment).find((s) => String(s.uses).startsWith("actions/checkout@"));
      expect(checkout?.with).toMatchObject({ ref: "${{ github.event.pull_request.base.sha }}", path: "trusted", "sparse-checkout": "examples/github/scripts" });
      const script = String(stepsOf(jobs.comment).find((s) => String(s.uses).startsWith("actions/github-script@"))?.with?.script);
      expect(script).toContain("trusted/examples/github/scripts/review-comment.cjs");
      expect(script).toContain("upsertReviewComment");
    });

    it("gates on the severity unless the approval label is set, and fails when verify did not succeed", () => {
      expect(w.env).toMatchObject({ REVIEW_FAIL_ON: "high", APPROVAL_LABEL: "security-approved" });
      expect(w.on.pull_request.types).toEqual(expect.arrayContaining(["labeled", "unlabeled", "synchronize"]));
      expect(jobs.gate.if).toBe("always()");
      expect(jobs.gate.permissions).toEqual({});
      const env = stepsOf(jobs.gate)[0].env;
      expect(env.APPROVED).toBe("${{ contains(github.event.pull_request.labels.*.name, env.APPROVAL_LABEL) }}");
      expect(runs("gate")).toMatch(/\$VERIFY" != "success"[\s\S]*exit 1[\s\S]*\$SECURITY" = "below"[\s\S]*\$APPROVED" = "true"[\s\S]*exit 1/);
    });

    it("plans the images stack always, and the main stack only when the kit images its plan reads are in ECR", () => {
      const steps = stepsOf(jobs["terraform-plan"]).filter((st) => st.run);
      const images = steps.find((st) => st.name === "cdktf diff (images stack)");
      expect(images?.env).toEqual({ STACK: "mcp-${{ matrix.environment }}-images" });
      expect(images?.if).toBeUndefined();
      const check = steps.find((st) => st.id === "images");
      expect(check?.env).toEqual({ STACK: "mcp-${{ matrix.environment }}" });
      expect(check?.run).toContain('node examples/github/scripts/kit-images.cjs "cdktf.out/stacks/$STACK/cdk.tf.json"');
      expect(check?.run).toMatch(/0\) echo "pushed=true"[\s\S]*3\)\s*echo "pushed=false"[\s\S]*not planned[\s\S]*\*\) exit "\$code"/);
      const main = steps.find((st) => st.name === "cdktf diff (main stack)");
      expect(main?.env).toEqual({ STACK: "mcp-${{ matrix.environment }}" });
      expect(main?.if).toBe("steps.images.outputs.pushed == 'true'");
      expect(main?.run).toContain('npx cdktf diff "$STACK"');
      // In that order: the check reads what the images stack's diff synthesized.
      const order = [images, check, main].map((st) => steps.indexOf(st!));
      expect(order).toEqual([order[0], order[0] + 1, order[0] + 2]);
      expect(jobs["terraform-plan"].permissions).toEqual({ contents: "read", "id-token": "write" });
      expect(runs("terraform-plan")).not.toMatch(/cdktf deploy|--push|images -- /);
    });

    it("skips every job that needs a write or OIDC token for pull requests from forks", () => {
      for (const id of ["code-scanning", "comment", "terraform-plan"]) expect(jobs[id].if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    });
  });

  describe("deploy", () => {
    const w = workflows["deploy.yml"];
    const env = workflows["deploy-environment.yml"];
    const envJobs = Object.fromEntries(jobsOf(env));

    it("runs on merge to main, staging before prod", () => {
      expect(w.on.push.branches).toEqual(["main"]);
      expect(w.jobs.staging.with.environment).toBe("staging");
      expect(w.jobs.prod.with.environment).toBe("prod");
      expect(w.jobs.prod.needs).toBe("staging");
    });

    /** The jobs of deploy-environment.yml in the order `needs` runs them (each needs the one before). */
    const chain = (): string[] => {
      const order: string[] = [];
      let next = Object.keys(envJobs).find((id) => envJobs[id].needs === undefined);
      while (next) {
        order.push(next);
        const current: string = next;
        next = Object.keys(envJobs).find((id) => [].concat(envJobs[id].needs ?? []).includes(current as never));
      }
      return order;
    };
    const scriptOf = (job: string) =>
      stepsOf(envJobs[job])
        .map((s) => s.run ?? "")
        .join("\n");
    const role = (job: string) => stepsOf(envJobs[job]).find((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-to-assume"];

    it("deploys the images stack, pushes the images, then plans and deploys the main stack, in that order", () => {
      expect(env.env).toMatchObject({ STACK: "mcp-${{ inputs.environment }}", IMAGES_STACK: "mcp-${{ inputs.environment }}-images", ENVIRONMENT: "${{ inputs.environment }}" });
      expect(chain()).toEqual(["plan-images", "images", "plan", "deploy"]);
      expect(Object.keys(envJobs).sort()).toEqual(["deploy", "images", "plan", "plan-images"]);
      // Every command of the environment's deploy, jobs in the order they run.
      const all = chain().map(scriptOf).join("\n");
      const at = (cmd: string) => {
        const i = all.indexOf(cmd);
        expect([cmd, i >= 0]).toEqual([cmd, true]);
        return i;
      };
      const steps = ['npx cdktf diff "$IMAGES_STACK"', 'npx cdktf deploy "$IMAGES_STACK" --auto-approve', 'npm run images -- "$ENVIRONMENT" --push', 'npx cdktf diff "$STACK"', 'npx cdktf deploy "$STACK" --auto-approve'].map(at);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      // The main stack is neither planned nor deployed before the push: its plan reads the pushed images.
      expect(all.indexOf('cdktf diff "$STACK"')).toBeGreaterThan(all.indexOf("--push"));
      expect(scriptOf("images").indexOf('cdktf deploy "$IMAGES_STACK"')).toBeLessThan(scriptOf("images").indexOf("npm run images"));
      expect(scriptOf("plan-images")).not.toContain('"$STACK" 2>&1');
    });

    it("plans with the read-only role, applies and pushes in the protected GitHub environment with the apply role", () => {
      for (const job of ["plan-images", "plan"]) {
        expect(role(job)).toBe("${{ fromJSON(vars.AWS_PLAN_ROLE_ARNS)[inputs.environment] }}");
        expect(envJobs[job].environment).toBeUndefined();
        expect(scriptOf(job)).not.toMatch(/cdktf deploy|--push/);
      }
      for (const job of ["images", "deploy"]) {
        expect(role(job)).toBe("${{ vars.AWS_APPLY_ROLE_ARN }}");
        expect(envJobs[job].environment).toBe("${{ inputs.environment }}");
        expect(envJobs[job].permissions).toEqual({ contents: "read", "id-token": "write" });
      }
      const script = scriptOf("deploy");
      expect(script.indexOf('cdktf diff "$STACK"')).toBeGreaterThanOrEqual(0);
      expect(script.indexOf('cdktf diff "$STACK"')).toBeLessThan(script.indexOf('cdktf deploy "$STACK" --auto-approve'));
      expect(envJobs.deploy.concurrency).toEqual({ group: "apply-${{ inputs.environment }}", "cancel-in-progress": false });
      // Its own group: GitHub keeps one pending job per group, so sharing apply-<env> would let a queued images job
      // cancel another run's pending deploy.
      expect(envJobs.images.concurrency).toEqual({ group: "images-${{ inputs.environment }}", "cancel-in-progress": false });
    });

    it("shows before the images job which kit images it will push", () => {
      expect(scriptOf("plan-images")).toContain('node examples/github/scripts/kit-images.cjs "cdktf.out/stacks/$STACK/cdk.tf.json"');
      // Some images missing (exit 3) is what a deploy with new images expects; an error fails the job.
      expect(scriptOf("plan-images")).toContain('case "$code" in 0|3) ;; *) cat kit-images.txt; exit "$code" ;; esac');
    });
  });

  describe("drift", () => {
    const w = workflows["drift.yml"];
    const jobs = Object.fromEntries(jobsOf(w));

    it("runs a refresh-only plan of both stacks per environment on a schedule and explains drift with npm run drift", () => {
      expect(eventsOf(w)).toEqual(["schedule", "workflow_dispatch"]);
      expect(jobs.detect.strategy.matrix.environment).toEqual(["staging", "prod"]);
      expect(jobs.detect.env).toMatchObject({ STACK: "mcp-${{ matrix.environment }}", IMAGES_STACK: "mcp-${{ matrix.environment }}-images" });
      const script = stepsOf(jobs.detect)
        .map((s) => s.run ?? "")
        .join("\n");
      expect(script).toContain('for stack in "$IMAGES_STACK" "$STACK"; do');
      expect(script).toContain('terraform -chdir="$dir" plan -refresh-only -detailed-exitcode');
      expect(script).toMatch(/2\) drifted="\$drifted \$stack"/);
      expect(script).toContain('echo "drift=true" >> "$GITHUB_OUTPUT"');
      // Every drifted stack is explained, into the environment's one report.
      expect(script).toMatch(/for stack in \$DRIFTED; do[\s\S]*npm run --silent drift -- cdktf\.out "\$stack"[\s\S]*>> "drift-report\/\$ENVIRONMENT\.md"/);
      // The main stack's plan reads its kit images: checked first, so a missing push fails loudly before any plan.
      expect(script.indexOf("kit-images.cjs")).toBeGreaterThanOrEqual(0);
      expect(script.indexOf("kit-images.cjs")).toBeLessThan(script.indexOf("terraform -chdir"));
      // The JSON of the plan holds sensitive values: deleted, never uploaded.
      expect(script).toContain('rm -f "$RUNNER_TEMP/drift.json"');
      expect(stepsOf(jobs.detect).find((s) => String(s.uses).startsWith("actions/upload-artifact@"))?.with?.path).toBe("drift-report/");
    });

    it("opens or updates the issue from a job without AWS credentials, and fails loudly on drift", () => {
      expect(jobs.report.permissions).toEqual({ contents: "read", issues: "write" });
      const script = String(stepsOf(jobs.report).find((s) => String(s.uses).startsWith("actions/github-script@"))?.with?.script);
      expect(script).toContain("syncDriftIssue");
      expect(script).toContain("core.setFailed(`drift in");
    });
  });
});

describe("workflow checks catch what they are for", () => {
  const bad = parse(`
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-24.04
    environment: prod
    permissions: { contents: write, pull-requests: write }
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c
        with: { aws-access-key-id: x, aws-secret-access-key: y, aws-region: us-east-1 }
      - run: echo "\${{ github.event.pull_request.title }}" && npx cdktf deploy mcp-prod
  idle:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0
`) as Workflow;
  const text = "      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c\n";

  it("finds each problem", () => {
    expect(unpinnedActions(bad, text)).toEqual([
      "build: actions/checkout@v4 is not pinned by a full commit SHA",
      'build: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c has no "# vX.Y.Z" comment naming the version the SHA is',
      'idle: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 has no "# vX.Y.Z" comment naming the version the SHA is',
    ]);
    expect(permissionProblems(bad)).toEqual(["no top-level permissions: the token gets the repository's default, often write-all", "idle: no permissions of its own"]);
    expect(credentialProblems(bad, () => undefined)).toEqual([
      "build: assumes an AWS role without id-token: write (it would need stored keys)",
      "build: configure-aws-credentials without role-to-assume",
      "build: configure-aws-credentials is given aws-access-key-id; use OIDC and a role",
      "build: configure-aws-credentials is given aws-secret-access-key; use OIDC and a role",
    ]);
    expect(concurrencyProblems(bad)).toEqual(["build: deploys without a concurrency group"]);
    expect(untrustedCheckouts(bad)).toEqual(["runs on pull_request_target, which this kit's pipeline never needs", "build: checks out untrusted code (${{ github.event.pull_request.head.sha }}) in a pull_request_target workflow"]);
    expect(persistedCredentials(bad)).toEqual(["build: checkout without persist-credentials: false"]);
    expect(scriptInjections(bad)).toHaveLength(1);
    expect(writeJobsRunningPrCode(bad)).toEqual(["build: holds contents, pull-requests: write and runs shell steps"]);
  });

  it("flags id-token: write where no role is assumed, a cancelling deploy group, and caches beside credentials", () => {
    const w = parse(`
on: push
permissions: {}
jobs:
  deploy:
    environment: prod
    concurrency: { group: deploys, cancel-in-progress: true }
    permissions: { id-token: write }
    steps:
      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0
`) as Workflow;
    expect(credentialProblems(w, () => undefined)).toEqual(["deploy: has id-token: write but assumes no AWS role"]);
    expect(concurrencyProblems(w)).toEqual(['deploy: its concurrency group "deploys" does not name its environment', "deploy: cancel-in-progress must be false (a cancelled apply leaves a half-applied environment and a held lock)"]);
    expect(cachesInCredentialJobs(w)).toEqual(["deploy: setup-node restores the npm cache in a job with AWS credentials"]);
  });
});
