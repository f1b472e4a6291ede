/**
 * Issue 16, "How to show it": agent tokens minted through the rotation function's own code path (kms:Sign mocked over
 * a local P-256 key), verified with jose 6.2.2 (the version IBM/ibmi-mcp-server v0.5.1's package-lock.json resolves)
 * the way the server does (oauth-fakes.ts, upstreamVerify), against the JWKS the function publishes.
 */
import { createHash, createPublicKey, generateKeyPairSync, JsonWebKey, verify } from "node:crypto";
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { createLocalJWKSet, JSONWebKeySet } from "jose";
import { handler, KmsTokenSpec, mintKmsToken, specFromTags, waiting } from "../../functions/rotate-secret/index";
import { JOSE_CACHE_MAX_AGE_SECONDS, JOSE_COOLDOWN_SECONDS, JWKS_PROPAGATION_SECONDS, REMINT_WAIT_SECONDS, SIGNING_SECRET_TAG } from "../../functions/rotate-secret/contract";
import { derToJose, jwkFromSpki, signEs256, TokenClaims } from "../../functions/shared/es256";
import { FakeBucket, FakeSecrets, fakeKms, localKey, LocalKey, oauthTokenTags, signDigest, upstreamKeySet, upstreamVerify } from "./oauth-fakes";

const kmsMock = mockClient(KMSClient);
const s3Mock = mockClient(S3Client);
const smMock = mockClient(SecretsManagerClient);
/** A client as the function has one; its calls go to the mock. */
const sm = new SecretsManagerClient({ region: "us-east-1" });

const ISSUER = "https://issuer.mcp-dev.internal.example";
const OPS_AUD = "https://ops.mcp-dev.internal.example:3010/mcp";
const PERF_AUD = "https://perf.mcp-dev.internal.example:3010/mcp";
const BUCKET = "mcp-dev-jwks-123456789012";
const OBJECT = "jwks.json";
const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";

let logs: string[] = [];
const realSleep = waiting.sleep;
beforeEach(() => {
  kmsMock.reset();
  s3Mock.reset();
  smMock.reset();
  logs = [];
  jest.spyOn(console, "log").mockImplementation((line: string) => void logs.push(String(line)));
  waiting.sleep = realSleep;
});

