/** The pipeline's GitHub scripts: one plan-review comment per pull request, one drift issue per environment. */
export {};
const review = require("../../examples/github/scripts/review-comment.cjs");
const drift = require("../../examples/github/scripts/drift-issue.cjs");

interface IssueComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

const BOT = { login: "github-actions[bot]", type: "Bot" };
const context = { repo: { owner: "acme", repo: "deploy" }, payload: { pull_request: { number: 7 } }, issue: { number: 7 } };

/** An in-memory stand-in for the Octokit client github-script hands the script. */
function fakeGithub(comments: IssueComment[]) {
  let next = 100;
  const calls: string[] = [];
  const github = {
    paginate: async (fn: (args: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data,
    rest: {
      issues: {
        listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
        createComment: async ({ body }: { body: string }) => {
          const c = { id: next++, body, user: BOT };
          comments.push(c);
          calls.push(`create ${c.id}`);
          return { data: { id: c.id, html_url: `https://github.com/acme/deploy/pull/7#issuecomment-${c.id}` } };
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          comments.find((c) => c.id === comment_id)!.body = body;
          calls.push(`update ${comment_id}`);
          return { data: { html_url: `https://github.com/acme/deploy/pull/7#issuecomment-${comment_id}` } };
        },
        deleteComment: async ({ comment_id }: { comment_id: number }) => {
          comments.splice(
            comments.findIndex((c) => c.id === comment_id),
            1,
          );
          calls.push(`delete ${comment_id}`);
          return { data: {} };
        },
      },
    },
  };
  return { github, calls };
}

const meta = { security: "below", failOn: "high", label: "security-approved", approved: false, runUrl: "https://github.com/acme/deploy/actions/runs/1", sha: "0123456789abcdef0123" };

describe("plan-review comment", () => {
  it("is created by the first run and updated in place by later runs", async () => {
    const comments: IssueComment[] = [{ id: 1, body: "LGTM", user: { login: "alice", type: "User" } }];
    const { github, calls } = fakeGithub(comments);
    const first = await review.upsertReviewComment({ github, context, body: review.commentBody("# Change report\nv1", meta) });
    const second = await review.upsertReviewComment({ github, context, body: review.commentBody("# Change report\nv2", meta) });
    expect([first.action, second.action]).toEqual(["created", "updated"]);
    expect(second.id).toBe(first.id);
    expect(calls).toEqual(["create 100", "update 100"]);
    expect(comments.filter((c) => c.body.includes(review.MARKER))).toHaveLength(1);
    expect(comments.find((c) => c.id === 100)!.body).toContain("v2");
  });

  it("ignores the marker in someone else's comment and removes duplicates the bot left", async () => {
    const comments: IssueComment[] = [
      { id: 1, body: `quoting ${review.MARKER}`, user: { login: "mallory", type: "User" } },
      { id: 2, body: `${review.MARKER}\nold`, user: BOT },
      { id: 3, body: `${review.MARKER}\nrace`, user: BOT },
    ];
    const { github, calls } = fakeGithub(comments);
    const result = await review.upsertReviewComment({ github, context, body: review.commentBody("new", meta) });
    expect(result).toMatchObject({ action: "updated", id: 2 });
    expect(calls).toEqual(["delete 3", "update 2"]);
    expect(comments.find((c) => c.id === 1)!.body).toBe(`quoting ${review.MARKER}`);
  });

  it("states the verdict: below the bar, blocked until labelled, approved, or no baseline", () => {
    expect(review.commentBody("r", meta)).toContain("No security change of severity **high** or worse.");
    expect(review.commentBody("r", { ...meta, security: "at-or-above" })).toContain("the check fails until a security reviewer adds the label `security-approved`");
    expect(review.commentBody("r", { ...meta, security: "at-or-above", approved: true })).toContain("**approved** with the label `security-approved`");
    expect(review.commentBody("r", { ...meta, security: "unknown" })).toContain("Merging needs the label `security-approved`.");
    expect(review.commentBody("r", meta).startsWith(`${review.MARKER}\n`)).toBe(true);
  });

  it("cuts a report too long for a comment at a line, under GitHub's 65,536 characters, and says where the rest is", () => {
    const long = Array.from({ length: 3000 }, (_, i) => `| row ${i} | ${"x".repeat(30)} |`).join("\n");
    const body = review.commentBody(long, meta);
    expect(body.length).toBeLessThan(65536);
    expect(body).toContain("the full report is in the [run's summary and artifact](https://github.com/acme/deploy/actions/runs/1)");
    expect(body).not.toMatch(/\| row \d+ \| x+\n\n_The report/); // a whole row before the notice, never half of one
    expect(body).toMatch(/\| row \d+ \| x{30} \|\n\n_The report/);
  });
});

describe("drift issue", () => {
  function fakeIssues() {
    const issues: { number: number; title: string; body: string; state: string; labels: string[]; user: { login: string } }[] = [];
    const log: string[] = [];
    const github = {
      paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, a: unknown) => (await fn(a)).data,
      rest: {
        issues: {
          listForRepo: async ({ labels, state }: { labels: string; state: string }) => ({ data: issues.filter((i) => i.state === state && i.labels.includes(labels)) }),
          create: async (a: { title: string; body: string; labels: string[] }) => {
            issues.push({ number: issues.length + 1, state: "open", user: { login: "github-actions[bot]" }, ...a });
            log.push(`create ${a.title}`);
            return { data: {} };
          },
          update: async (a: { issue_number: number; body?: string; state?: string }) => {
            Object.assign(
              issues.find((i) => i.number === a.issue_number)!,
              { ...(a.body ? { body: a.body } : {}), ...(a.state ? { state: a.state } : {}) },
            );
            log.push(`update ${a.issue_number}${a.state ? ` ${a.state}` : ""}`);
            return { data: {} };
          },
          createComment: async (a: { issue_number: number }) => {
            log.push(`comment ${a.issue_number}`);
            return { data: {} };
          },
        },
      },
    };
    return { github, issues, log };
  }
  const args = { context, runUrl: "https://github.com/acme/deploy/actions/runs/2" };

  it("opens one issue per drifted environment, updates it while the drift lasts and closes it when it is gone", async () => {
    const { github, issues, log } = fakeIssues();
    expect(await drift.syncDriftIssue({ ...args, github, environment: "prod", drifted: true, report: "# Drift of mcp-prod\nA" })).toBe("opened");
    expect(await drift.syncDriftIssue({ ...args, github, environment: "prod", drifted: true, report: "# Drift of mcp-prod\nB" })).toBe("updated");
    expect(await drift.syncDriftIssue({ ...args, github, environment: "staging", drifted: false, report: "" })).toBe("none");
    expect(issues.filter((i) => i.state === "open")).toHaveLength(1);
    expect(issues[0].body).toContain("B");
    expect(issues[0].labels).toEqual(["drift"]);
    expect(await drift.syncDriftIssue({ ...args, github, environment: "prod", drifted: false, report: "" })).toBe("closed");
    expect(log).toEqual(["create Drift in mcp-prod: AWS differs from the deployed plan", "update 1", "comment 1", "update 1 closed"]);
  });
});
