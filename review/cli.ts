/**
 * `npm run review [-- <outdir>]`: writes `<outdir>/review/<stack>.md` and `index.md` from an existing synthesized
 * output (default: CDKTF_OUTDIR or cdktf.out).
 * `npm run review -- --diff <old outdir> <new outdir> [--out <file>] [--fail-on <severity>]`: prints the change
 * report, writes it to `<new outdir>/review/diff.md` (or --out), and with --fail-on exits 2 when a security change
 * of that severity or worse is found (for CI).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ChangeSeverity, diffPlans, renderDiff } from "./diff";
import { reviewPolicy } from "./policy-source";
import { readPlans, writeReviews } from "./write";
import { isMain, takeOption, wantsHelp } from "../lib/args";

const SEVERITIES: readonly ChangeSeverity[] = ["critical", "high", "medium", "low"];

export const USAGE = [
  "usage: npm run review [-- <outdir>]",
  "       npm run review -- --diff <old outdir> <new outdir> [--out <file>] [--fail-on critical|high|medium|low]",
  "  writes <outdir>/review/<stack>.md and index.md (outdir default: CDKTF_OUTDIR or cdktf.out); --diff prints the",
  "  change report between two outputs and writes it to <new outdir>/review/diff.md (or --out).",
].join("\n");

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 1;
}

export function main(argv: readonly string[]): number {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const args = [...argv];
  const take = (flag: string) => takeOption(args, flag);
  const outFile = take("--out");
  const failOn = take("--fail-on") as ChangeSeverity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) return usage(`--fail-on takes one of ${SEVERITIES.join(", ")}`);
  try {
    if (args[0] === "--diff") {
      const [, before, after, ...rest] = args;
      if (!before || !after || rest.length) return usage("--diff needs exactly two output directories");
      const load = (dir: string) => {
        const plans = readPlans(dir);
        return {
          plans: Object.fromEntries(plans.map((p) => [p.stack, p.plan])),
          policy: Object.fromEntries(
            plans.flatMap((p) => {
              const r = reviewPolicy(p.stack, p.plan);
              return r ? [[p.stack, r]] : [];
            }),
          ),
        };
      };
      const result = diffPlans(load(before), load(after));
      const markdown = renderDiff(result, { before, after });
      const target = outFile ?? path.join(after, "review", "diff.md");
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, markdown);
      process.stdout.write(markdown);
      console.error(`review: change report written to ${target}`);
      if (failOn) {
        const limit = SEVERITIES.indexOf(failOn);
        const hits = result.security.filter((c) => SEVERITIES.indexOf(c.severity) <= limit);
        if (hits.length) {
          console.error(`review: ${hits.length} security change(s) of severity ${failOn} or worse`);
          return 2;
        }
      }
      return 0;
    }
    if (args.some((a) => a.startsWith("--"))) return usage(`unknown option ${args.find((a) => a.startsWith("--"))}`);
    if (args.length > 1) return usage("give at most one output directory");
    const outdir = args[0] ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
    // The plan alone: what the config asked is recorded in it (lib/stack-facts.ts), so no config is read here.
    const written = writeReviews(outdir, { policy: reviewPolicy });
    console.error(`review: wrote ${written.map((w) => path.join(outdir, w)).join(", ")}`);
    return 0;
  } catch (e) {
    console.error(`review: ${(e as Error).message}`);
    return 1;
  }
}

if (isMain(module)) process.exitCode = main(process.argv.slice(2));
