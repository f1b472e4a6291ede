/** lib/scratch-outdir.ts: what stopped synths left beside the output goes at the next start; nothing else does. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeScratchOutdir, removeLeftovers } from "../../lib/scratch-outdir";

let parent: string;
beforeEach(() => (parent = fs.mkdtempSync(path.join(os.tmpdir(), "scratch-outdir-"))));
afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

it("removes the folders of exited runs, keeps those of running ones and everything else", () => {
  const dead = deadPid();
  const hourAgo = new Date(Date.now() - 3600_000);
  const names = {
    deadTmp: `.cdktf.out.tmp-${dead}-aB3dE9`,
    deadOld: `cdktf.out.old-${dead}`,
    liveTmp: `.cdktf.out.tmp-${process.pid}-xY7zQ1`,
    // Named before pids were: removed when older than this process.
    unnamedOld: ".cdktf.out.tmp-k2L9pQ",
    userFolder: "cdktf.out.old-backup",
    otherOutput: `.other.out.tmp-${dead}-aB3dE9`,
    output: "cdktf.out",
  };
  for (const n of Object.values(names)) fs.mkdirSync(path.join(parent, n));
  fs.utimesSync(path.join(parent, names.unnamedOld), hourAgo, hourAgo);
  const removed = removeLeftovers(path.join(parent, "cdktf.out"));
  expect(removed.map((f) => path.basename(f)).sort()).toEqual([names.deadTmp, names.deadOld, names.unnamedOld].sort());
  expect(fs.readdirSync(parent).sort()).toEqual([names.liveTmp, names.userFolder, names.otherOutput, names.output].sort());
});

it("names this run's folder with its pid, beside the output", () => {
  const tmp = makeScratchOutdir(path.join(parent, "nested", "cdktf.out"));
  expect(path.dirname(tmp)).toBe(path.join(parent, "nested"));
  expect(path.basename(tmp)).toMatch(new RegExp(`^\\.cdktf\\.out\\.tmp-${process.pid}-[A-Za-z0-9]{6}$`));
});
