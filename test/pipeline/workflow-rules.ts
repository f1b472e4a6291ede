/**
 * Checks over parsed GitHub Actions workflows, each returning the problems it finds (empty: the workflow passes).
 * test/pipeline/workflows.test.ts runs them over examples/github/workflows/ and over bad workflows, so every check
 * is shown to fail on what it is meant to catch.
 */

export type Workflow = Record<string, any>;
export type Job = Record<string, any>;
export type Step = Record<string, any>;

/** `owner/repo[/path]@<40 hex>`: a full commit SHA, the only reference that cannot be moved under you. */
export const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$/;

export const jobsOf = (w: Workflow): [string, Job][] => Object.entries(w.jobs ?? {});
export const stepsOf = (j: Job): Step[] => (Array.isArray(j.steps) ? j.steps : []);
const usesAction = (s: Step, action: string) => typeof s.uses === "string" && s.uses.split("@")[0] === action;

/** The events a workflow runs on, whatever form `on` takes (string, list or map). */
export function eventsOf(w: Workflow): string[] {
  // YAML 1.1 would read a bare `on` key as true; yaml 2.x reads it as the string "on".
  const on = w.on ?? w[true as unknown as string];
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on;
  return Object.keys(on ?? {});
}

/** Every `uses:` (steps and reusable-workflow jobs) is local (`./…`) or pinned by full commit SHA with its version in a comment. */
export function unpinnedActions(w: Workflow, text: string): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobsOf(w)) {
    const refs = [...(typeof job.uses === "string" ? [job.uses] : []), ...stepsOf(job).flatMap((s) => (typeof s.uses === "string" ? [s.uses] : []))];
    for (const ref of refs) {
      if (ref.startsWith("./")) continue;
      if (!PINNED.test(ref)) {
        problems.push(`${id}: ${ref} is not pinned by a full commit SHA`);
        continue;
      }
      const line = text.split("\n").find((l) => l.includes(`uses: ${ref}`));
      if (!line || !/#\s*v\d+(\.\d+){0,2}\s*$/.test(line)) problems.push(`${id}: ${ref} has no "# vX.Y.Z" comment naming the version the SHA is`);
    }
  }
  return problems;
}

/** The workflow's top level grants nothing (`{}`) or read only; every job states its own permissions. */
export function permissionProblems(w: Workflow): string[] {
  const problems: string[] = [];
  const top = w.permissions;
  const readOnly = (p: unknown) => p === "read-all" || (typeof p === "object" && p !== null && Object.values(p).every((v) => v === "read" || v === "none"));
  if (top === undefined) problems.push("no top-level permissions: the token gets the repository's default, often write-all");
  else if (!readOnly(top)) problems.push(`top-level permissions grant ${JSON.stringify(top)}; give writes per job`);
  for (const [id, job] of jobsOf(w)) {
    if (job.permissions === undefined) problems.push(`${id}: no permissions of its own`);
    else if (job.permissions === "write-all" || job.permissions === "read-all") problems.push(`${id}: permissions ${job.permissions}; list each scope it needs`);
  }
  return problems;
}

/** True when the job (or, for a reusable-workflow call, the workflow it calls) assumes an AWS role. */
export function assumesAwsRole(job: Job, resolve: (path: string) => Workflow | undefined): boolean {
  if (typeof job.uses === "string" && job.uses.startsWith("./")) {
    const called = resolve(job.uses);
    return !!called && jobsOf(called).some(([, j]) => assumesAwsRole(j, resolve));
  }
  return stepsOf(job).some((s) => usesAction(s, "aws-actions/configure-aws-credentials"));
}

/** `id-token: write` exactly where an AWS role is assumed; credentials only through a role, never keys. */
export function credentialProblems(w: Workflow, resolve: (path: string) => Workflow | undefined): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobsOf(w)) {
    const idToken = job.permissions?.["id-token"] === "write";
    const assumes = assumesAwsRole(job, resolve);
    if (idToken && !assumes) problems.push(`${id}: has id-token: write but assumes no AWS role`);
    if (!idToken && assumes) problems.push(`${id}: assumes an AWS role without id-token: write (it would need stored keys)`);
    for (const s of stepsOf(job)) {
      if (!usesAction(s, "aws-actions/configure-aws-credentials")) continue;
      const withs = s.with ?? {};
      if (!withs["role-to-assume"]) problems.push(`${id}: configure-aws-credentials without role-to-assume`);
      for (const k of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) if (k in withs) problems.push(`${id}: configure-aws-credentials is given ${k}; use OIDC and a role`);
    }
    const env = JSON.stringify([w.env ?? {}, job.env ?? {}, ...stepsOf(job).map((s) => s.env ?? {})]);
    if (/AWS_(SECRET_)?ACCESS_KEY/.test(env)) problems.push(`${id}: sets AWS access keys in the environment`);
  }
  return problems;
}

