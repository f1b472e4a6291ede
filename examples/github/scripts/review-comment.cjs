// The pull request's one plan-review comment: written by the first run, updated in place by every later run.
// Called from actions/github-script in examples/github/workflows/pull-request.yml, from the TARGET branch's checkout
// (never the pull request's code, which must not run with pull-requests: write). Tested in test/pipeline/.
"use strict";

/** Hidden in the comment body; how later runs find the comment to update. */
const MARKER = "<!-- ibmi-mcp-kit:plan-review -->";
/** GitHub refuses comment bodies over 65,536 characters; leave room for the header and the notice. */
const MAX_REPORT_CHARS = 60000;
/** The author of comments made with the workflow's GITHUB_TOKEN. */
const BOT_LOGIN = "github-actions[bot]";

/**
 * The comment body: marker, verdict, the change report (cut at a line if too long, with where to read the rest).
 * @param {string} report the Markdown of `npm run review -- --diff`
 * @param {{ security: string, failOn: string, label: string, approved: boolean, runUrl: string, sha: string }} meta
 */
function commentBody(report, meta) {
  const verdict =
    meta.security === "below"
      ? `No security change of severity **${meta.failOn}** or worse.`
      : meta.security === "unknown"
        ? `The target branch did not synthesize, so nothing was compared: review every plan in full. ${meta.approved ? `Approved with the label \`${meta.label}\`.` : `Merging needs the label \`${meta.label}\`.`}`
        : meta.approved
          ? `Security changes of severity **${meta.failOn}** or worse, **approved** with the label \`${meta.label}\`.`
          : `Security changes of severity **${meta.failOn}** or worse: the check fails until a security reviewer adds the label \`${meta.label}\`.`;
  let text = report.trim();
  let notice = "";
  if (text.length > MAX_REPORT_CHARS) {
    const cut = text.lastIndexOf("\n", MAX_REPORT_CHARS);
    text = text.slice(0, cut > 0 ? cut : MAX_REPORT_CHARS);
    notice = `\n\n_The report is longer than a comment can hold; the full report is in the [run's summary and artifact](${meta.runUrl})._`;
  }
  return `${MARKER}\n## Plan review\n\n${verdict}\n\n<sub>Commit ${meta.sha.slice(0, 12)} · [workflow run](${meta.runUrl}) · updated on every push</sub>\n\n${text}${notice}\n`;
}

/**
 * The comments this workflow wrote before: the marker alone is not enough, since anyone can paste it into a comment
 * of their own; only the bot's count.
 * @param {Array<{ id: number, body?: string | null, user?: { login?: string, type?: string } | null }>} comments
 */
function reviewComments(comments) {
  return comments.filter((c) => (c.body ?? "").includes(MARKER) && c.user?.login === BOT_LOGIN && c.user?.type === "Bot");
}

/**
 * Creates the comment, or updates the existing one (and deletes duplicates a race may have left), so the pull
 * request holds exactly one.
 * @returns {Promise<{ action: "created" | "updated", id: number, url?: string }>}
 */
async function upsertReviewComment({ github, context, body }) {
  const where = { owner: context.repo.owner, repo: context.repo.repo };
  const issue_number = context.payload.pull_request?.number ?? context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { ...where, issue_number, per_page: 100 });
  const [first, ...extra] = reviewComments(comments);
  for (const c of extra) await github.rest.issues.deleteComment({ ...where, comment_id: c.id });
  if (first) {
    const { data } = await github.rest.issues.updateComment({ ...where, comment_id: first.id, body });
    return { action: "updated", id: first.id, url: data?.html_url };
  }
  const { data } = await github.rest.issues.createComment({ ...where, issue_number, body });
  return { action: "created", id: data.id, url: data.html_url };
}

module.exports = { MARKER, MAX_REPORT_CHARS, BOT_LOGIN, commentBody, reviewComments, upsertReviewComment };
