// The merge request's one plan-review note on GitLab: created once, then updated in place (the same marker and
// verdict as the GitHub comment, examples/github/scripts/review-comment.cjs). Node 20+ (global fetch).
//   SECURITY=below|at-or-above|unknown APPROVED=true|false node examples/gitlab/mr-note.cjs <report.md>
// Needs GITLAB_REVIEW_TOKEN (project access token, Reporter, scope api) and GitLab's predefined CI variables.
"use strict";
const fs = require("node:fs");
const { MARKER, commentBody } = require("../github/scripts/review-comment.cjs");

async function upsertNote({ api, project, mr, token, body, fetchImpl = fetch }) {
  const headers = { "PRIVATE-TOKEN": token, "Content-Type": "application/json" };
  const base = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${mr}/notes`;
  const me = await (await fetchImpl(`${api}/user`, { headers })).json();
  let existing;
  for (let page = 1; !existing; page++) {
    const res = await fetchImpl(`${base}?per_page=100&page=${page}&sort=asc`, { headers });
    if (!res.ok) throw new Error(`listing notes: HTTP ${res.status}`);
    const notes = await res.json();
    existing = notes.find((n) => (n.body ?? "").includes(MARKER) && n.author?.id === me.id);
    if (notes.length < 100) break;
  }
  const res = existing ? await fetchImpl(`${base}/${existing.id}`, { method: "PUT", headers, body: JSON.stringify({ body }) }) : await fetchImpl(base, { method: "POST", headers, body: JSON.stringify({ body }) });
  if (!res.ok) throw new Error(`${existing ? "updating" : "creating"} the note: HTTP ${res.status}`);
  return existing ? "updated" : "created";
}

module.exports = { upsertNote };

if (require.main === module) {
  const e = process.env;
  const body = commentBody(fs.readFileSync(process.argv[2], "utf8"), {
    security: e.SECURITY,
    failOn: e.REVIEW_FAIL_ON,
    label: e.APPROVAL_LABEL,
    approved: e.APPROVED === "true",
    runUrl: e.CI_PIPELINE_URL,
    sha: e.CI_COMMIT_SHA,
  });
  upsertNote({ api: e.CI_API_V4_URL, project: e.CI_PROJECT_ID, mr: e.CI_MERGE_REQUEST_IID, token: e.GITLAB_REVIEW_TOKEN, body }).then(
    (action) => console.log(`plan-review note ${action}`),
    (err) => {
      console.error(`plan-review note: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
