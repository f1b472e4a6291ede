/**
 * Secrets Manager rotation function for the secrets the kit generates (signing secrets, agent tokens, gateway
 * secrets, RSA key pairs). Values are made inside AWS (GetRandomPassword, or node:crypto for key pairs), so they
 * never pass through Terraform, its plan or its state.
 *
 * The four steps follow the rotation protocol
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html):
 * createSecret puts a new AWSPENDING version, setSecret has nothing to push (no external system holds these values:
 * the services read them when their tasks start), testSecret checks the pending value's shape, finishSecret moves
 * AWSCURRENT to it. The first rotation runs on a secret that has no version yet; finishSecret then moves AWSCURRENT
 * without a RemoveFromVersionId (see getmoto/moto#9474 for the same behaviour emulated).
 *
 * What to generate comes from the secret's tags: `mcp-secret-kind` (token | password | rsa-key-pair | agent-jwt) and
 * `mcp-secret-length` (characters, for token and password). An agent-jwt secret also names its tier signing secret,
 * client id, scopes and lifetime (contract.ts); its value is an HS256 JWT signed with that secret's AWSCURRENT value.
 *
 * Ordering: a tier's tasks read their signing secret only when they start. So when a signing secret's finishSecret
 * moves AWSCURRENT, the function starts a rotation of every agent token signed with it (they re-mint with the new key)
 * and forces a new deployment of the tier's ECS service (its tasks restart with the new key): docs/secrets.md. The
 * gateway's rotating secrets (JWT secret, admin password) name the gateway service the same way (`mcp-restart-service`).
 * On the first apply RotateSecret returns before a signer's first rotation ends: Terraform invokes the function with
 * `{ WaitForCurrent: <signer ARN> }`, which returns once it has an AWSCURRENT version (at most SIGNER_WAIT_SECONDS),
 * and starts the tier's token rotations after it. A token's createSecret polls for the signer's value the same way as
 * a backstop, and the signer's first finishSecret re-mints nothing (a second RotateSecret would be refused).
 *
 * A secret tagged `mcp-secret-rotation=never` (the gateway's AUTH_ENCRYPTION_SECRET) is not rotated: Terraform invokes
 * the function once on apply with `{ GenerateOnce: <secret ARN> }` (aws_lambda_invocation), which puts a first
 * AWSCURRENT value when the secret has none and otherwise changes nothing. Rotation steps for it are refused.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { AGENT_TOKEN_TAG_PREFIX, CLIENT_ID_TAG, GeneratedKind, KIND_TAG, LENGTH_TAG, LIFETIME_TAG, NEVER_ROTATED, RESTART_SERVICE_TAG, ROTATION_TAG, SCOPES_TAG, SIGNER_WAIT_SECONDS, SIGNING_SECRET_TAG } from "./contract";
import { jwtProblem, signHs256 } from "./jwt";

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
}

/** Terraform's one invocation on apply for a never-rotated secret (constructs/secrets.ts). */
export interface GenerateOnceEvent {
  /** ARN of the secret. */
  readonly GenerateOnce: string;
}

/**
 * Terraform's one invocation on apply after a tier signing secret's first rotation has started (constructs/
 * tier-signing-secrets.ts): returns once the secret has an AWSCURRENT version, at most SIGNER_WAIT_SECONDS, so its
 * agent tokens' first rotations (and the tier's service) start after it, one wait per tier rather than one per token.
 */
export interface WaitForCurrentEvent {
  /** ARN of the secret. */
  readonly WaitForCurrent: string;
}

/** What the WaitForCurrent invocation returns (never a value). */
export interface WaitForCurrentResult {
  readonly secretId: string;
  readonly current: true;
}

/** What the GenerateOnce invocation returns (Terraform keeps it in state: never a value). */
export interface GenerateOnceResult {
  readonly secretId: string;
  /** false when the secret already had a current value, which is then left as it is. */
  readonly generated: boolean;
}