/** Jobs that deploy (run `cdktf deploy` or `terraform apply`, or hold a GitHub environment) are serialized per environment. */
export function concurrencyProblems(w: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of jobsOf(w)) {
    const deploys = job.environment !== undefined || stepsOf(job).some((s) => typeof s.run === "string" && /\b(cdktf deploy|terraform apply)\b/.test(s.run));
    if (!deploys) continue;
    const c = job.concurrency;
    if (!c || typeof c.group !== "string") problems.push(`${id}: deploys without a concurrency group`);
    else {
      if (job.environment !== undefined && !c.group.includes(String(job.environment).replace(/^\$\{\{\s*|\s*\}\}$/g, ""))) problems.push(`${id}: its concurrency group "${c.group}" does not name its environment`);
      if (c["cancel-in-progress"] !== false) problems.push(`${id}: cancel-in-progress must be false (a cancelled apply leaves a half-applied environment and a held lock)`);
    }
  }
  return problems;
}

/**
 * `pull_request_target` and `workflow_run` run with the base repository's secrets and a write token: checking out
 * the pull request's code there hands both to whoever opened it.
 */
export function untrustedCheckouts(w: Workflow): string[] {
  const privileged = eventsOf(w).filter((e) => e === "pull_request_target" || e === "workflow_run");
  if (privileged.length === 0) return [];
  const problems: string[] = [];
  for (const [id, job] of jobsOf(w)) {
    for (const s of stepsOf(job)) {
      if (!usesAction(s, "actions/checkout")) continue;
      const ref = String(s.with?.ref ?? "");
      if (/github\.event\.pull_request\.head|github\.head_ref|github\.event\.workflow_run\.head|refs\/pull\//.test(ref)) problems.push(`${id}: checks out untrusted code (${ref}) in a ${privileged.join("/")} workflow`);
    }
  }
  if (privileged.includes("pull_request_target")) problems.unshift(`runs on pull_request_target, which this kit's pipeline never needs`);
  return problems;
}

/** Every checkout leaves no token in .git/config for later steps (or the pull request's code) to read. */
export function persistedCredentials(w: Workflow): string[] {
  return jobsOf(w).flatMap(([id, job]) =>
    stepsOf(job)
      .filter((s) => usesAction(s, "actions/checkout") && s.with?.["persist-credentials"] !== false)
      .map(() => `${id}: checkout without persist-credentials: false`),
  );
}

/** No `${{ }}` inside `run:` scripts (values go through `env:`), so no event field can inject shell. */
export function scriptInjections(w: Workflow): string[] {
  return jobsOf(w).flatMap(([id, job]) =>
    stepsOf(job)
      .filter((s) => typeof s.run === "string" && s.run.includes("${{"))
      .map((s) => `${id}: step "${s.name ?? s.run.split("\n")[0]}" expands an expression inside its script; pass it through env`),
  );
}

/**
 * In a pull-request workflow, jobs holding a write scope (other than id-token) run none of the pull request's
 * code: no `run:` steps, and scripts only from a checkout of the target branch.
 */
export function writeJobsRunningPrCode(w: Workflow): string[] {
  if (!eventsOf(w).some((e) => e === "pull_request" || e === "pull_request_target")) return [];
  const problems: string[] = [];
  for (const [id, job] of jobsOf(w)) {
    const writes = Object.entries(job.permissions ?? {}).filter(([k, v]) => v === "write" && k !== "id-token");
    if (writes.length === 0) continue;
    if (stepsOf(job).some((s) => typeof s.run === "string")) problems.push(`${id}: holds ${writes.map(([k]) => k).join(", ")}: write and runs shell steps`);
    const trusted = stepsOf(job)
      .filter((s) => usesAction(s, "actions/checkout") && String(s.with?.ref ?? "").includes("github.event.pull_request.base.sha"))
      .map((s) => String(s.with?.path ?? "."));
    for (const s of stepsOf(job).filter((x) => usesAction(x, "actions/github-script"))) {
      const required = [...String(s.with?.script ?? "").matchAll(/require\(`\$\{process\.env\.GITHUB_WORKSPACE\}\/([^/`]+)\//g)].map((m) => m[1]);
      if (/require\([^)]*GITHUB_WORKSPACE/.test(String(s.with?.script ?? "")) && !required.every((p) => trusted.includes(p))) problems.push(`${id}: github-script loads a script that is not from the target branch's checkout`);
    }
  }
  return problems;
}

/** Jobs that assume AWS credentials restore no dependency cache (a cache written elsewhere would run with them). */
export function cachesInCredentialJobs(w: Workflow): string[] {
  return jobsOf(w).flatMap(([id, job]) =>
    job.permissions?.["id-token"] === "write" && eventsOf(w).every((e) => e !== "pull_request")
      ? stepsOf(job)
          .filter((s) => usesAction(s, "actions/setup-node") && s.with?.["package-manager-cache"] !== false)
          .map(() => `${id}: setup-node restores the npm cache in a job with AWS credentials`)
      : [],
  );
}
