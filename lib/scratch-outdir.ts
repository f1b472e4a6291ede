/**
 * The temporary folder a synth writes into before it swaps the result into place (lib/synth.ts, bootstrap/main.ts):
 * `.<outdir>.tmp-<pid>-<random>` beside the output, on the same file system so the swap is one rename.
 *
 * A run stopped by Ctrl-C (SIGINT) or SIGTERM cannot clean up: the synth is synchronous, so a signal handler would
 * run only after it finished. The process dies at once instead, and the next run removes what a dead process
 * left (its pid is in the name; a live one, such as a concurrent synth, keeps its folder).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Whether process `pid` is running (signal 0 checks without sending; EPERM means it runs as another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary folders (`.tmp-`) and set-aside outputs (`.old-`, lib/synth.ts swapInto) that stopped runs
 * left beside `outdir`. A folder named without a pid (made before this naming) goes when older than this process.
 * Returns the paths removed.
 */
export function removeLeftovers(outdir: string): string[] {
  const parent = path.dirname(path.resolve(outdir));
  const base = path.basename(path.resolve(outdir));
  const tmp = `.${base}.tmp-`;
  const old = `${base}.old-`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const started = Date.now() - process.uptime() * 1000;
  const removed: string[] = [];
  for (const name of names) {
    const full = path.join(parent, name);
    let stale: boolean;
    // `.<base>.tmp-<pid>-<random>` now; `.<base>.tmp-<6 random characters>` before pids were in the name.
    const tmpPid = name.startsWith(tmp) ? /^(\d+)-[A-Za-z0-9]{6}$/.exec(name.slice(tmp.length))?.[1] : undefined;
    const oldPid = name.startsWith(old) ? /^(\d+)$/.exec(name.slice(old.length))?.[1] : undefined;
    if (tmpPid !== undefined || oldPid !== undefined) stale = !alive(Number(tmpPid ?? oldPid));
    else if (name.startsWith(tmp) && /^[A-Za-z0-9]{6}$/.test(name.slice(tmp.length))) {
      try {
        stale = fs.statSync(full).mtimeMs < started;
      } catch {
        continue;
      }
    } else continue;
    if (!stale) continue;
    fs.rmSync(full, { recursive: true, force: true });
    removed.push(full);
  }
  return removed;
}

/** Removes leftovers of stopped runs, then makes this run's temporary folder beside `outdir`. */
export function makeScratchOutdir(outdir: string): string {
  const resolved = path.resolve(outdir);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  removeLeftovers(resolved);
  return fs.mkdtempSync(path.join(path.dirname(resolved), `.${path.basename(resolved)}.tmp-${process.pid}-`));
}
