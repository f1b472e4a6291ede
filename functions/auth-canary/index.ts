/**
 * Proves that every MCP tier refuses what it must: from inside the VPC it calls each tier's `/mcp` directly (Cloud
 * Map, not the load balancer) with an MCP `initialize` request, once without a token and once with a token the tier
 * must not accept (another tier's agent token, or one signed with a key of the canary's own), and expects 401 both
 * times. A server running with auth `none` answers 200; one that fell back to its defaults (IBM/ibmi-mcp-server v0.5.1
 * does when any environment value fails validation: auth `none` on stdio, packages/server/src/config/index.ts:419-430)
 * does not answer at all. Both are failures here.
 *
 * Publishes per tier the number of probes that did not get 401 (AuthCanaryFailures, an alarm fires above 0 or when it
 * stops arriving) and, without dimension, the number of 401s it caused (AuthCanaryRefusals, which the
 * authentication-failure alarm subtracts). Logs one JSON line per probe: tier, case, outcome, status or error code;
 * never a token or a response body. Returns the same, as Terraform stores the result of the invocation on apply.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createHmac, randomBytes } from "node:crypto";
import { readPackagedFile } from "../shared/packaged";
import { CanaryEvent, CanaryTarget, FAILURES_METRIC, REFUSALS_METRIC, TARGETS_FILE, TIER_DIMENSION } from "./contract";

const cloudwatch = new CloudWatchClient({});
const secretsManager = new SecretsManagerClient({});

export type ProbeCase = "no-token" | "foreign-token";

export interface ProbeResult {
  readonly tier: string;
  readonly case: ProbeCase;
  /** "refused": the expected 401; anything else is a failure. */
  readonly outcome: "refused" | "accepted" | "unexpected-status" | "unreachable" | "no-token-to-present";
  readonly status?: number;
  /** Error code or name when there was no HTTP answer (never a message that could echo a header). */
  readonly error?: string;
}

/** How long one request may take. */
const REQUEST_TIMEOUT_MS = 5000;
/** Pause between attempts while tasks are still starting (settleSeconds > 0). */
const RETRY_PAUSE_MS = 10_000;

/** An MCP `initialize` request (JSON-RPC 2.0): harmless when refused, and a full session start if auth were off. */
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcp-auth-canary", version: "1.0.0" } },
});

export interface CanaryOptions {
  /** Keep retrying probes that got no HTTP answer until this time (ms since the epoch). @default no retry */
  readonly retryUntil?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The Lambda entry: the schedule sends no settle time, the invocation on apply does. */
export async function handler(event?: CanaryEvent | null, _context?: unknown): Promise<ProbeResult[]> {
  const targets = readTargets(readPackagedFile(TARGETS_FILE));
  const namespace = process.env.METRIC_NAMESPACE;
  if (!namespace) throw new Error("METRIC_NAMESPACE is not set");
  const settle = Number(event?.settleSeconds ?? 0);
  if (!Number.isFinite(settle) || settle < 0 || settle > 600) throw new Error(`settleSeconds ${event?.settleSeconds} must be 0 to 600`);
  const results = await runCanary(targets, { retryUntil: settle ? Date.now() + settle * 1000 : undefined });
  await publish(namespace, targets, results);
  return results;
}

export function readTargets(raw: string | undefined): CanaryTarget[] {
  let targets: unknown;
  try {
    targets = JSON.parse(raw ?? "");
  } catch {
    throw new Error(`${TARGETS_FILE} is ${raw === undefined ? "missing from the package" : "not JSON"}`);
  }
  if (!Array.isArray(targets) || targets.length === 0) throw new Error(`${TARGETS_FILE} lists no tier`);
  for (const t of targets as CanaryTarget[]) {
    if (typeof t?.tier !== "string" || !/^http:\/\/[a-z0-9.-]+:\d+\/mcp$/.test(String(t.url))) throw new Error(`${TARGETS_FILE} entry ${JSON.stringify(t)} needs a tier and an http://<host>:<port>/mcp url`);
  }
  return targets as CanaryTarget[];
}

/** Probes every target in both cases. Never throws for a tier's answer: each outcome is a result. */
export async function runCanary(targets: readonly CanaryTarget[], opts: CanaryOptions = {}): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const t of targets) {
    results.push(await probeWithRetry(t, "no-token", undefined, opts));
    let token: string | undefined;
    let readError: string | undefined;
    try {
      token = t.foreignTokenSecret ? await readToken(t.foreignTokenSecret) : forgedToken();
    } catch (err) {
      readError = errorCode(err);
    }
    results.push(token ? await probeWithRetry(t, "foreign-token", token, opts) : { tier: t.tier, case: "foreign-token", outcome: "no-token-to-present", error: readError });
  }
  for (const r of results) console.log(JSON.stringify({ result: r.outcome === "refused" ? "pass" : "FAIL", expected: 401, ...r }));
  return results;
}

async function probeWithRetry(t: CanaryTarget, c: ProbeCase, token: string | undefined, opts: CanaryOptions): Promise<ProbeResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const r = await probe(t, c, token);
    if (r.outcome !== "unreachable" || !opts.retryUntil || now() + RETRY_PAUSE_MS > opts.retryUntil) return r;
    await sleep(RETRY_PAUSE_MS);
  }
}

async function probe(t: CanaryTarget, c: ProbeCase, token: string | undefined): Promise<ProbeResult> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(t.url, { method: "POST", headers, body: INITIALIZE, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 401) return { tier: t.tier, case: c, outcome: "refused", status: 401 };
    return { tier: t.tier, case: c, outcome: res.status >= 200 && res.status < 300 ? "accepted" : "unexpected-status", status: res.status };
  } catch (err) {
    return { tier: t.tier, case: c, outcome: "unreachable", error: errorCode(err) };
  }
}

/** A code (ECONNREFUSED, ENOTFOUND, TimeoutError, AccessDeniedException…), never an error message. */
function errorCode(err: unknown): string {
  const e = err as { cause?: { code?: unknown }; code?: unknown; name?: unknown };
  const code = e?.cause?.code ?? e?.code ?? e?.name;
  return typeof code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : "Error";
}

async function readToken(secretId: string): Promise<string> {
  const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!out.SecretString) throw Object.assign(new Error("no value"), { code: "NoSecretValue" });
  return out.SecretString;
}

/**
 * An HS256 JWT with the claims the server requires (cid, scp; jwtStrategy.ts), signed with a random key nobody else
 * holds: a tier must refuse it at the signature.
 */
export function forgedToken(nowSeconds = Math.floor(Date.now() / 1000)): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ cid: "auth-canary", sub: "auth-canary", scp: ["auth-canary"], iat: nowSeconds, exp: nowSeconds + 300 })}`;
  return `${input}.${createHmac("sha256", randomBytes(32)).update(input).digest("base64url")}`;
}

async function publish(namespace: string, targets: readonly CanaryTarget[], results: readonly ProbeResult[]): Promise<void> {
  const timestamp = new Date();
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: [
        ...targets.map((t) => ({
          MetricName: FAILURES_METRIC,
          Dimensions: [{ Name: TIER_DIMENSION, Value: t.tier }],
          Value: results.filter((r) => r.tier === t.tier && r.outcome !== "refused").length,
          Unit: "Count" as const,
          Timestamp: timestamp,
        })),
        { MetricName: REFUSALS_METRIC, Value: results.filter((r) => r.outcome === "refused").length, Unit: "Count" as const, Timestamp: timestamp },
      ],
    }),
  );
}