function opsSpec(key: LocalKey, over: Partial<{ audience: string; issuer: string; clientId: string; scopes: string; lifetimeHours: number }> = {}) {
  return specFromTags(oauthTokenTags({ key, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance sysadmin_discovery", lifetimeHours: 24, ...over }), TOKEN_ARN) as KmsTokenSpec;
}
async function publish(keyArns: string[], bucket = new FakeBucket()) {
  bucket.install(s3Mock);
  const out = await handler({ PublishJwks: { bucket: BUCKET, objectKey: OBJECT, keyArns } });
  return { out, bucket, jwks: JSON.parse(bucket.objects.get(`${BUCKET}/${OBJECT}`)?.body ?? "null") as JSONWebKeySet };
}

describe("the test's KMS", () => {
  it("signs the digest it is given the way kms:Sign does (DER ECDSA that node:crypto verifies over the message)", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    for (let i = 0; i < 20; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = signDigest(privateKey, createHash("sha256").update(message).digest());
      expect(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, der)).toBe(true);
      expect(verify("sha256", Buffer.from("other"), { key: publicKey, dsaEncoding: "der" }, der)).toBe(false);
      expect(verify("sha256", message, { key: publicKey, dsaEncoding: "ieee-p1363" }, derToJose(der))).toBe(true);
    }
  });
});

describe("minting an agent token in oauth mode", () => {
  const ops = localKey();
  const perf = localKey();
  const fakeKmsWith = (...keys: LocalKey[]) => fakeKms(kmsMock, keys);
  beforeEach(() => fakeKmsWith(ops, perf));

  it("signs an ES256 JWT through kms:Sign over the SHA-256 digest, with every claim from the secret's tags and kid = the key id", async () => {
    const now = 1_780_000_000;
    const jwt = await mintKmsToken(opsSpec(ops), now);
    const [h, p] = jwt.split(".");
    expect(JSON.parse(Buffer.from(h, "base64url").toString())).toEqual({ alg: "ES256", typ: "JWT", kid: ops.kid });
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    expect(claims).toEqual({ iss: ISSUER, aud: OPS_AUD, sub: "ops", client_id: "ops", scp: ["performance", "sysadmin_discovery"], iat: now, nbf: now, exp: now + 24 * 3600, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const sign = kmsMock.commandCalls(SignCommand).map((c) => c.args[0].input);
    expect(sign).toEqual([{ KeyId: ops.arn, SigningAlgorithm: "ECDSA_SHA_256", MessageType: "DIGEST", Message: createHash("sha256").update(`${h}.${p}`).digest() }]);
    expect((await mintKmsToken(opsSpec(ops), now)).split(".")[1]).not.toBe(p); // jti differs per token
  });

  it("stores it as AWSPENDING at createSecret and passes testSecret against kms:GetPublicKey, read once per invocation", async () => {
    const secrets = new FakeSecrets((e) => handler(e as never));
    secrets.install(smMock);
    secrets.add(TOKEN_ARN, oauthTokenTags({ key: ops, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance", lifetimeHours: 12 }));
    const { VersionId } = await sm.send(new RotateSecretCommand({ SecretId: TOKEN_ARN }));
    await Promise.all(secrets.running);
    expect(secrets.failures).toEqual([]);
    expect(secrets.get(TOKEN_ARN).versions.get(VersionId!)?.stages).toContain("AWSCURRENT");
    // createSecret reads the key once (its kind), testSecret once: one GetPublicKey per invocation.
    expect(kmsMock.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
    const { jwks } = await publish([ops.arn]);
    const verified = await upstreamVerify(createLocalJWKSet(jwks), ISSUER, OPS_AUD)(secrets.current(TOKEN_ARN)!);
    expect(verified).toEqual({ clientId: "ops", scopes: ["performance"], subject: "ops" });
    // No line the function wrote holds the token (or any part of it).
    const token = secrets.current(TOKEN_ARN)!;
    expect(logs.filter((l) => token.split(".").some((part) => l.includes(part)))).toEqual([]);
  });

  describe("what the server accepts and refuses (jose's jwtVerify with issuer and audience, as upstream calls it)", () => {
    let jwks: JSONWebKeySet;
    beforeEach(async () => {
      jwks = (await publish([ops.arn, perf.arn])).jwks;
    });
    const verifyAt = (aud: string, iss = ISSUER) => upstreamVerify(createLocalJWKSet(jwks), iss, aud);
    const signed = (claims: Partial<TokenClaims> & Record<string, unknown>, key = ops) => signEs256(claims as TokenClaims, key.kid, async (input) => signDigest(key.privateKey, createHash("sha256").update(input).digest()));

    it("accepts the ops token at the ops tier", async () => {
      await expect(verifyAt(OPS_AUD)(await mintKmsToken(opsSpec(ops)))).resolves.toMatchObject({ clientId: "ops" });
    });

    it("refuses it at another tier (audience), even though that tier trusts the same key set", async () => {
      await expect(verifyAt(PERF_AUD)(await mintKmsToken(opsSpec(ops)))).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "aud" });
    });

    it("refuses a token from another issuer", async () => {
      await expect(verifyAt(OPS_AUD)(await mintKmsToken(opsSpec(ops, { issuer: "https://issuer.mcp-prod.internal.example" })))).rejects.toMatchObject({ claim: "iss" });
    });

    it("refuses a token without client_id or without scopes (the server's own checks after jwtVerify)", async () => {
      const now = Math.floor(Date.now() / 1000);
      const base = { iss: ISSUER, aud: OPS_AUD, sub: "ops", iat: now, nbf: now, exp: now + 600, jti: "j" };
      await expect(verifyAt(OPS_AUD)(await signed({ ...base, scp: ["performance"] }))).rejects.toThrow("Token must contain a 'client_id' claim.");
      await expect(verifyAt(OPS_AUD)(await signed({ ...base, client_id: "ops" }))).rejects.toThrow("Token must contain valid, non-empty scopes.");
      await expect(verifyAt(OPS_AUD)(await signed({ ...base, client_id: "ops", scp: [] }))).rejects.toThrow("Token must contain valid, non-empty scopes.");
      await expect(verifyAt(OPS_AUD)(await signed({ ...base, client_id: "ops", scp: ["performance"] }))).resolves.toMatchObject({ clientId: "ops" });
    });

    it("refuses a token signed with a key that is not in the set, and an expired one", async () => {
      const stranger = localKey();
      fakeKmsWith(ops, perf, stranger);
      await expect(verifyAt(OPS_AUD)(await mintKmsToken(opsSpec(stranger)))).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
      await expect(verifyAt(OPS_AUD)(await mintKmsToken(opsSpec(ops), Math.floor(Date.now() / 1000) - 25 * 3600))).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    });
  });

  describe("testSecret", () => {
    const testStep = async (token: string, key = ops) => {
      const secrets = new FakeSecrets(async () => undefined);
      secrets.install(smMock);
      secrets.add(TOKEN_ARN, oauthTokenTags({ key, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance sysadmin_discovery", lifetimeHours: 24 }));
      secrets.get(TOKEN_ARN).versions.set("v2", { value: token, stages: ["AWSPENDING"] });
      return { secrets, run: handler({ SecretId: TOKEN_ARN, ClientRequestToken: "v2", Step: "testSecret" }) };
    };

    it("passes the kit's own token", async () => {
      await expect((await testStep(await mintKmsToken(opsSpec(ops)))).run).resolves.toBeUndefined();
    });

    it.each([
      ["signed with another group's key", async () => mintKmsToken({ ...opsSpec(perf) }), `names key "${perf.kid}", not ${ops.kid}`],
      ["for another tier", async () => mintKmsToken(opsSpec(ops, { audience: PERF_AUD })), `has audience "${PERF_AUD}", not ${OPS_AUD}`],
      ["for another group", async () => mintKmsToken(opsSpec(ops, { clientId: "perf" })), "has client_id/sub other than ops"],
      ["with a longer lifetime than its tag", async () => mintKmsToken(opsSpec(ops, { lifetimeHours: 48 })), "has times the kit does not mint"],
      ["that has expired", async () => mintKmsToken(opsSpec(ops), Math.floor(Date.now() / 1000) - 24 * 3600), "has expired"],
    ])("refuses a pending token %s, clears the version and never shows the token", async (_, make, why) => {
      const token = await make();
      const { secrets, run } = await testStep(token);
      await expect(run).rejects.toThrow(`pending value of ${TOKEN_ARN} ${why}`);
      expect(secrets.get(TOKEN_ARN).versions.get("v2")?.stages).toEqual([]);
      expect(logs.some((l) => l.startsWith("MCP_ROTATION_STALE_PENDING_CLEARED "))).toBe(true);
      expect(logs.filter((l) => token.split(".").some((part) => l.includes(part)))).toEqual([]);
    });

    it("refuses a signature by a key other than the one its kid names (a forged header)", async () => {
      const forged = await mintKmsToken(opsSpec(perf));
      const [, p, s] = forged.split(".");
      const header = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", kid: ops.kid })).toString("base64url");
      await expect((await testStep(`${header}.${p}.${s}`)).run).rejects.toThrow(`has a signature that does not verify with key ${ops.kid}`);
    });
  });

  it("refuses tags that mix the two modes or lack the audience, the issuer or a key ARN, naming the tag", () => {
    const tags = oauthTokenTags({ key: ops, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance", lifetimeHours: 24 });
    const without = (k: string) => tags.filter((t) => !t.Key.endsWith(k));
    expect(() => specFromTags([...tags, { Key: SIGNING_SECRET_TAG, Value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s" }], "t")).toThrow(
      "t: carries both mcp-signing-secret (jwt mode) and mcp-signing-key (oauth mode); keep the one of its tier's MCP_AUTH_MODE",
    );
    expect(() => specFromTags(without("audience"), "t")).toThrow("t: mcp-token-audience is missing; it is the aud claim, the tier's OAUTH_AUDIENCE");
    expect(() => specFromTags(without("issuer"), "t")).toThrow("t: mcp-token-issuer is missing; it is the iss claim, the environment's OAUTH_ISSUER_URL");
    expect(() =>
      specFromTags(
        tags.map((t) => (t.Key === "mcp-signing-key" ? { ...t, Value: "alias/ops" } : t)),
        "t",
      ),
    ).toThrow("alias/ops is not a KMS key ARN");
    expect(() => specFromTags(without("signing-key"), "t")).toThrow("t: mcp-signing-secret must hold the ARN of the tier signing secret (jwt mode), or mcp-signing-key the ARN of its KMS key (oauth mode)");
  });

  it("refuses to mint with a key that is not ECC_NIST_P256/SIGN_VERIFY, naming it, before signing anything", async () => {
    const rsa = "arn:aws:kms:us-east-1:123456789012:key/0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";
    const spki = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "der", type: "spki" });
    fakeKms(kmsMock, [ops], { [rsa]: { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", spki } });
    await handler({ PublishJwks: { bucket: BUCKET, objectKey: OBJECT, keyArns: [ops.arn] } }).catch(() => undefined); // resets the per-invocation cache
    await expect(mintKmsToken({ ...opsSpec(ops), signingKey: rsa })).rejects.toThrow(`${rsa} is RSA_2048/SIGN_VERIFY, not ECC_NIST_P256/SIGN_VERIFY`);
    expect(kmsMock.commandCalls(SignCommand)).toHaveLength(0);
  });
});

describe("PublishJwks", () => {
  const [a, b] = [localKey(), localKey()];
  beforeEach(() => fakeKms(kmsMock, [a, b]));

  it("writes { keys } from kms:GetPublicKey, sorted by kid, as JSON with a 60 s Cache-Control and SSE-S3, and returns the kids", async () => {
    const { out, jwks } = await publish([b.arn, a.arn, b.arn]);
    const sorted = [a, b].sort((x, y) => (x.kid < y.kid ? -1 : 1));
    expect(jwks).toEqual({ keys: sorted.map((k) => jwkFromSpki(k.spki, k.kid)) });
    expect(jwks.keys[0]).toEqual({ kty: "EC", crv: "P-256", x: expect.any(String), y: expect.any(String), kid: sorted[0].kid, alg: "ES256", use: "sig" });
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => ({ ...c.args[0].input, Body: undefined }))).toEqual([
      { Bucket: BUCKET, Key: OBJECT, Body: undefined, ContentType: "application/json", CacheControl: "max-age=60", ServerSideEncryption: "AES256" },
    ]);
    expect(out).toEqual({ bucket: BUCKET, objectKey: OBJECT, kids: sorted.map((k) => k.kid), added: sorted.map((k) => k.kid), removed: [], waitedSeconds: 0 });
    // The published x/y are the key's: the public key jose would build from the JWK is the SPKI KMS returned.
    expect(
      createPublicKey({ key: { ...jwks.keys.find((k) => k.kid === a.kid)! } as JsonWebKey, format: "jwk" })
        .export({ format: "der", type: "spki" })
        .equals(a.spki),
    ).toBe(true);
  });

  it("is idempotent: the same set in any order is the same bytes, and an unchanged object is not rewritten", async () => {
    const bucket = new FakeBucket();
    await publish([a.arn, b.arn], bucket);
    const first = bucket.objects.get(`${BUCKET}/${OBJECT}`)!.body;
    bucket.objects.get(`${BUCKET}/${OBJECT}`)!.lastModified = new Date(Date.now() - 3600_000);
    const { out } = await publish([b.arn, a.arn], bucket);
    expect(bucket.objects.get(`${BUCKET}/${OBJECT}`)!.body).toBe(first);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(out).toMatchObject({ added: [], removed: [], waitedSeconds: 0 });
  });

  it("refuses keys that are not ECC_NIST_P256/SIGN_VERIFY or do not exist, naming each, and writes nothing", async () => {
    const rsa = "arn:aws:kms:us-east-1:123456789012:key/0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";
    const enc = "arn:aws:kms:us-east-1:123456789012:key/1c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";
    const gone = "arn:aws:kms:us-east-1:123456789012:key/2c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";
    const spki = (t: "rsa" | "ec") => (t === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" })).publicKey.export({ format: "der", type: "spki" });
    fakeKms(kmsMock, [a], { [rsa]: { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", spki: spki("rsa") }, [enc]: { KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT", spki: spki("ec") } });
    await expect(publish([a.arn, rsa, enc, gone])).rejects.toThrow(
      `JWKS s3://${BUCKET}/${OBJECT} not written: ${rsa} is RSA_2048/SIGN_VERIFY, not ECC_NIST_P256/SIGN_VERIFY: ES256 needs a P-256 signing key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY); ${enc} is ECC_NIST_P256/KEY_AGREEMENT, not ECC_NIST_P256/SIGN_VERIFY: ES256 needs a P-256 signing key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY); ${gone}: Key '${gone}' does not exist`,
    );
    await expect(publish(["alias/ops"])).rejects.toThrow("alias/ops: alias/ops is not a KMS key ARN");
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("propagates a read error that is not 'no such key' (AccessDenied is what S3 answers without s3:ListBucket)", async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
    await expect(handler({ PublishJwks: { bucket: BUCKET, objectKey: OBJECT, keyArns: [a.arn] } })).rejects.toThrow("Access Denied");
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  describe(`waits ${JWKS_PROPAGATION_SECONDS} s (jose's ${JOSE_COOLDOWN_SECONDS} s cooldown + the 60 s Cache-Control) when it adds a key tasks may not know yet`, () => {
    let slept: number[];
    beforeEach(() => {
      slept = [];
      waiting.sleep = async (ms) => void slept.push(ms);
      // The clock stands still (only Date is faked): the remaining wait is computed from the object's age, which on a
      // loaded machine would otherwise grow by a second between setting lastModified and the function reading it.
      jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout", "queueMicrotask", "hrtime", "performance"], now: new Date("2026-12-01T12:00:00Z") });
    });
    afterEach(() => jest.useRealTimers());

    it("not for the first set, nor for one that only drops a key", async () => {
      const bucket = new FakeBucket();
      await publish([a.arn, b.arn], bucket);
      bucket.objects.get(`${BUCKET}/${OBJECT}`)!.lastModified = new Date(Date.now() - 3600_000);
      const { out } = await publish([b.arn], bucket);
      expect(out).toMatchObject({ removed: [a.kid], added: [], waitedSeconds: 0 });
      expect(slept).toEqual([]);
    });

    it("the whole time after a write that adds a key, and the rest of it on a re-run (a first run that timed out)", async () => {
      const bucket = new FakeBucket();
      await publish([a.arn], bucket);
      bucket.objects.get(`${BUCKET}/${OBJECT}`)!.lastModified = new Date(Date.now() - 3600_000);
      const { out } = await publish([a.arn, b.arn], bucket);
      expect(out).toMatchObject({ added: [b.kid], waitedSeconds: JWKS_PROPAGATION_SECONDS });
      expect(slept).toEqual([JWKS_PROPAGATION_SECONDS * 1000]);
      bucket.objects.get(`${BUCKET}/${OBJECT}`)!.lastModified = new Date(Date.now() - 100_000);
      const again = await publish([a.arn, b.arn], bucket);
      expect(again.out).toMatchObject({ added: [], waitedSeconds: JWKS_PROPAGATION_SECONDS - 100 });
      expect(logs.filter((l) => l.includes("jwks-waiting-for-tasks-to-accept-new-keys"))).toHaveLength(2);
    });
  });
});

describe("Remint", () => {
  const key = localKey();
  let secrets: FakeSecrets;
  beforeEach(() => {
    fakeKms(kmsMock, [key]);
    secrets = new FakeSecrets((e) => handler(e as never));
    secrets.install(smMock);
    secrets.add(TOKEN_ARN, oauthTokenTags({ key, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance", lifetimeHours: 24 }));
    waiting.sleep = () => new Promise((r) => setImmediate(r));
  });

  it("starts a rotation and returns once its version is current, the token signed with the key the tags name", async () => {
    const out = await handler({ Remint: TOKEN_ARN });
    expect(secrets.get(TOKEN_ARN).versions.get(out.versionId)?.stages).toContain("AWSCURRENT");
    expect(out).toEqual({ secretId: TOKEN_ARN, versionId: expect.any(String) });
    const kid = JSON.parse(Buffer.from(secrets.current(TOKEN_ARN)!.split(".")[0], "base64url").toString()).kid;
    expect(kid).toBe(key.kid);
  });

  it("waits out a rotation already under way instead of being refused by RotateSecret", async () => {
    secrets.get(TOKEN_ARN).versions.set("old", { value: "x", stages: ["AWSCURRENT"] });
    secrets.get(TOKEN_ARN).versions.set("running", { stages: ["AWSPENDING"] });
    let polls = 0;
    waiting.sleep = async () => {
      // The running rotation ends (here: is cleared) after two polls; RotateSecret would have refused a new one until then.
      if (++polls === 2) secrets.get(TOKEN_ARN).versions.get("running")!.stages = [];
      await new Promise((r) => setImmediate(r));
    };
    const out = await handler({ Remint: TOKEN_ARN });
    expect(logs.filter((l) => l.includes('"remint-waiting-for-running-rotation"'))).toHaveLength(1);
    expect(smMock.commandCalls(RotateSecretCommand)).toHaveLength(1);
    expect(secrets.get(TOKEN_ARN).versions.get(out.versionId)?.stages).toContain("AWSCURRENT");
  });

  it(`fails after ${REMINT_WAIT_SECONDS} s with what to do when the version does not become current`, async () => {
    // A rotation whose steps never run (the function throttled, or failing before it logs).
    smMock.on(RotateSecretCommand).callsFake(async () => {
      secrets.get(TOKEN_ARN).versions.set("v-stuck", { stages: ["AWSPENDING"] });
      return { ARN: TOKEN_ARN, VersionId: "v-stuck" };
    });
    await expect(handler({ Remint: TOKEN_ARN })).rejects.toThrow(
      `${TOKEN_ARN}: the new version v-stuck is not current after ${REMINT_WAIT_SECONDS} s; see the rotate-secret log group (rotation-error alarm) for the step that failed, fix it, then run again: aws lambda invoke --function-name mcp-<env>-rotate-secret --payload '{"Remint":"${TOKEN_ARN}"}' (docs/secrets.md)`,
    );
  });

  it("fails at once when the new version was cleared as unfit, and refuses a secret without rotation", async () => {
    // createSecret stores a token for another tier (say, tags changed mid-rotation); testSecret clears the version.
    const unfit = await mintKmsToken(opsSpec(key, { audience: PERF_AUD }));
    secrets = new FakeSecrets(async (e) => {
      if (e.Step !== "createSecret") return handler(e as never);
      await sm.send(new PutSecretValueCommand({ SecretId: e.SecretId, ClientRequestToken: e.ClientRequestToken, SecretString: unfit, VersionStages: ["AWSPENDING"] }));
    });
    secrets.install(smMock);
    secrets.add(TOKEN_ARN, oauthTokenTags({ key, audience: OPS_AUD, issuer: ISSUER, clientId: "ops", scopes: "performance", lifetimeHours: 24 }));
    let polls = 0;
    waiting.sleep = async () => void (++polls, await new Promise((r) => setImmediate(r)));
    await expect(handler({ Remint: TOKEN_ARN })).rejects.toThrow(/^arn:\S+: the new version [0-9a-f-]{36} failed its test and was cleared; see the rotate-secret log group/);
    expect(polls).toBeLessThan(REMINT_WAIT_SECONDS / 3);
    secrets.get(TOKEN_ARN).rotationEnabled = false;
    await expect(handler({ Remint: TOKEN_ARN })).rejects.toThrow(`${TOKEN_ARN}: rotation is not enabled, so it cannot be re-minted`);
  });
});

describe(`revocation: a key dropped from the JWKS is refused once jose's cache is older than cacheMaxAge (jose 6.2.2 default 600000 ms; upstream sets no cacheMaxAge)`, () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout", "queueMicrotask", "hrtime", "performance"], now: new Date("2026-12-01T12:00:00Z") }));
  afterEach(() => jest.useRealTimers());

  it(`accepts the revoked group's token until ${JOSE_CACHE_MAX_AGE_SECONDS} s after the task last read the set, then refuses it; the other group is unaffected`, async () => {
    const [ops, perf] = [localKey(), localKey()];
    fakeKms(kmsMock, [ops, perf]);
    const bucket = new FakeBucket();
    await publish([ops.arn, perf.arn], bucket);
    const served = await bucket.serve(BUCKET, OBJECT);
    try {
      const serverAt = upstreamVerify(upstreamKeySet(served.url), ISSUER, OPS_AUD);
      const opsToken = await mintKmsToken(opsSpec(ops));
      const perfAtOps = await mintKmsToken(opsSpec(perf, { clientId: "perf" })); // a second group of the same tier
      const start = Date.now();
      await expect(serverAt(opsToken)).resolves.toMatchObject({ clientId: "ops" }); // the task reads the set now
      jest.setSystemTime(start + 60_000);
      await publish([perf.arn], bucket); // ops revoked
      jest.setSystemTime(start + (JOSE_CACHE_MAX_AGE_SECONDS - 1) * 1000);
      await expect(serverAt(opsToken)).resolves.toMatchObject({ clientId: "ops" });
      jest.setSystemTime(start + JOSE_CACHE_MAX_AGE_SECONDS * 1000);
      await expect(serverAt(opsToken)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
      await expect(serverAt(perfAtOps)).resolves.toMatchObject({ clientId: "perf" });
      expect(served.fetches()).toBe(2);
    } finally {
      await served.close();
    }
  });
});