/** Characters left out of passwords: quotes, backslash and URL/shell delimiters break env files and connection strings. */
export const PASSWORD_EXCLUDED = "\"'`\\/@:;$&|<>%{}[]()#!?=,^~";
const MIN_LENGTH = 32;

const client = new SecretsManagerClient({});
const ecs = new ECSClient({});

/** What to generate. */
export type Spec =
  | { readonly kind: Exclude<GeneratedKind, "agent-jwt">; readonly length: number }
  | {
      readonly kind: "agent-jwt";
      /** ARN of the tier signing secret. */
      readonly signingSecret: string;
      readonly clientId: string;
      readonly scopes: readonly string[];
      readonly lifetimeHours: number;
    };

/** What else must happen when a secret's new version becomes current: the tokens it signs and the service holding it. */
export interface Dependents {
  /** Names of the agent token secrets signed with this secret. */
  readonly agentTokens: readonly string[];
  /** ARN of the ECS service whose tasks read this secret at start (tag `mcp-restart-service`). */
  readonly service?: string;
}

/** Longest token lifetime accepted: the longest rotation interval (90 days) plus a week. */
const MAX_LIFETIME_HOURS = 97 * 24;

export async function handler(event: RotationEvent): Promise<void>;
export async function handler(event: GenerateOnceEvent): Promise<GenerateOnceResult>;
export async function handler(event: WaitForCurrentEvent): Promise<WaitForCurrentResult>;
export async function handler(event: RotationEvent | GenerateOnceEvent | WaitForCurrentEvent): Promise<void | GenerateOnceResult | WaitForCurrentResult> {
  if ("GenerateOnce" in event) return generateOnce(event.GenerateOnce);
  if ("WaitForCurrent" in event) return waitForCurrent(event.WaitForCurrent);
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  // Before anything else: rotating it would make what the gateway encrypted with it unreadable.
  if (neverRotated(meta.Tags ?? [])) throw new Error(`${secretId} is tagged ${ROTATION_TAG}=${NEVER_ROTATED}: it is generated once and never rotated (docs/secrets.md)`);
  if (!meta.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
  const stages = meta.VersionIdsToStages ?? {};
  if (!stages[token]) throw new Error(`version ${token} is not a version of ${secretId}`);
  if (stages[token].includes("AWSCURRENT")) {
    log("already-current", secretId, step);
    return;
  }
  if (!stages[token].includes("AWSPENDING")) throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);
  const spec = specFromTags(meta.Tags ?? [], secretId);

  switch (step) {
    case "createSecret":
      return createSecret(secretId, token, spec);
    case "setSecret":
      // Nothing outside Secrets Manager holds these values; consumers pick the new one up when their tasks restart.
      log("set-nothing-to-do", secretId, step);
      return;
    case "testSecret":
      return testSecret(secretId, token, spec);
    case "finishSecret":
      await finishSecret(secretId, token, stages);
      return afterFinish(secretId, dependentsFromTags(meta.Tags ?? []), !Object.values(stages).some((s) => s.includes("AWSCURRENT")));
    default:
      throw new Error(`unknown rotation step ${String(step)}`);
  }
}

type Tags = readonly { Key?: string; Value?: string }[];

const neverRotated = (tags: Tags) => tags.some((t) => t.Key === ROTATION_TAG && t.Value === NEVER_ROTATED);

/**
 * The first and only value of a never-rotated secret: generated and stored as AWSCURRENT when the secret has no current
 * version; a secret that has one is left alone (a re-run apply, or a value an operator put on purpose).
 */
