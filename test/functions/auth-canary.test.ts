import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { TARGETS_FILE } from "../../functions/auth-canary/contract";
import { forgedToken, handler, readTargets, runCanary } from "../../functions/auth-canary/index";
import { taskRoot } from "../support/task-root";

const packInTaskRoot = taskRoot();
const cw = mockClient(CloudWatchClient);
const sm = mockClient(SecretsManagerClient);
const TOKEN_OF_OTHER_TIER = "eyJhbGciOiJIUzI1NiJ9.eyJjaWQiOiJvcHMifQ.c2lnbmF0dXJlLW9mLXRoZS1vdGhlci10aWVy";
const targets = [
  { tier: "ro-61a3d8", url: "http://ro-61a3d8.mcp-prod.internal:3010/mcp", foreignTokenSecret: "mcp/prod/agent-token/ops" },
  { tier: "rw-a00124", url: "http://rw-a00124.mcp-prod.internal:3010/mcp" },
];

type Answer = number | Error;
let lines: string[];
let calls: { url: string; auth?: string; body: string; contentType?: string }[];

/** Stubs fetch: `answer(url, authorization header)` gives the status, or an Error to throw as fetch does on a network failure. */
function stubFetch(answer: (url: string, auth: string | undefined) => Answer) {
  jest.spyOn(global, "fetch").mockImplementation(async (input: any, init?: any) => {
    const url = String(input);
    const auth = init?.headers?.authorization as string | undefined;
    calls.push({ url, auth, body: String(init?.body), contentType: init?.headers?.["content-type"] });
    const a = answer(url, auth);
    if (a instanceof Error) throw a;
    return new Response(a === 200 ? '{"jsonrpc":"2.0","id":1,"result":{}}' : '{"jsonrpc":"2.0","error":{"code":-32006,"message":"Unauthorized"},"id":null}', { status: a });
  });
}
const refused = new Error("fetch failed");
Object.assign(refused, { cause: { code: "ECONNREFUSED" } });

beforeEach(() => {
  cw.reset();
  sm.reset();
  cw.on(PutMetricDataCommand).resolves({});
  sm.on(GetSecretValueCommand, { SecretId: "mcp/prod/agent-token/ops" }).resolves({ SecretString: TOKEN_OF_OTHER_TIER });
  lines = [];
  calls = [];
  jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
  packInTaskRoot({ [TARGETS_FILE]: JSON.stringify(targets) });
  process.env.METRIC_NAMESPACE = "MCP/prod/Security";
});
afterEach(() => jest.restoreAllMocks());

function published() {
  const input = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
  return {
    namespace: input.Namespace,
    data: Object.fromEntries((input.MetricData ?? []).map((d) => [`${d.MetricName}${d.Dimensions?.length ? `/${d.Dimensions.map((x) => `${x.Name}=${x.Value}`).join(",")}` : ""}`, d.Value])),
  };
}

