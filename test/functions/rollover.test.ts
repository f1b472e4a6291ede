/**
 * Issue 20 item 3, "rollover with overlap", measured: an agent group's signing key is replaced while agents keep
 * calling three tasks of their tier, each verifying exactly as IBM/ibmi-mcp-server v0.5.1 does in oauth mode
 * (oauthStrategy.ts:45-48 and :77-122: jose's createRemoteJWKSet with cooldownDuration 300000 and timeoutDuration 5000,
 * cacheMaxAge left at jose 6.2.2's default 600000; jwtVerify with issuer and audience), the JWKS served over loopback
 * HTTP from what PublishJwks wrote. The kit's sequence:
 *   1. PublishJwks [old, new]: returns only after JWKS_PROPAGATION_SECONDS, so every task accepts the new kid;
 *   2. the token secret's key tag moves to the new key, and Remint re-mints it (kms:Sign with the new key);
 *   3. the old key stays in the set until every token signed with it has expired (its last mint + the lifetime);
 *   4. PublishJwks [new].
 * Refused calls across the rotation: zero. Two controls show the count catches each shortcut.
 */
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { RotateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler, waiting } from "../../functions/rotate-secret/index";
import { JWKS_PROPAGATION_SECONDS, SIGNING_KEY_TAG } from "../../functions/rotate-secret/contract";
import { FakeBucket, FakeSecrets, fakeKms, localKey, oauthTokenTags, upstreamKeySet, upstreamVerify } from "./oauth-fakes";

const kmsMock = mockClient(KMSClient);
const s3Mock = mockClient(S3Client);
const smMock = mockClient(SecretsManagerClient);
const sm = new SecretsManagerClient({ region: "us-east-1" });

const ISSUER = "https://issuer.mcp-dev.internal.example";
const AUD = "https://ops.mcp-dev.internal.example:3010/mcp";
const BUCKET = "mcp-dev-jwks-123456789012";
const OBJECT = "jwks.json";
const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";
const LIFETIME_HOURS = 2;
/** Rotation schedule of the token: shorter than its lifetime, so a successor exists before a token expires. */
const SCHEDULE_MS = 3600_000;
const CALL_EVERY_MS = 10_000;
const MIN = 60_000;
const START = Date.parse("2026-12-01T12:00:00Z");

// About 2,000 ES256 verifications per run: seconds alone, more while other suites share the two cores.
jest.setTimeout(60_000);

const realSleep = waiting.sleep;
const realStep = waiting.stepMs;
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout", "queueMicrotask", "hrtime", "performance"], now: START });
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  kmsMock.reset();
  s3Mock.reset();
  smMock.reset();
});
afterEach(() => {
  jest.useRealTimers();
  waiting.sleep = realSleep;
  waiting.stepMs = realStep;
});

const kidOfToken = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString()).kid as string;

