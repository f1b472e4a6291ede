/**
 * Daily check of the secrets only a person can rotate (model API key, IBM i service credentials): for each, the age
 * of its AWSCURRENT version. A secret older than MAX_AGE_DAYS, or with no value at all, is logged on one line that
 * starts with STALE_MARKER; a metric filter on this function's log group counts those lines and an alarm sends them
 * to the security topic. Reads metadata only (ListSecretVersionIds): the function never sees a secret value.
 */
import { ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STALE_MARKER } from "./contract";
const DAY_MS = 24 * 60 * 60 * 1000;

const client = new SecretsManagerClient({});

export interface Finding {
  readonly secretId: string;
  /** `error`: its metadata could not be read (the API error's name in `error`), so its age is unknown. */
  readonly state: "fresh" | "stale" | "missing" | "error";
  /** Whole days since the current value was put; absent when there is none. */
  readonly ageDays?: number;
  /** Name of the API error (e.g. AccessDeniedException), never its message: state "error" only. */
  readonly error?: string;
}

/** The Lambda entry: Lambda calls it with (event, context), so the clock is read here, never taken as an argument. */
export async function handler(_event: unknown, _context?: unknown): Promise<Finding[]> {
  return checkAll(new Date());
}

/**
 * Checks every secret of SECRET_IDS against MAX_AGE_DAYS as of `now`, logging one line per secret. A secret whose
 * metadata cannot be read is logged with the marker too (state "error") and the others are still checked; then the
 * run fails naming them, so the function's error alarm fires as well as the stale-secret one.
 */
export async function checkAll(now: Date): Promise<Finding[]> {
  const ids = JSON.parse(process.env.SECRET_IDS ?? "[]") as string[];
  const maxAgeDays = Number(process.env.MAX_AGE_DAYS);
  if (!Array.isArray(ids) || ids.length === 0) throw new Error("SECRET_IDS lists no secret");
  if (!Number.isInteger(maxAgeDays) || maxAgeDays < 1) throw new Error(`MAX_AGE_DAYS ${process.env.MAX_AGE_DAYS} is not a whole number of days`);
  const findings: Finding[] = [];
  for (const secretId of ids) {
    let finding: Finding;
    try {
      finding = await check(secretId, maxAgeDays, now);
    } catch (e) {
      finding = { secretId, state: "error", error: (e as { name?: string }).name ?? "Error" };
    }
    findings.push(finding);
    const line = JSON.stringify({ ...finding, maxAgeDays });
    console.log(finding.state === "fresh" ? line : `${STALE_MARKER} ${line}`);
  }
  const failed = findings.filter((f) => f.state === "error");
  if (failed.length) throw new Error(`could not read the versions of ${failed.map((f) => `${f.secretId} (${f.error})`).join(", ")}; every other secret was checked (see the lines above)`);
  return findings;
}

export async function check(secretId: string, maxAgeDays: number, now: Date): Promise<Finding> {
  let created: Date | undefined;
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, NextToken: nextToken }));
    created ??= page.Versions?.find((v) => v.VersionStages?.includes("AWSCURRENT"))?.CreatedDate;
    nextToken = page.NextToken;
  } while (nextToken && !created);
  if (!created) return { secretId, state: "missing" };
  const ageDays = Math.floor((now.getTime() - created.getTime()) / DAY_MS);
  return { secretId, state: ageDays > maxAgeDays ? "stale" : "fresh", ageDays };
}
