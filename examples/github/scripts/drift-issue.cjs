// One open issue per drifted environment: opened when drift is found, updated while it lasts, closed with a note
// when a later run finds none. Called from actions/github-script in examples/github/workflows/drift.yml (a scheduled
// run checks out the default branch: this file is reviewed code). Tested in test/pipeline/.
"use strict";

const LABEL = "drift";
const markerOf = (environment) => `<!-- ibmi-mcp-kit:drift:${environment} -->`;
const MAX_REPORT_CHARS = 60000;

/** @param {{ environment: string, report: string, runUrl: string }} d */
function issueBody({ environment, report, runUrl }) {
  let text = report.trim();
  if (text.length > MAX_REPORT_CHARS) text = `${text.slice(0, text.lastIndexOf("\n", MAX_REPORT_CHARS))}\n\n_Cut; the full report is in the [run](${runUrl})._`;
  return `${markerOf(environment)}\nThe scheduled refresh-only plan found that **mcp-${environment}** (its stacks \`mcp-${environment}-images\` and \`mcp-${environment}\`; each drifted one is reported below) in AWS differs from what Terraform last applied ([run](${runUrl})).\n\nEither bring the change into \`config/${environment}.json\` through a reviewed pull request, or re-run the deploy to put AWS back. This issue is updated by every run and closed by the first run that finds no drift.\n\n${text}\n`;
}

/**
 * @param {{ github: any, context: any, environment: string, drifted: boolean, report: string, runUrl: string }} args
 * @returns {Promise<"opened" | "updated" | "closed" | "none">}
 */
async function syncDriftIssue({ github, context, environment, drifted, report, runUrl }) {
  const where = { owner: context.repo.owner, repo: context.repo.repo };
  const open = await github.paginate(github.rest.issues.listForRepo, { ...where, state: "open", labels: LABEL, per_page: 100 });
  const mine = open.find((i) => !i.pull_request && (i.body ?? "").includes(markerOf(environment)) && i.user?.login === "github-actions[bot]");
  if (drifted) {
    const body = issueBody({ environment, report, runUrl });
    if (mine) {
      await github.rest.issues.update({ ...where, issue_number: mine.number, body });
      return "updated";
    }
    await github.rest.issues.create({ ...where, title: `Drift in mcp-${environment}: AWS differs from the deployed plan`, body, labels: [LABEL] });
    return "opened";
  }
  if (!mine) return "none";
  await github.rest.issues.createComment({ ...where, issue_number: mine.number, body: `No drift in mcp-${environment} as of [this run](${runUrl}); closing.` });
  await github.rest.issues.update({ ...where, issue_number: mine.number, state: "closed", state_reason: "completed" });
  return "closed";
}

module.exports = { LABEL, markerOf, issueBody, syncDriftIssue };
