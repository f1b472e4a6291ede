/**
 * In-memory stand-ins for what the rotation function talks to in oauth mode (KMS, S3, Secrets Manager), wired into
 * aws-sdk-client-mock, plus the verifier exactly as the IBM i MCP server configures it. Test support only.
 */
import { createECDH, generateKeyPairSync, KeyObject, randomUUID } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { AwsClientStub } from "aws-sdk-client-mock";
import { createRemoteJWKSet, jwtVerify, JWTVerifyGetKey } from "jose";
import { AUDIENCE_TAG, CLIENT_ID_TAG, ISSUER_TAG, KIND_TAG, LIFETIME_TAG, SCOPES_TAG, SIGNING_KEY_TAG } from "../../functions/rotate-secret/contract";

/** Order of the P-256 group (SEC 2, secp256r1 n). */
const N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const big = (b: Buffer) => BigInt(`0x${b.toString("hex") || "0"}`);
const modPow = (b: bigint, e: bigint, m: bigint): bigint => {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};
/** A DER INTEGER: minimal big-endian, with a zero byte in front when the high bit is set (it is signed). */
function derInt(v: bigint): Buffer {
  const hex = v.toString(16);
  let b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

/**
 * ECDSA P-256 over a given SHA-256 digest, DER-encoded: what kms:Sign does with MessageType DIGEST. node:crypto's sign
 * hashes its input itself, so the signature is computed here (k·G through ECDH, then s = k⁻¹(z + r·d) mod n); the test
 * then verifies it with node:crypto and jose, so a wrong formula cannot pass.
 */
export function signDigest(privateKey: KeyObject, digest: Uint8Array): Buffer {
  const d = big(Buffer.from(privateKey.export({ format: "jwk" }).d as string, "base64url"));
  const z = big(Buffer.from(digest));
  for (;;) {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const k = big(ecdh.getPrivateKey());
    const r = big(ecdh.getPublicKey().subarray(1, 33)) % N;
    const s = (modPow(k, N - 2n, N) * ((z + r * d) % N)) % N;
    if (r === 0n || s === 0n) continue;
    const body = Buffer.concat([derInt(r), derInt(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

export interface LocalKey {
  readonly arn: string;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}

/** A local P-256 key standing in for one KMS key (fake account 123456789012). */
export function localKey(): LocalKey {
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { arn: `arn:aws:kms:us-east-1:123456789012:key/${kid}`, kid, privateKey, spki: publicKey.export({ format: "der", type: "spki" }) };
}

/** KMS with the given keys: GetPublicKey answers their SPKI, Sign signs the DIGEST it is given. Others: NotFoundException. */
export function fakeKms(mock: AwsClientStub<KMSClient>, keys: readonly LocalKey[], extra: Record<string, { KeySpec: string; KeyUsage: string; spki: Buffer }> = {}): void {
  const find = (id?: string) => keys.find((k) => k.arn === id);
  const missing = (id?: string) => Object.assign(new Error(`Key '${id}' does not exist`), { name: "NotFoundException" });
  mock.on(GetPublicKeyCommand).callsFake(async (input: { KeyId?: string }) => {
    const k = find(input.KeyId);
    if (k) return { KeyId: k.arn, PublicKey: new Uint8Array(k.spki), KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY", SigningAlgorithms: ["ECDSA_SHA_256"] };
    const e = input.KeyId ? extra[input.KeyId] : undefined;
    if (e) return { KeyId: input.KeyId, PublicKey: new Uint8Array(e.spki), KeySpec: e.KeySpec, KeyUsage: e.KeyUsage };
    throw missing(input.KeyId);
  });
  mock.on(SignCommand).callsFake(async (input: { KeyId?: string; Message?: Uint8Array; MessageType?: string; SigningAlgorithm?: string }) => {
    const k = find(input.KeyId);
    if (!k) throw missing(input.KeyId);
    if (input.MessageType !== "DIGEST" || input.SigningAlgorithm !== "ECDSA_SHA_256" || input.Message?.length !== 32) throw Object.assign(new Error("test KMS signs SHA-256 digests only"), { name: "ValidationException" });
    return { KeyId: k.arn, Signature: new Uint8Array(signDigest(k.privateKey, input.Message)), SigningAlgorithm: "ECDSA_SHA_256" };
  });
}

/** A bucket in memory, with each object's write time from Date.now() (jest's clock when it is faked). */
export class FakeBucket {
  readonly objects = new Map<string, { body: string; contentType?: string; cacheControl?: string; lastModified: Date }>();
  install(mock: AwsClientStub<S3Client>): void {
    mock.on(GetObjectCommand).callsFake(async (input: { Bucket?: string; Key?: string }) => {
      const o = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!o) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
      return { Body: { transformToString: async () => o.body }, LastModified: o.lastModified, ContentType: o.contentType };
    });
    mock.on(PutObjectCommand).callsFake(async (input: { Bucket?: string; Key?: string; Body?: unknown; ContentType?: string; CacheControl?: string }) => {
      this.objects.set(`${input.Bucket}/${input.Key}`, { body: String(input.Body), contentType: input.ContentType, cacheControl: input.CacheControl, lastModified: new Date() });
      return { ETag: '"test"' };
    });
  }
  /** Serves `bucket/key` over loopback HTTP the way S3 would answer jose's GET: the body and its Content-Type, or 404. */
  async serve(bucket: string, key: string): Promise<{ url: URL; fetches: () => number; close: () => Promise<void> }> {
    let fetches = 0;
    const server = http.createServer((req, res) => {
      fetches++;
      const o = this.objects.get(`${bucket}/${key}`);
      if (!o || req.url !== `/${key}`) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": o.contentType ?? "binary/octet-stream", "cache-control": o.cacheControl ?? "" }).end(o.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return { url: new URL(`http://127.0.0.1:${port}/${key}`), fetches: () => fetches, close: () => new Promise((r) => server.close(() => r())) };
  }
}

type Version = { value?: string; stages: string[] };
type Secret = { tags: { Key: string; Value: string }[]; rotationEnabled: boolean; versions: Map<string, Version> };

/**
 * Secrets Manager in memory, following the rotation protocol: RotateSecret adds a version labelled AWSPENDING, answers
 * with its id and then (not awaited, as Secrets Manager does) runs the four steps through `rotate`; moving AWSCURRENT
 * labels the old version AWSPREVIOUS. A step that throws ends that rotation (Secrets Manager's retries are not modelled).
 */
export class FakeSecrets {
  readonly secrets = new Map<string, Secret>();
  /** Errors of rotations run by RotateSecret, and the promises of those still running. */
  readonly failures: Error[] = [];
  readonly running: Promise<void>[] = [];
  constructor(private readonly rotate: (event: { SecretId: string; ClientRequestToken: string; Step: string }) => Promise<unknown>) {}

  add(arn: string, tags: { Key: string; Value: string }[]): void {
    this.secrets.set(arn, { tags, rotationEnabled: true, versions: new Map() });
  }
  get(arn: string): Secret {
    const s = this.secrets.get(arn);
    if (!s) throw new ResourceNotFoundException({ message: `no secret ${arn}`, $metadata: {} });
    return s;
  }
  setTag(arn: string, key: string, value: string): void {
    const s = this.get(arn);
    s.tags = [...s.tags.filter((t) => t.Key !== key), { Key: key, Value: value }];
  }
  current(arn: string): string | undefined {
    return [...this.get(arn).versions.values()].find((v) => v.stages.includes("AWSCURRENT"))?.value;
  }
  private holder(s: Secret, stage: string) {
    return [...s.versions.entries()].find(([, v]) => v.stages.includes(stage))?.[0];
  }
  install(mock: AwsClientStub<SecretsManagerClient>): void {
    mock.on(DescribeSecretCommand).callsFake(async (input: { SecretId?: string }) => {
      const s = this.get(input.SecretId!);
      return { ARN: input.SecretId, RotationEnabled: s.rotationEnabled, Tags: s.tags.map((t) => ({ ...t })), VersionIdsToStages: Object.fromEntries([...s.versions].map(([id, v]) => [id, [...v.stages]])) };
    });
    mock.on(GetSecretValueCommand).callsFake(async (input: { SecretId?: string; VersionId?: string; VersionStage?: string }) => {
      const s = this.get(input.SecretId!);
      const id = input.VersionId ?? this.holder(s, input.VersionStage ?? "AWSCURRENT");
      const v = id ? s.versions.get(id) : undefined;
      if (!v || v.value === undefined || (input.VersionStage && !v.stages.includes(input.VersionStage))) throw new ResourceNotFoundException({ message: "no such version", $metadata: {} });
      return { ARN: input.SecretId, VersionId: id, SecretString: v.value, VersionStages: [...v.stages] };
    });
    mock.on(PutSecretValueCommand).callsFake(async (input: { SecretId?: string; ClientRequestToken?: string; SecretString?: string; VersionStages?: string[] }) => {
      const s = this.get(input.SecretId!);
      const v = s.versions.get(input.ClientRequestToken!) ?? { stages: [] };
      if (v.value !== undefined) throw new ResourceExistsException({ message: "version exists", $metadata: {} });
      s.versions.set(input.ClientRequestToken!, { value: input.SecretString, stages: [...new Set([...v.stages, ...(input.VersionStages ?? [])])] });
      return { ARN: input.SecretId, VersionId: input.ClientRequestToken };
    });
    mock.on(UpdateSecretVersionStageCommand).callsFake(async (input: { SecretId?: string; VersionStage?: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      const s = this.get(input.SecretId!);
      const stage = input.VersionStage!;
      if (input.RemoveFromVersionId) {
        const from = s.versions.get(input.RemoveFromVersionId)!;
        from.stages = from.stages.filter((x) => x !== stage);
        if (stage === "AWSCURRENT" && input.MoveToVersionId) {
          for (const v of s.versions.values()) v.stages = v.stages.filter((x) => x !== "AWSPREVIOUS");
          from.stages.push("AWSPREVIOUS");
        }
      }
      if (input.MoveToVersionId) s.versions.get(input.MoveToVersionId)!.stages.push(stage);
      return { ARN: input.SecretId };
    });
    mock.on(RotateSecretCommand).callsFake(async (input: { SecretId?: string }) => {
      const arn = input.SecretId!;
      const s = this.get(arn);
      const pending = this.holder(s, "AWSPENDING");
      if (pending && pending !== this.holder(s, "AWSCURRENT")) throw new InvalidRequestException({ message: "A previous rotation isn't complete. That rotation will be reattempted.", $metadata: {} });
      if (pending) s.versions.get(pending)!.stages = s.versions.get(pending)!.stages.filter((x) => x !== "AWSPENDING");
      const id = randomUUID();
      s.versions.set(id, { stages: ["AWSPENDING"] });
      const run = (async () => {
        await new Promise((r) => setImmediate(r));
        for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) await this.rotate({ SecretId: arn, ClientRequestToken: id, Step });
      })().catch((e: Error) => {
        this.failures.push(e);
      });
      this.running.push(run);
      return { ARN: arn, VersionId: id };
    });
  }
}

/** The tags of an agent token secret in oauth mode (what h2's constructs put on it). */
export function oauthTokenTags(o: { key: LocalKey; audience: string; issuer: string; clientId: string; scopes: string; lifetimeHours: number }) {
  return [
    { Key: KIND_TAG, Value: "agent-jwt" },
    { Key: SIGNING_KEY_TAG, Value: o.key.arn },
    { Key: AUDIENCE_TAG, Value: o.audience },
    { Key: ISSUER_TAG, Value: o.issuer },
    { Key: CLIENT_ID_TAG, Value: o.clientId },
    { Key: SCOPES_TAG, Value: o.scopes },
    { Key: LIFETIME_TAG, Value: String(o.lifetimeHours) },
  ];
}

/**
 * The IBM i MCP server's check of a bearer token in oauth mode, line for line: IBM/ibmi-mcp-server v0.5.1,
 * packages/server/src/mcp-server/transports/auth/strategies/oauthStrategy.ts:45-48 (the key set) and :77-122 (jwtVerify
 * with issuer and audience, then a string-array `scp` or space-separated `scope`, non-empty, and a string `client_id`).
 * Pass `createRemoteJWKSet` (upstream's) or a local set where the cache is not what is tested.
 */
export function upstreamVerify(keys: JWTVerifyGetKey, issuer: string, audience: string) {
  return async (token: string): Promise<{ clientId: string; scopes: string[]; subject?: string }> => {
    const { payload } = await jwtVerify(token, keys, { issuer, audience });
    let scopes: string[] = [];
    if (Array.isArray(payload.scp) && (payload.scp as unknown[]).every((s) => typeof s === "string")) scopes = payload.scp as string[];
    else if (typeof payload.scope === "string" && payload.scope.trim()) scopes = payload.scope.split(" ").filter(Boolean);
    if (scopes.length === 0) throw new Error("Token must contain valid, non-empty scopes.");
    const clientId = typeof payload.client_id === "string" ? payload.client_id : undefined;
    if (!clientId) throw new Error("Token must contain a 'client_id' claim.");
    return { clientId, scopes, subject: typeof payload.sub === "string" ? payload.sub : undefined };
  };
}

/** upstream's key set: oauthStrategy.ts:45-48. jose's cacheMaxAge stays at its default, 600000 ms (jose 6.2.2). */
export const upstreamKeySet = (url: URL) => createRemoteJWKSet(url, { cooldownDuration: 300000, timeoutDuration: 5000 });
