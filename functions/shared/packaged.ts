/**
 * Configuration files packed beside index.js at synth (lib/function-bundle.ts `files`, VpcFunction `packageFiles`):
 * what the kit knows before apply and what may grow past Lambda's 4 KB of environment variables.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The text of `name` where Lambda unpacks the package (LAMBDA_TASK_ROOT, /var/task); undefined when absent. */
export function readPackagedFile(name: string): string | undefined {
  try {
    return fs.readFileSync(path.join(process.env.LAMBDA_TASK_ROOT ?? __dirname, name), "utf8");
  } catch {
    return undefined;
  }
}
