/** Runs every check group against one stack's config and formats the results (text lines or JSON). */
import type { McpConfig } from "../config/schema";
import type { TerraformJson } from "../policy/types";
import { checkAlerts } from "./alerts";
import { couldNotCheck } from "./aws";
import { checkCertificate } from "./certificate";
import { checkCloudTrail } from "./cloudtrail";
import { checkConcurrency } from "./concurrency";
import { checkIdentity } from "./identity";
import { checkImages } from "./images";
import { checkNetwork } from "./network";
import { checkQuotas } from "./quotas";
import { checkRoles } from "./roles";
import { checkState } from "./state";
import { CheckResult, PreflightClients, PreflightContext, skip, Status } from "./types";

export interface PreflightReport {
  readonly stack: string;
  readonly region: string;
  readonly accountId?: string;
  /** Path of the plan that was read, or undefined when none was synthesized. */
  readonly planFile?: string;
  readonly results: readonly CheckResult[];
  readonly summary: Record<Status, number>;
  readonly passed: boolean;
}

export interface PreflightOptions {
  readonly config: McpConfig;
  readonly clients: PreflightClients;
  readonly plan?: TerraformJson;
  readonly planFile?: string;
  /** @default new Date() */
  readonly now?: Date;
  /** @default globalThis.fetch */
  readonly fetch?: PreflightContext["fetch"];
}

/** Check groups in report order, each independent of the others once the account is known. */
const GROUPS: readonly [string, (ctx: PreflightContext) => Promise<CheckResult[]>][] = [
  ["certificate", checkCertificate],
  ["images", checkImages],
  ["network", checkNetwork],
  ["state", checkState],
  ["alerts", checkAlerts],
  ["quotas", checkQuotas],
  ["concurrency", checkConcurrency],
  ["cloudtrail", checkCloudTrail],
  ["roles", checkRoles],
];

export async function runPreflight(opts: PreflightOptions): Promise<PreflightReport> {
  const { config } = opts;
  const stack = `mcp-${config.environment}`;
  const identity = await checkIdentity(config, opts.clients.sts);
  const results: CheckResult[] = [identity.result];
  if (!identity.accountId) {
    // Every other answer would be about the wrong account, or an error for lack of credentials.
    results.push(...GROUPS.map(([group]) => skip(group, "all", "not checked: the identity check failed")));
  } else {
    const ctx: PreflightContext = { config, clients: opts.clients, accountId: identity.accountId, plan: opts.plan, now: opts.now ?? new Date(), fetch: opts.fetch };
    const groups = await Promise.all(
      GROUPS.map(async ([group, run]) => {
        try {
          return await run(ctx);
        } catch (e) {
          return [couldNotCheck(group, "all", e, `the ${group} checks`)];
        }
      }),
    );
    results.push(...groups.flat());
  }
  const summary: Record<Status, number> = { PASS: 0, FAIL: 0, SKIP: 0 };
  for (const r of results) summary[r.status]++;
  return { stack, region: config.region, accountId: identity.accountId, planFile: opts.planFile, results, summary, passed: summary.FAIL === 0 };
}

export function formatText(report: PreflightReport): string {
  const lines = [`preflight ${report.stack}: account ${report.accountId ?? "unknown"}, ${report.region}, plan ${report.planFile ?? "not synthesized (npm run synth enables the plan-based checks)"}`];
  const width = Math.max(...report.results.map((r) => r.group.length));
  for (const r of report.results) {
    lines.push(`${r.status}  ${r.group.padEnd(width)}  ${r.check}: ${r.detail}`);
    if (r.fix && r.status !== "PASS") lines.push(`${" ".repeat(8 + width)}${r.status === "FAIL" ? "fix" : "to check"}: ${r.fix}`);
  }
  const s = report.summary;
  lines.push(`${s.PASS} passed, ${s.FAIL} failed, ${s.SKIP} skipped${report.passed ? "" : ": fix every FAIL before npx cdktf deploy " + report.stack}`);
  return lines.join("\n");
}

export function formatJson(report: PreflightReport): string {
  return JSON.stringify(report, null, 2);
}
