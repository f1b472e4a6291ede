/**
 * A Lambda task root for a function under test: the files the kit packs beside index.js (VpcFunction packageFiles),
 * written where functions/shared/packaged.ts reads them (LAMBDA_TASK_ROOT, as in Lambda). Call at the top of a test
 * file: one folder for the file, removed after it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function taskRoot(): (files: Readonly<Record<string, string>>) => void {
  let root: string | undefined;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "task-root-"));
    process.env.LAMBDA_TASK_ROOT = root;
  });
  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    delete process.env.LAMBDA_TASK_ROOT;
  });
  return (files) => {
    if (!root) throw new Error("taskRoot(): write files from a test or hook, not at load");
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
  };
}
