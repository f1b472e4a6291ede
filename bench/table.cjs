// The README's performance table, rendered from bench/results.json: `npm run bench` writes it between the markers,
// and test/docs/readme.test.ts fails when the README no longer shows the latest results.
"use strict";

const START = "<!-- bench:start (written by npm run bench; do not edit) -->";
const END = "<!-- bench:end -->";

function renderTable({ machine, results }) {
  const lines = [
    `Latest run: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}.`,
    "",
    "| case | min (ms) | median (ms) | runs | peak RSS (MiB) |",
    "|---|---:|---:|---:|---:|",
    ...results.map((r) => `| ${r.name} | ${r.min} | ${r.median} | ${r.runs} | ${r.peakRssMiB ?? ""} |`),
  ];
  return lines.join("\n");
}

/** `doc` with the text between the markers replaced by the table; throws if the markers are missing. */
function withTable(doc, results) {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from === -1 || to < from) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  return `${doc.slice(0, from + START.length)}\n${renderTable(results)}\n${doc.slice(to)}`;
}

module.exports = { START, END, renderTable, withTable };