async function generateOnce(secretId: string): Promise<GenerateOnceResult> {
  const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!neverRotated(meta.Tags ?? [])) throw new Error(`${secretId} is not tagged ${ROTATION_TAG}=${NEVER_ROTATED}; rotating secrets get their values through rotation`);
  if (meta.RotationEnabled) throw new Error(`${secretId} is tagged ${ROTATION_TAG}=${NEVER_ROTATED} but has rotation enabled; cancel it (aws secretsmanager cancel-rotate-secret)`);
  if (Object.values(meta.VersionIdsToStages ?? {}).some((s) => s.includes("AWSCURRENT"))) {
    log("already-set", secretId, "generateOnce");
    return { secretId, generated: false };
  }
  const spec = specFromTags(meta.Tags ?? [], secretId);
  if (spec.kind === "agent-jwt") throw new Error(`${secretId}: an agent JWT expires and cannot be generated once`);
  const version = randomUUID();
  const value = await generate(spec, version);
  const problem = checkValue(spec, value);
  if (problem) throw new Error(`generated value of ${secretId} ${problem}`);
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: version, SecretString: value, VersionStages: ["AWSCURRENT"] }));
  log("generated-once", secretId, "generateOnce");
  return { secretId, generated: true };
}

export function specFromTags(tags: Tags, secretId: string): Spec {
  const tag = (k: string) => tags.find((t) => t.Key === k)?.Value;
  const kind = tag(KIND_TAG);
  if (kind === "agent-jwt") {
    const signingSecret = tag(SIGNING_SECRET_TAG);
    const clientId = tag(CLIENT_ID_TAG);
    const scopes = (tag(SCOPES_TAG) ?? "").split(" ").filter(Boolean);
    const lifetimeHours = Number(tag(LIFETIME_TAG));
    if (!signingSecret?.startsWith("arn:")) throw new Error(`${secretId}: ${SIGNING_SECRET_TAG} must hold the ARN of the tier signing secret`);
    if (!clientId) throw new Error(`${secretId}: ${CLIENT_ID_TAG} is missing`);
    if (!scopes.length) throw new Error(`${secretId}: ${SCOPES_TAG} is empty; the server refuses tokens without scopes`);
    if (!Number.isInteger(lifetimeHours) || lifetimeHours < 1 || lifetimeHours > MAX_LIFETIME_HOURS) throw new Error(`${secretId}: ${LIFETIME_TAG} must be 1 to ${MAX_LIFETIME_HOURS}`);
    return { kind, signingSecret, clientId, scopes, lifetimeHours };
  }
  if (kind !== "token" && kind !== "password" && kind !== "rsa-key-pair") throw new Error(`${secretId} has no valid ${KIND_TAG} tag (got ${JSON.stringify(kind)}); this function rotates only secrets the kit generates`);
  const length = kind === "rsa-key-pair" ? 2048 : Number(tag(LENGTH_TAG) ?? 64);
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > 4096) throw new Error(`${secretId}: ${LENGTH_TAG} must be ${MIN_LENGTH} to 4096`);
  return { kind, length };
}

async function createSecret(secretId: string, token: string, spec: Spec): Promise<void> {
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" }));
    log("pending-exists", secretId, "createSecret");
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  const value = await generate(spec, token, secretId);
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] }));
  log("created", secretId, "createSecret");
}

/** The agent token secrets and the ECS service a secret's tags name. */
export function dependentsFromTags(tags: Tags): Dependents {
  return {
    agentTokens: tags.filter((t) => t.Key?.startsWith(AGENT_TOKEN_TAG_PREFIX) && t.Value).map((t) => t.Value as string).sort(),
    service: tags.find((t) => t.Key === RESTART_SERVICE_TAG)?.Value,
  };
}

/**
 * How long, and how often, the function polls for what it reads: bounded by SIGNER_WAIT_SECONDS, well inside the
 * function's timeout. `sleep` is replaceable so tests run without waiting.
 */