describe("auth canary", () => {
  it("publishes 0 failures per tier when every probe is refused with 401, and counts the refusals it caused", async () => {
    stubFetch(() => 401);
    const results = await handler({});
    expect(results.map((r) => [r.tier, r.case, r.outcome])).toEqual([
      ["ro-61a3d8", "no-token", "refused"],
      ["ro-61a3d8", "foreign-token", "refused"],
      ["rw-a00124", "no-token", "refused"],
      ["rw-a00124", "foreign-token", "refused"],
    ]);
    expect(published()).toEqual({ namespace: "MCP/prod/Security", data: { "AuthCanaryFailures/Tier=ro-61a3d8": 0, "AuthCanaryFailures/Tier=rw-a00124": 0, AuthCanaryRefusals: 4 } });
  });

  it("sends an MCP initialize POST to each tier's /mcp, first without a token, then with the other tier's token", async () => {
    stubFetch(() => 401);
    await handler(null);
    expect(calls.map((c) => [c.url, c.auth === undefined ? "none" : c.auth === `Bearer ${TOKEN_OF_OTHER_TIER}` ? "other tier's token" : "forged"])).toEqual([
      ["http://ro-61a3d8.mcp-prod.internal:3010/mcp", "none"],
      ["http://ro-61a3d8.mcp-prod.internal:3010/mcp", "other tier's token"],
      ["http://rw-a00124.mcp-prod.internal:3010/mcp", "none"],
      ["http://rw-a00124.mcp-prod.internal:3010/mcp", "forged"],
    ]);
    // httpTransport.ts:238-253 (v0.5.1) answers 400 to a POST that is not application/json, before auth runs.
    for (const c of calls) expect(c.contentType).toBe("application/json");
    expect(JSON.parse(calls[0].body)).toMatchObject({ jsonrpc: "2.0", method: "initialize" });
  });

  it("counts a 200 (auth off) or any other status as a failure of that tier, with a log line naming tier and case", async () => {
    stubFetch((url, auth) => (url.includes("rw-a00124") && !auth ? 200 : url.includes("ro-61a3d8") && auth ? 403 : 401));
    const results = await handler({});
    expect(results.filter((r) => r.outcome !== "refused")).toEqual([
      { tier: "ro-61a3d8", case: "foreign-token", outcome: "unexpected-status", status: 403 },
      { tier: "rw-a00124", case: "no-token", outcome: "accepted", status: 200 },
    ]);
    expect(published().data).toEqual({ "AuthCanaryFailures/Tier=ro-61a3d8": 1, "AuthCanaryFailures/Tier=rw-a00124": 1, AuthCanaryRefusals: 2 });
    const failed = lines.map((l) => JSON.parse(l)).filter((l) => l.result === "FAIL");
    expect(failed).toEqual([
      { result: "FAIL", expected: 401, tier: "ro-61a3d8", case: "foreign-token", outcome: "unexpected-status", status: 403 },
      { result: "FAIL", expected: 401, tier: "rw-a00124", case: "no-token", outcome: "accepted", status: 200 },
    ]);
  });

  it("counts a network error or a timeout as a failure, by its code", async () => {
    const timeout = Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
    stubFetch((url) => (url.includes("ro-61a3d8") ? refused : timeout));
    const results = await handler({});
    expect(results.map((r) => [r.outcome, r.error])).toEqual([
      ["unreachable", "ECONNREFUSED"],
      ["unreachable", "ECONNREFUSED"],
      ["unreachable", "TimeoutError"],
      ["unreachable", "TimeoutError"],
    ]);
    expect(published().data).toEqual({ "AuthCanaryFailures/Tier=ro-61a3d8": 2, "AuthCanaryFailures/Tier=rw-a00124": 2, AuthCanaryRefusals: 0 });
  });

  it("counts a foreign token it cannot read as a failure, without calling the tier with nothing", async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error("User is not authorized to perform secretsmanager:GetSecretValue"), { name: "AccessDeniedException" }));
    stubFetch(() => 401);
    const results = await handler({});
    expect(results[1]).toEqual({ tier: "ro-61a3d8", case: "foreign-token", outcome: "no-token-to-present", error: "AccessDeniedException" });
    expect(calls).toHaveLength(3);
    expect(published().data["AuthCanaryFailures/Tier=ro-61a3d8"]).toBe(1);
  });

  it("writes no token into any log line or result", async () => {
    stubFetch(() => 200);
    const results = await handler({});
    const presented = calls.map((c) => c.auth?.replace(/^Bearer /, "")).filter((t): t is string => !!t);
    expect(presented).toHaveLength(2);
    const out = JSON.stringify(results) + lines.join("\n");
    for (const t of presented) for (const part of t.split(".")) expect(out).not.toContain(part);
  });

  it("retries tiers that do not answer yet while the settle time lasts (the invocation on apply), not on schedule", async () => {
    let up = false;
    stubFetch(() => (up ? 401 : refused));
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
      if (clock >= 30_000) up = true;
    };
    const results = await runCanary(targets, { retryUntil: 300_000, now: () => clock, sleep });
    expect(results.every((r) => r.outcome === "refused")).toBe(true);
    expect(clock).toBe(30_000);
    up = false;
    clock = 0;
    const once = await runCanary(targets, {});
    expect(once.every((r) => r.outcome === "unreachable")).toBe(true);
    const bounded = await runCanary([targets[1]], { retryUntil: 25_000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(bounded.map((r) => r.outcome)).toEqual(["unreachable", "unreachable"]);
    expect(clock).toBeLessThanOrEqual(25_000);
  });

  it("signs its own token with a key no tier holds, with the claims the server checks", () => {
    const [h, p, s] = forgedToken(1_800_000_000).split(".");
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(p, "base64url").toString())).toEqual({ cid: "auth-canary", sub: "auth-canary", scp: ["auth-canary"], iat: 1_800_000_000, exp: 1_800_000_300 });
    expect(s).not.toBe(forgedToken(1_800_000_000).split(".")[2]);
  });

  it("fails loudly when misconfigured, so the missing metric pages", async () => {
    expect(() => readTargets(undefined)).toThrow("targets.json is missing from the package");
    expect(() => readTargets("{")).toThrow("targets.json is not JSON");
    expect(() => readTargets("[]")).toThrow("targets.json lists no tier");
    expect(() => readTargets('[{"tier":"a","url":"https://a/mcp"}]')).toThrow('targets.json entry {"tier":"a","url":"https://a/mcp"} needs a tier and an http://<host>:<port>/mcp url');
    delete process.env.METRIC_NAMESPACE;
    await expect(handler({})).rejects.toThrow("METRIC_NAMESPACE is not set");
    process.env.METRIC_NAMESPACE = "MCP/prod/Security";
    await expect(handler({ settleSeconds: 3600 })).rejects.toThrow("settleSeconds 3600 must be 0 to 600");
  });
});