/** Runs the rollover with or without each of its two safeguards; returns what the agents saw. */
async function rollover(o: { waitForPropagation: boolean; keepOldKeyUntilExpiry: boolean }) {
  const [oldKey, newKey] = [localKey(), localKey()];
  fakeKms(kmsMock, [oldKey, newKey]);
  const bucket = new FakeBucket();
  bucket.install(s3Mock);
  const secrets = new FakeSecrets((e) => handler(e as never));
  secrets.install(smMock);
  secrets.add(TOKEN_ARN, oauthTokenTags({ key: oldKey, audience: AUD, issuer: ISSUER, clientId: "ops", scopes: "performance", lifetimeHours: LIFETIME_HOURS }));
  const served = await bucket.serve(BUCKET, OBJECT);

  const calls = { total: 0, refused: [] as string[], acceptedNewKidBy: new Set<number>(), acceptedOldKidAfterRemint: 0 };
  const mints: { at: number; kid: string }[] = [];
  let remintedAt = Infinity;
  // Three tasks of the tier, started 0, 100 and 250 s in: their JWKS reads fall at different moments.
  const tasks: { startsAt: number; verify?: ReturnType<typeof upstreamVerify> }[] = [{ startsAt: 0 }, { startsAt: 100_000 }, { startsAt: 250_000 }];
  // An eager agent reads the secret before every call; a lazy one every 50 minutes (it holds a token longest).
  const agents = [
    { name: "eager", refreshMs: 0, token: "", readAt: -Infinity },
    { name: "lazy", refreshMs: 50 * MIN, token: "", readAt: -Infinity },
  ];
  let nextTask = 0;
  let nextCallAt = START;
  let nextScheduledRotation = START + SCHEDULE_MS;

  const callOnce = async () => {
    const now = Date.now();
    for (const agent of agents) {
      if (now - agent.readAt >= agent.refreshMs) {
        agent.token = secrets.current(TOKEN_ARN)!;
        agent.readAt = now;
      }
      const live = tasks.filter((t) => now - START >= t.startsAt);
      const task = live[nextTask++ % live.length];
      task.verify ??= upstreamVerify(upstreamKeySet(served.url), ISSUER, AUD);
      calls.total++;
      const kid = kidOfToken(agent.token);
      try {
        await task.verify(agent.token);
        if (kid === newKey.kid) calls.acceptedNewKidBy.add(tasks.indexOf(task));
        if (kid === oldKey.kid && now > remintedAt) calls.acceptedOldKidAfterRemint++;
      } catch (e) {
        calls.refused.push(`${Math.round((now - START) / 1000)} s: ${agent.name} (${kid === newKey.kid ? "new" : "old"} key) at task ${tasks.indexOf(task)}: ${(e as { code?: string }).code}`);
      }
    }
  };
  const rotateOnSchedule = async () => {
    await sm.send(new RotateSecretCommand({ SecretId: TOKEN_ARN }));
    await Promise.all(secrets.running);
    mints.push({ at: Date.now(), kid: kidOfToken(secrets.current(TOKEN_ARN)!) });
  };
  /** Lets `ms` of simulated time pass: agents call every 10 s, the token rotates on schedule. */
  const advance = async (ms: number) => {
    const until = Date.now() + ms;
    while (Math.min(nextCallAt, nextScheduledRotation) <= until) {
      if (nextScheduledRotation <= nextCallAt) {
        jest.setSystemTime(nextScheduledRotation);
        nextScheduledRotation += SCHEDULE_MS;
        await rotateOnSchedule();
      } else {
        jest.setSystemTime(nextCallAt);
        nextCallAt += CALL_EVERY_MS;
        await callOnce();
      }
    }
    jest.setSystemTime(until);
    await new Promise((r) => setImmediate(r));
  };
  // The function's own waits (PublishJwks's propagation wait, Remint's polls) pass simulated time with calls going on.
  waiting.sleep = o.waitForPropagation ? advance : async () => undefined;
  waiting.stepMs = 3000;
  const publish = (keyArns: string[]) => handler({ PublishJwks: { bucket: BUCKET, objectKey: OBJECT, keyArns } });

  try {
    // Before: the group's key is published and its first token minted; 31 minutes of traffic.
    await publish([oldKey.arn]);
    await rotateOnSchedule();
    await advance(31 * MIN);

    // 1. The new key joins the set (the old one stays): returns after the propagation wait.
    const added = await publish([oldKey.arn, newKey.arn]);
    // 2. The token's key tag moves (Terraform, ordered after the publish), and the token is re-minted with it.
    secrets.setTag(TOKEN_ARN, SIGNING_KEY_TAG, newKey.arn);
    waiting.sleep = advance; // Remint's polls always let time pass
    await handler({ Remint: TOKEN_ARN });
    remintedAt = Date.now();
    mints.push({ at: remintedAt, kid: newKey.kid });
    // 3. The old key stays until every token signed with it has expired.
    const lastOldMint = Math.max(...mints.filter((m) => m.kid === oldKey.kid).map((m) => m.at));
    const oldKeyMayGoAt = lastOldMint + LIFETIME_HOURS * 3600_000;
    if (o.keepOldKeyUntilExpiry) await advance(Math.max(0, oldKeyMayGoAt - Date.now()));
    // 4. The old key leaves the set; traffic goes on past every task's cache lifetime.
    const dropped = await publish([newKey.arn]);
    await advance(60 * MIN);
    return { calls, added, dropped, remintedAt, oldKeyMayGoAt, fetches: served.fetches(), failures: secrets.failures };
  } finally {
    await served.close();
  }
}

describe("key rollover with overlap (issue 20 item 3)", () => {
  it("refuses no call across a rollover: the new key is accepted everywhere before anything is signed with it, the old one until its tokens expire", async () => {
    const { calls, added, dropped, remintedAt, oldKeyMayGoAt, failures } = await rollover({ waitForPropagation: true, keepOldKeyUntilExpiry: true });
    expect(failures).toEqual([]);
    expect(added).toMatchObject({ added: [expect.any(String)], waitedSeconds: JWKS_PROPAGATION_SECONDS });
    expect(dropped).toMatchObject({ removed: [expect.any(String)], added: [], waitedSeconds: 0 });
    expect(calls.refused).toEqual([]);
    // The run exercised what it claims: 3 h of calls every 10 s, the new token at every task, the old one used after the re-mint.
    expect(calls.total).toBeGreaterThan(2000);
    expect([...calls.acceptedNewKidBy].sort()).toEqual([0, 1, 2]);
    expect(calls.acceptedOldKidAfterRemint).toBeGreaterThan(0);
    expect(oldKeyMayGoAt).toBeGreaterThan(remintedAt);
  });

  it("control: signing with the new key as soon as it is published is refused by a task that read the set within jose's cooldown", async () => {
    const { calls } = await rollover({ waitForPropagation: false, keepOldKeyUntilExpiry: true });
    expect(calls.refused.length).toBeGreaterThan(0);
    expect(calls.refused.every((r) => r.includes("(new key)") && r.endsWith("ERR_JWKS_NO_MATCHING_KEY"))).toBe(true);
  });

  it("control: dropping the old key at the re-mint refuses the agent still holding an old-key token once a task's cache expires", async () => {
    const { calls } = await rollover({ waitForPropagation: true, keepOldKeyUntilExpiry: false });
    expect(calls.refused.length).toBeGreaterThan(0);
    expect(calls.refused.every((r) => r.includes("lazy (old key)") && r.endsWith("ERR_JWKS_NO_MATCHING_KEY"))).toBe(true);
  });
});