export const waiting = {
  totalMs: SIGNER_WAIT_SECONDS * 1000,
  stepMs: 3000,
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Polls `look` every `waiting.stepMs` until it returns a value, at most `waiting.totalMs`; then throws `timeout(seconds
 * waited)`. Logs `event` once when it has to wait.
 */
async function poll<T>(look: () => Promise<T | undefined>, secretId: string, event: string, step: string, timeout: (seconds: number) => string): Promise<T> {
  for (let waited = 0; ; waited += waiting.stepMs) {
    const found = await look();
    if (found !== undefined) return found;
    if (waited + waiting.stepMs > waiting.totalMs) throw new Error(timeout(Math.round(waited / 1000)));
    if (waited === 0) log(event, secretId, step);
    await waiting.sleep(waiting.stepMs);
  }
}

/**
 * The current value of the tier signing secret; the token must carry the key the tier's tasks verify with. On the
 * first apply the signer's own first rotation may still be running (RotateSecret is asynchronous): poll until it has
 * a value, at most `waiting.totalMs`, then fail, so the rotation-error alarm fires and the log says what to do.
 */
async function signingKey(arn: string, token: string): Promise<string> {
  return poll(
    async () => {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
        return out.SecretString || undefined;
      } catch (e) {
        // No AWSCURRENT version yet: GetSecretValue answers ResourceNotFoundException.
        if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
        return undefined;
      }
    },
    arn,
    "waiting-for-signing-secret",
    "createSecret",
    (s) => `signing secret ${arn} has no current value after waiting ${s} s: its first rotation has not finished (see the rotate-secret log group). Once it has a value, run aws secretsmanager rotate-secret --secret-id ${token}`,
  );
}

/** Returns once `secretId` has an AWSCURRENT version (read from its metadata: no value is read), at most `waiting.totalMs`. */
async function waitForCurrent(secretId: string): Promise<WaitForCurrentResult> {
  await poll(
    async () => {
      const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return Object.values(meta.VersionIdsToStages ?? {}).some((st) => st.includes("AWSCURRENT")) ? true : undefined;
    },
    secretId,
    "waiting-for-first-value",
    "waitForCurrent",
    (s) => `${secretId} has no current value after waiting ${s} s: its first rotation has not finished (see the rotate-secret log group and the rotation-error alarm). Once it has a value, run the apply again`,
  );
  log("current", secretId, "waitForCurrent");
  return { secretId, current: true };
}

/** An HS256 JWT for one agent group: `cid`/`sub` = the group, `scp` = its tier's toolsets, `exp` = now + lifetime. */
export function mintAgentToken(spec: Extract<Spec, { kind: "agent-jwt" }>, key: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return signHs256({ cid: spec.clientId, sub: spec.clientId, scp: spec.scopes, iat: nowSeconds, exp: nowSeconds + spec.lifetimeHours * 3600 }, key);
}

/** A new value for `spec`; `secretId` (the secret being rotated) names it in a signer-wait error. */
export async function generate(spec: Spec, token: string, secretId = "<the agent token secret>"): Promise<string> {
  if (spec.kind === "agent-jwt") return mintAgentToken(spec, await signingKey(spec.signingSecret, secretId));
  if (spec.kind === "rsa-key-pair") {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: spec.length,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return JSON.stringify({ keyId: `mcp-${token.slice(0, 8).toLowerCase()}`, privateKey, publicKey });
  }
  const out = await client.send(
    new GetRandomPasswordCommand({
      PasswordLength: spec.length,
      ExcludePunctuation: spec.kind === "token",
      ExcludeCharacters: spec.kind === "password" ? PASSWORD_EXCLUDED : undefined,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    }),
  );
  if (!out.RandomPassword) throw new Error("GetRandomPassword returned no value");
  return out.RandomPassword;
}

async function testSecret(secretId: string, token: string, spec: Spec): Promise<void> {
  const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" }));
  const problem =
    spec.kind === "agent-jwt"
      ? pending.SecretString === undefined
        ? "is missing"
        : jwtProblem(pending.SecretString, await signingKey(spec.signingSecret, secretId), Math.floor(Date.now() / 1000))
      : checkValue(spec, pending.SecretString);
  if (problem) throw new Error(`pending value of ${secretId} ${problem}`);
  log("tested", secretId, "testSecret");
}

/** Why a generated value is unfit, or undefined when it is fit. Never includes the value. */
export function checkValue(spec: Extract<Spec, { length: number }>, value: string | undefined): string | undefined {
  if (value === undefined) return "is missing";
  if (spec.kind === "token") return /^[A-Za-z0-9]+$/.test(value) && value.length === spec.length ? undefined : `is not ${spec.length} letters and digits`;
  if (spec.kind === "password") {
    if (value.length !== spec.length) return `is not ${spec.length} characters long`;
    return [...value].some((c) => PASSWORD_EXCLUDED.includes(c) || c === " ") ? "contains an excluded character" : undefined;
  }
  try {
    const pair = JSON.parse(value) as { keyId?: unknown; privateKey?: unknown; publicKey?: unknown };
    if (typeof pair.keyId !== "string" || typeof pair.privateKey !== "string" || typeof pair.publicKey !== "string") return "lacks keyId, privateKey or publicKey";
    const derived = createPublicKey(createPrivateKey(pair.privateKey)).export({ type: "spki", format: "pem" });
    if (derived !== pair.publicKey) return "has a public key that does not belong to its private key";
    return undefined;
  } catch {
    return "is not a JSON key pair";
  }
}

async function finishSecret(secretId: string, token: string, stages: Record<string, string[]>): Promise<void> {
  const current = Object.entries(stages).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
  if (current === token) return;
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current }));
  log("finished", secretId, "finishSecret");
}

/**
 * After a secret's new version became current: re-mint every agent token it signs (a tier signing secret; their
 * createSecret reads the new AWSCURRENT), then restart the service whose tasks hold it (a tier, or the gateway) so they
 * load the new value. On the first value, and for a token whose rotation is not configured yet, nothing is re-minted:
 * the token's own first rotation signs with the current key. Every dependent is tried; then any
 * failure fails the step, which raises the rotation-error alarm (the new key is already current; rerun with
 * `aws secretsmanager rotate-secret` on the failed token, or `aws ecs update-service --force-new-deployment`).
 */
async function afterFinish(secretId: string, dependents: Dependents, firstValue: boolean): Promise<void> {
  if (firstValue && dependents.agentTokens.length) log("tokens-mint-their-own-first-value", secretId, "finishSecret");
  const failed: string[] = [];
  // A first value (first apply): no token was minted with an older key, and each token's own first rotation mints
  // with this one (createSecret waits for it). A RotateSecret now would be refused while that rotation runs.
  for (const name of firstValue ? [] : dependents.agentTokens) {
    try {
      const meta = await client.send(new DescribeSecretCommand({ SecretId: name }));
      if (!meta.RotationEnabled) {
        log("token-rotation-not-configured-yet", name, "finishSecret");
        continue;
      }
      await client.send(new RotateSecretCommand({ SecretId: name }));
      log("token-rotation-started", name, "finishSecret");
    } catch (e) {
      failed.push(`${name} (${(e as { name?: string }).name ?? "Error"})`);
    }
  }
  // A first value (first apply) has no predecessor any task could hold, and the service may not exist yet.
  if (dependents.service && !firstValue) {
    // service/<cluster>/<service>: UpdateService needs the cluster, or it assumes the account's "default" one.
    const cluster = dependents.service.split(":service/")[1]?.split("/")[0];
    try {
      await ecs.send(new UpdateServiceCommand({ cluster, service: dependents.service, forceNewDeployment: true }));
      log("service-redeployed", dependents.service, "finishSecret");
    } catch (e) {
      const name = (e as { name?: string }).name ?? "Error";
      // No service, or one being deleted: no running task holds the old key.
      if (name === "ServiceNotFoundException" || name === "ServiceNotActiveException") log("service-absent", dependents.service, "finishSecret");
      else failed.push(`${dependents.service} (${name})`);
    }
  }
  if (failed.length) throw new Error(`${secretId} rotated, but these dependents did not follow: ${failed.join(", ")}`);
}

/** One JSON line per step: secret ARN and step, never a value. */
function log(event: string, secretId: string, step: string): void {
  console.log(JSON.stringify({ event, secretId, step }));
}
