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
 * `mcp-secret-length` (characters, for token and password). An agent-jwt secret also names its client id, scopes and
 * lifetime (contract.ts), and either its tier signing secret (jwt mode: an HS256 JWT signed with that secret's
 * AWSCURRENT value) or its group's KMS key, audience and issuer (oauth mode: an ES256 JWT signed through kms:Sign).
 * In oauth mode Terraform also invokes `{ PublishJwks }` (the key set the tiers verify with) and `{ Remint }` (a token
 * re-minted now, after a key rollover): docs/secrets.md, "Agent tokens (oauth mode)".
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
 * Follow-ups are re-run until done: a version that became current carries the staging label MCPFOLLOWEDUP only once its
 * tokens and services have followed. A retry of finishSecret (the version already current) or a `{ FollowUp: <ARN> }`
 * invocation repeats what is missing, checking each token first (one already signed with the current key is left
 * alone), and a failure is logged on a line starting with FOLLOW_UP_FAILED_MARKER. A pending version that can never pass
 * testSecret (e.g. a token signed with a key that has moved since) loses its AWSPENDING label, on a line starting with
 * STALE_PENDING_MARKER, so a later RotateSecret is not refused: docs/secrets.md, "When a rotation fails".
 *
 * A secret tagged `mcp-secret-rotation=never` (the gateway's AUTH_ENCRYPTION_SECRET) is not rotated: Terraform invokes
 * the function once on apply with `{ GenerateOnce: <secret ARN> }` (aws_lambda_invocation), which puts a first
 * AWSCURRENT value when the secret has none and otherwise changes nothing. Rotation steps for it are refused.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import {
  AGENT_TOKEN_TAG_PREFIX,
  AUDIENCE_TAG,
  CLIENT_ID_TAG,
  FOLLOW_UP_FAILED_MARKER,
  FOLLOWED_UP_STAGE,
  GeneratedKind,
  ISSUER_TAG,
  JWKS_CACHE_CONTROL,
  JWKS_PROPAGATION_SECONDS,
  KIND_TAG,
  LENGTH_TAG,
  LIFETIME_TAG,
  NEVER_ROTATED,
  PublishJwksInput,
  REMINT_WAIT_SECONDS,
  RemintInput,
  RESTART_FAILED_MARKER,
  RESTART_SERVICE_TAG,
  RestartServicesInput,
  ROTATION_TAG,
  SCOPES_TAG,
  SIGNER_WAIT_SECONDS,
  SIGNING_KEY_TAG,
  SIGNING_SECRET_TAG,
  STALE_PENDING_MARKER,
} from "./contract";
import { jwtProblem, signHs256 } from "./jwt";
import { es256Problem, jwkFromSpki, kidOf, kmsSignRequest, signEs256 } from "../shared/es256";

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

/**
 * An operator's re-run of the follow-ups of a secret's current version (docs/secrets.md, "When a rotation fails"):
 * `aws lambda invoke --function-name mcp-<env>-rotate-secret --payload '{"FollowUp":"<secret ARN>"}'`. Does what
 * finishSecret's retry would: nothing when they are done, otherwise the tokens and services that have not followed.
 */
export interface FollowUpEvent {
  /** ARN of the secret. */
  readonly FollowUp: string;
}

/** What the FollowUp invocation returns (never a value). */
export interface FollowUpResult {
  readonly secretId: string;
  /** The current version, now followed up. */
  readonly versionId: string;
}

/**
 * The hourly re-check (an EventBridge rule, constructs/secrets.ts): follows up each listed secret's current version
 * unless the label says it is done. A secret changed in the last FOLLOW_UP_SETTLE_MINUTES is left to the run that
 * changed it, so the check does not race a finishSecret still at work.
 */
export interface FollowUpsEvent {
  /** ARNs of the secrets that have follow-ups (tier signing secrets, secrets that restart a service). */
  readonly FollowUps: readonly string[];
}

/** What the FollowUps invocation returns (never a value). */
export interface FollowUpsResult {
  readonly followedUp: readonly string[];
  /** Not followed up this time: no current value yet, or changed too recently. */
  readonly skipped: readonly string[];
}

/** Minutes a just-changed secret is left to the rotation that changed it before the hourly check follows it up. */
export const FOLLOW_UP_SETTLE_MINUTES = 15;

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
const kms = new KMSClient({});
const s3 = new S3Client({});

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
    }
  | KmsTokenSpec;

/** An agent-jwt secret in oauth mode: an ES256 JWT signed through kms:Sign (functions/shared/es256.ts). */
export interface KmsTokenSpec {
  readonly kind: "agent-jwt";
  /** ARN of the group's asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY); its key id is the token's `kid`. */
  readonly signingKey: string;
  /** `aud`: the tier's canonical resource URI (its OAUTH_AUDIENCE). */
  readonly audience: string;
  /** `iss`: the environment's issuer (OAUTH_ISSUER_URL). */
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly lifetimeHours: number;
}

const isKmsToken = (spec: Spec): spec is KmsTokenSpec => "signingKey" in spec;

/** What else must happen when a secret's new version becomes current: the tokens it signs and the services holding it. */
export interface Dependents {
  /** Names of the agent token secrets signed with this secret. */
  readonly agentTokens: readonly string[];
  /**
   * ARNs of the ECS services whose tasks read this secret at start: tag `mcp-restart-service`, and one tag
   * `mcp-restart-service:<id>` each where several services read it (the IBM i auth key pair, read by every tier).
   */
  readonly services: readonly string[];
}

/** Longest token lifetime accepted: the longest rotation interval (90 days) plus a week. */
const MAX_LIFETIME_HOURS = 97 * 24;

/**
 * Forces a new deployment of each ECS service (service/<cluster>/<service> ARNs) and returns what failed, by service
 * and error name. A service that is gone or being deleted holds no old value: logged, not a failure.
 */
async function redeploy(services: readonly string[], step: string): Promise<string[]> {
  const failed: string[] = [];
  for (const service of services) {
    // service/<cluster>/<service>: UpdateService needs the cluster, or it assumes the account's "default" one.
    const cluster = /^arn:[\w-]+:ecs:[\w-]+:\d{12}:service\/([\w-]+)\/[\w-]+$/.exec(service)?.[1];
    if (!cluster) {
      failed.push(`${service} (not an ECS service ARN with its cluster: fix the ${RESTART_SERVICE_TAG} tag)`);
      continue;
    }
    try {
      await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
      log("service-redeployed", service, step);
    } catch (e) {
      const name = errorName(e);
      if (name === "ServiceNotFoundException" || name === "ServiceNotActiveException") log("service-absent", service, step);
      else failed.push(`${service} (${name})`);
    }
  }
  return failed;
}

/** What a RestartServices invocation returns. */
export interface RestartServicesResult {
  readonly restarted: readonly string[];
}

/**
 * A secret rotated by its own service (RDS's managed master password) has rotated: its readers load it only at start,
 * so each is redeployed. Throws (so EventBridge retries and the Errors alarm fires) after a marker line naming what
 * failed; never logs a value, and reads none.
 */
async function restartServices(input: RestartServicesInput["RestartServices"]): Promise<RestartServicesResult> {
  if (typeof input?.secret !== "string" || !Array.isArray(input.services) || input.services.length === 0) throw new Error("RestartServices needs { secret, services: [<ECS service ARN>, …] }");
  const failed = await redeploy(input.services, "restartServices");
  if (failed.length) {
    console.log(`${RESTART_FAILED_MARKER} ${input.secret}: ${failed.join(", ")}`);
    throw new Error(`${input.secret} rotated, but ${failed.join(", ")} could not be redeployed; run aws ecs update-service --force-new-deployment for them`);
  }
  return { restarted: [...input.services] };
}

export async function handler(event: RotationEvent): Promise<void>;
export async function handler(event: GenerateOnceEvent): Promise<GenerateOnceResult>;
export async function handler(event: WaitForCurrentEvent): Promise<WaitForCurrentResult>;
export async function handler(event: FollowUpEvent): Promise<FollowUpResult>;
export async function handler(event: FollowUpsEvent): Promise<FollowUpsResult>;
export async function handler(event: PublishJwksInput): Promise<PublishJwksResult>;
export async function handler(event: RemintInput): Promise<RemintResult>;
export async function handler(event: RestartServicesInput): Promise<RestartServicesResult>;
export async function handler(
  event: RotationEvent | GenerateOnceEvent | WaitForCurrentEvent | FollowUpEvent | FollowUpsEvent | PublishJwksInput | RemintInput | RestartServicesInput,
): Promise<void | GenerateOnceResult | WaitForCurrentResult | FollowUpResult | FollowUpsResult | PublishJwksResult | RemintResult | RestartServicesResult> {
  // Public keys are read once per invocation: a key's material never changes, but a key disabled since must show.
  publicKeys.clear();
  if ("PublishJwks" in event) return publishJwks(event.PublishJwks);
  if ("Remint" in event) return remintNow(event.Remint);
  if ("RestartServices" in event) return restartServices(event.RestartServices);
  if ("GenerateOnce" in event) return generateOnce(event.GenerateOnce);
  if ("WaitForCurrent" in event) return waitForCurrent(event.WaitForCurrent);
  if ("FollowUp" in event) return followUpCurrent(event.FollowUp);
  if ("FollowUps" in event) return followUpAll(event.FollowUps);
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const tags = meta.Tags ?? [];
  // Before anything else: rotating it would make what the gateway encrypted with it unreadable.
  if (neverRotated(tags)) throw new Error(`${secretId} is tagged ${ROTATION_TAG}=${NEVER_ROTATED}: it is generated once and never rotated (docs/secrets.md)`);
  if (!meta.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
  const stages = meta.VersionIdsToStages ?? {};
  if (!stages[token]) throw new Error(`version ${token} is not a version of ${secretId}`);
  if (stages[token].includes("AWSCURRENT")) {
    // Secrets Manager's retry of a finishSecret that moved the stage and then failed: what hangs off the new value
    // (re-minted tokens, restarted services) is repeated until it is done, recorded by the FOLLOWED_UP_STAGE label.
    if (step === "finishSecret") return followUp(secretId, token, tags, stages);
    log("already-current", secretId, step);
    return;
  }
  if (!stages[token].includes("AWSPENDING")) {
    // No label at all: the function cleared it as stale (below), or someone removed it. This rotation cannot go on
    // (a version's value cannot change); a new RotateSecret is accepted, as no other version holds AWSPENDING.
    if (!stages[token].length) throw new Error(`version ${token} of ${secretId} has no staging label (cleared as stale, or abandoned): start a new rotation with aws secretsmanager rotate-secret --secret-id ${secretId}`);
    throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);
  }
  const spec = specFromTags(tags, secretId);

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
      return followUp(secretId, token, tags, stages);
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
    const signingKey = tag(SIGNING_KEY_TAG);
    const clientId = tag(CLIENT_ID_TAG);
    const scopes = (tag(SCOPES_TAG) ?? "").split(" ").filter(Boolean);
    const lifetimeHours = Number(tag(LIFETIME_TAG));
    if (!clientId) throw new Error(`${secretId}: ${CLIENT_ID_TAG} is missing`);
    if (!scopes.length) throw new Error(`${secretId}: ${SCOPES_TAG} is empty; the server refuses tokens without scopes`);
    if (!Number.isInteger(lifetimeHours) || lifetimeHours < 1 || lifetimeHours > MAX_LIFETIME_HOURS) throw new Error(`${secretId}: ${LIFETIME_TAG} must be 1 to ${MAX_LIFETIME_HOURS}`);
    if (signingKey !== undefined) {
      // One token is verified one way: a tier runs jwt or oauth mode, never both (MCP_AUTH_MODE).
      if (signingSecret !== undefined) throw new Error(`${secretId}: carries both ${SIGNING_SECRET_TAG} (jwt mode) and ${SIGNING_KEY_TAG} (oauth mode); keep the one of its tier's MCP_AUTH_MODE`);
      kidOf(signingKey); // throws naming the value when it is not a KMS key ARN
      const audience = tag(AUDIENCE_TAG);
      const issuer = tag(ISSUER_TAG);
      if (!audience) throw new Error(`${secretId}: ${AUDIENCE_TAG} is missing; it is the aud claim, the tier's OAUTH_AUDIENCE`);
      if (!issuer) throw new Error(`${secretId}: ${ISSUER_TAG} is missing; it is the iss claim, the environment's OAUTH_ISSUER_URL`);
      return { kind, signingKey, audience, issuer, clientId, scopes, lifetimeHours };
    }
    if (!signingSecret?.startsWith("arn:")) throw new Error(`${secretId}: ${SIGNING_SECRET_TAG} must hold the ARN of the tier signing secret (jwt mode), or ${SIGNING_KEY_TAG} the ARN of its KMS key (oauth mode)`);
    return { kind, signingSecret, clientId, scopes, lifetimeHours };
  }
  if (kind !== "token" && kind !== "password" && kind !== "rsa-key-pair") throw new Error(`${secretId} has no valid ${KIND_TAG} tag (got ${JSON.stringify(kind)}); this function rotates only secrets the kit generates`);
  const length = kind === "rsa-key-pair" ? 2048 : Number(tag(LENGTH_TAG) ?? 64);
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > 4096) throw new Error(`${secretId}: ${LENGTH_TAG} must be ${MIN_LENGTH} to 4096`);
  return { kind, length };
}

async function createSecret(secretId: string, token: string, spec: Spec): Promise<void> {
  const existing = await valueOf(secretId, token, "AWSPENDING");
  if (existing.found) {
    // A retry of a rotation that already stored its value (Secrets Manager reuses the pending version). A value that
    // can no longer pass testSecret (an agent JWT signed with a key that has moved since) would fail every retry:
    // clear it so a new rotation can start.
    const problem = await pendingProblem(spec, existing.value, secretId);
    if (problem) await refuseStalePending(secretId, token, problem, "createSecret");
    log("pending-exists", secretId, "createSecret");
    return;
  }
  const value = await generate(spec, token, secretId);
  try {
    await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] }));
  } catch (e) {
    // Two createSecret runs for one token (a retry while the first still ran): the first value stored wins, and a
    // version's value never changes, so the second put is refused. The stored value is as good as ours.
    if (errorName(e) !== "ResourceExistsException") throw e;
    log("pending-created-concurrently", secretId, "createSecret");
    return;
  }
  log("created", secretId, "createSecret");
}

/** A version's value, or found=false when the version (with that stage) does not exist or holds no value. */
async function valueOf(secretId: string, versionId: string, stage?: string): Promise<{ found: boolean; value?: string }> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: stage }));
    return { found: true, value: out.SecretString };
  } catch (e) {
    if (errorName(e) !== "ResourceNotFoundException") throw e;
    return { found: false };
  }
}

/** Why a pending value would fail testSecret, or undefined. Never includes the value. */
async function pendingProblem(spec: Spec, value: string | undefined, secretId: string): Promise<string | undefined> {
  if (spec.kind !== "agent-jwt") return checkValue(spec, value);
  if (value === undefined) return "is missing";
  if (isKmsToken(spec)) return es256Problem(value, await publicKey(spec.signingKey), expectedToken(spec), Math.floor(Date.now() / 1000));
  return jwtProblem(value, await signingKey(spec.signingSecret, secretId), Math.floor(Date.now() / 1000));
}

/**
 * A pending version that can never pass testSecret: Secrets Manager retries the rotation with the same version, and
 * RotateSecret refuses a new one while it holds AWSPENDING ("A previous rotation isn't complete"). So the label is
 * removed (the version is left without label, as AWS's own templates leave failed ones), a line with
 * STALE_PENDING_MARKER is counted by a metric, and the step fails saying so; the next rotation (a new RotateSecret, by
 * schedule, by a signing secret's follow-up or by hand) starts from a fresh version.
 */
async function refuseStalePending(secretId: string, version: string, problem: string, step: string): Promise<never> {
  await clearStalePending(secretId, version, problem, step);
  throw new Error(
    `pending value of ${secretId} ${problem}; its version ${version} can never pass, so its AWSPENDING label was removed: a new rotation starts afresh (aws secretsmanager rotate-secret --secret-id ${secretId}, or the next scheduled one)`,
  );
}

async function clearStalePending(secretId: string, version: string, problem: string, step: string): Promise<void> {
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSPENDING", RemoveFromVersionId: version }));
  console.log(`${STALE_PENDING_MARKER} ${JSON.stringify({ event: "stale-pending-cleared", secretId, step, version, problem })}`);
}

const errorName = (e: unknown): string => (e as { name?: string }).name ?? "Error";

/** The agent token secrets and the ECS services a secret's tags name. */
export function dependentsFromTags(tags: Tags): Dependents {
  const named = (match: (key: string) => boolean) => [...new Set(tags.filter((t) => t.Key && match(t.Key) && t.Value).map((t) => t.Value as string))].sort();
  return {
    agentTokens: named((k) => k.startsWith(AGENT_TOKEN_TAG_PREFIX)),
    services: named((k) => k === RESTART_SERVICE_TAG || k.startsWith(`${RESTART_SERVICE_TAG}:`)),
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
async function poll<T>(look: () => Promise<T | undefined>, secretId: string, event: string, step: string, timeout: (seconds: number) => string, budget: { totalMs: number } = waiting): Promise<T> {
  for (let waited = 0; ; waited += waiting.stepMs) {
    const found = await look();
    if (found !== undefined) return found;
    if (waited + waiting.stepMs > budget.totalMs) throw new Error(timeout(Math.round(waited / 1000)));
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
export function mintAgentToken(spec: Extract<Spec, { signingSecret: string }>, key: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return signHs256({ cid: spec.clientId, sub: spec.clientId, scp: spec.scopes, iat: nowSeconds, exp: nowSeconds + spec.lifetimeHours * 3600 }, key);
}

/** A new value for `spec`; `secretId` (the secret being rotated) names it in a signer-wait error. */
export async function generate(spec: Spec, token: string, secretId = "<the agent token secret>"): Promise<string> {
  if (spec.kind === "agent-jwt") return isKmsToken(spec) ? mintKmsToken(spec) : mintAgentToken(spec, await signingKey(spec.signingSecret, secretId));
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
  const problem = await pendingProblem(spec, pending.SecretString, secretId);
  // Deterministic: the same version fails every retry, and blocks every later rotation until it is cleared.
  if (problem) await refuseStalePending(secretId, token, problem, "testSecret");
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
  const current = holderOf(stages, "AWSCURRENT");
  if (current === token) return;
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current }));
  log("finished", secretId, "finishSecret");
}

const holderOf = (stages: Record<string, string[]>, stage: string) => Object.entries(stages).find(([, s]) => s.includes(stage))?.[0];

/**
 * A version is a secret's first value when no other version is or was current (`stages` before or after
 * finishSecret moved AWSCURRENT: the old current then holds AWSPREVIOUS).
 */
const isFirstValue = (stages: Record<string, string[]>, version: string) => !Object.entries(stages).some(([v, s]) => v !== version && (s.includes("AWSCURRENT") || s.includes("AWSPREVIOUS")));

/** The FollowUp invocation: follows up the secret's current version (docs/secrets.md, "When a rotation fails"). */
async function followUpCurrent(secretId: string): Promise<FollowUpResult> {
  const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const stages = meta.VersionIdsToStages ?? {};
  const current = holderOf(stages, "AWSCURRENT");
  if (!current) throw new Error(`${secretId} has no current version: nothing to follow up`);
  await followUp(secretId, current, meta.Tags ?? [], stages, "followUp");
  return { secretId, versionId: current };
}

/** The hourly check: every listed secret is tried; then the run fails naming those that did not follow (Errors alarm). */
async function followUpAll(secretIds: readonly string[], now = Date.now()): Promise<FollowUpsResult> {
  const followedUp: string[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  for (const secretId of secretIds) {
    try {
      const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      const stages = meta.VersionIdsToStages ?? {};
      const current = holderOf(stages, "AWSCURRENT");
      const changed = meta.LastChangedDate?.getTime() ?? 0;
      if (!current || now - changed < FOLLOW_UP_SETTLE_MINUTES * 60_000) {
        log(current ? "follow-up-left-to-running-rotation" : "no-current-value-yet", secretId, "followUps");
        skipped.push(secretId);
        continue;
      }
      await followUp(secretId, current, meta.Tags ?? [], stages, "followUps");
      followedUp.push(secretId);
    } catch (e) {
      failed.push(`${secretId} (${errorName(e)})`);
    }
  }
  if (failed.length) throw new Error(`follow-ups still missing for ${failed.join(", ")} (the ${FOLLOW_UP_FAILED_MARKER} lines above name each dependent); the next hourly check repeats them`);
  return { followedUp, skipped };
}

/**
 * What must follow `version` becoming current (the tokens the secret signs, the services holding it), unless the
 * FOLLOWED_UP_STAGE label says it is done. Runs after finishSecret moves AWSCURRENT, on every retry of finishSecret
 * and on a FollowUp invocation; each dependent is checked before it is touched, so a repeat re-mints only the tokens
 * not yet signed with the current key. On success the label moves to `version`; on failure it stays where it was, a
 * line starting with FOLLOW_UP_FAILED_MARKER names what did not follow (alarm secret-follow-ups-failed), and the step
 * fails, so Secrets Manager retries it.
 */
async function followUp(secretId: string, version: string, tags: Tags, stages: Record<string, string[]>, step = "finishSecret"): Promise<void> {
  const dependents = dependentsFromTags(tags);
  if (!dependents.agentTokens.length && !dependents.services.length) return;
  const done = stages[version]?.includes(FOLLOWED_UP_STAGE);
  // Done means every dependent was started; a token rotation that then never ran (throttled: Lambda counts that as a
  // throttle, not an error) still carries the old key. The hourly check therefore looks at the tokens of a followed-up
  // version again (reads only, unless one is behind) and restarts nothing.
  if (done && (step !== "followUps" || !dependents.agentTokens.length)) {
    log("followed-up-already", secretId, step);
    return;
  }
  const failed = await afterFinish(secretId, done ? { agentTokens: dependents.agentTokens, services: [] } : dependents, isFirstValue(stages, version));
  if (failed.length) {
    console.log(`${FOLLOW_UP_FAILED_MARKER} ${JSON.stringify({ event: "follow-up-failed", secretId, step, version, failed })}`);
    throw new Error(
      `${secretId}: version ${version} is current, but these did not follow it: ${failed.join(", ")}. Secrets Manager's retry of finishSecret repeats what is missing; to repeat it now: aws lambda invoke --function-name ${process.env.AWS_LAMBDA_FUNCTION_NAME ?? "mcp-<env>-rotate-secret"} --payload '{"FollowUp":"${secretId}"}' (docs/secrets.md)`,
    );
  }
  if (done) return;
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: FOLLOWED_UP_STAGE, MoveToVersionId: version, RemoveFromVersionId: holderOf(stages, FOLLOWED_UP_STAGE) }));
  log("followed-up", secretId, step);
}

/** What a token's re-mint found: done already, under way with the current key, or started now. */
type Remint = "not-configured" | "already-current-key" | "pending-current-key" | "started";

/**
 * Makes agent token `name` carry a JWT signed with the signing secret's current `key`: nothing when its current (or
 * pending) version already verifies with it; otherwise RotateSecret, after clearing a pending version signed with an
 * older key (it could never pass testSecret, and RotateSecret would be refused while it holds AWSPENDING).
 */
async function remint(name: string, key: () => Promise<string>): Promise<Remint> {
  const meta = await client.send(new DescribeSecretCommand({ SecretId: name }));
  if (!meta.RotationEnabled) return "not-configured";
  const stages = meta.VersionIdsToStages ?? {};
  const now = Math.floor(Date.now() / 1000);
  const signedWithKey = async (version: string) => {
    const { value } = await valueOf(name, version);
    return value !== undefined && jwtProblem(value, await key(), now) === undefined;
  };
  const current = holderOf(stages, "AWSCURRENT");
  if (current && (await signedWithKey(current))) return "already-current-key";
  const pending = holderOf(stages, "AWSPENDING");
  if (pending && pending !== current) {
    if (await signedWithKey(pending)) return "pending-current-key";
    await clearStalePending(name, pending, "was signed with a key that is no longer current", "finishSecret");
  }
  await client.send(new RotateSecretCommand({ SecretId: name }));
  return "started";
}

/**
 * After a secret's new version became current: re-mint every agent token it signs (a tier signing secret; their
 * createSecret reads the new AWSCURRENT), then restart the services whose tasks hold it (a tier, the gateway, or every
 * tier for the IBM i auth key pair) so they load the new value. On the first value nothing is re-minted or restarted:
 * no token or task holds an older one, each token's own first rotation signs with the current key, and a RotateSecret
 * would be refused while that rotation runs. Every dependent is tried; returns those that did not follow.
 */
async function afterFinish(secretId: string, dependents: Dependents, firstValue: boolean): Promise<string[]> {
  if (firstValue) {
    log("first-value-nothing-to-follow", secretId, "finishSecret");
    return [];
  }
  const failed: string[] = [];
  // The value that is now current, read once and only when a token has a version to check against it.
  let read: Promise<string> | undefined;
  const key = () =>
    (read ??= client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: "AWSCURRENT" })).then((out) => {
      if (!out?.SecretString) throw Object.assign(new Error(`${secretId} has no current value`), { name: "ResourceNotFoundException" });
      return out.SecretString;
    }));
  for (const name of dependents.agentTokens) {
    try {
      const outcome = await remint(name, key);
      log(outcome === "not-configured" ? "token-rotation-not-configured-yet" : outcome === "started" ? "token-rotation-started" : `token-${outcome}`, name, "finishSecret");
    } catch (e) {
      failed.push(`${name} (${errorName(e)})`);
    }
  }
  failed.push(...(await redeploy(dependents.services, "finishSecret")));

  return failed;
}

/** One JSON line per step: secret ARN and step, never a value. */
function log(event: string, secretId: string, step: string): void {
  console.log(JSON.stringify({ event, secretId, step }));
}

/** Public keys (SubjectPublicKeyInfo DER) read with kms:GetPublicKey in this invocation, by key ARN. */
const publicKeys = new Map<string, Promise<{ spki: Uint8Array; keySpec?: string; keyUsage?: string }>>();

function readPublicKey(keyArn: string) {
  let found = publicKeys.get(keyArn);
  if (!found) {
    found = kms.send(new GetPublicKeyCommand({ KeyId: keyArn })).then((out) => {
      if (!out.PublicKey) throw new Error(`kms:GetPublicKey returned no public key for ${keyArn}`);
      return { spki: out.PublicKey, keySpec: out.KeySpec, keyUsage: out.KeyUsage };
    });
    publicKeys.set(keyArn, found);
  }
  return found;
}

/** Why `keyArn` cannot sign the kit's ES256 tokens, or undefined. */
const keyProblem = (k: { keySpec?: string; keyUsage?: string }, keyArn: string) =>
  k.keySpec === "ECC_NIST_P256" && k.keyUsage === "SIGN_VERIFY" ? undefined : `${keyArn} is ${k.keySpec ?? "?"}/${k.keyUsage ?? "?"}, not ECC_NIST_P256/SIGN_VERIFY: ES256 needs a P-256 signing key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY)`;

async function publicKey(keyArn: string): Promise<Uint8Array> {
  const k = await readPublicKey(keyArn);
  const problem = keyProblem(k, keyArn);
  if (problem) throw new Error(problem);
  return k.spki;
}

const expectedToken = (spec: KmsTokenSpec) => ({
  kid: kidOf(spec.signingKey),
  iss: spec.issuer,
  aud: spec.audience,
  client_id: spec.clientId,
  scp: spec.scopes,
  maxLifetimeSeconds: spec.lifetimeHours * 3600,
});

/**
 * An ES256 JWT for one agent group, signed by kms:Sign with the group's key (the private key never leaves KMS):
 * `iss`/`aud` from the tags, `sub` = `client_id` = the group, `scp` = the tier's toolsets, `exp` = now + lifetime,
 * `kid` = the key id. The server's checks: oauthStrategy.ts:77-122 (IBM/ibmi-mcp-server v0.5.1).
 */
export async function mintKmsToken(spec: KmsTokenSpec, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  await publicKey(spec.signingKey); // a key of the wrong kind is named before anything is signed with it
  const claims = {
    iss: spec.issuer,
    aud: spec.audience,
    sub: spec.clientId,
    client_id: spec.clientId,
    scp: spec.scopes,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + spec.lifetimeHours * 3600,
    jti: randomUUID(),
  };
  return signEs256(claims, kidOf(spec.signingKey), async (input) => {
    const out = await kms.send(new SignCommand(kmsSignRequest(spec.signingKey, input)));
    if (!out.Signature) throw new Error(`kms:Sign returned no signature for ${spec.signingKey}`);
    return out.Signature;
  });
}

/** What the PublishJwks invocation returns (key ids only: nothing secret is ever in a JWKS). */
export interface PublishJwksResult {
  readonly bucket: string;
  readonly objectKey: string;
  /** Key ids in the published set, in its order. */
  readonly kids: readonly string[];
  /** Key ids the set gained and lost with this invocation (both empty on a re-run that changed nothing). */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Seconds waited so every task accepts an added key before anything is signed with it (JWKS_PROPAGATION_SECONDS). */
  readonly waitedSeconds: number;
}

/**
 * Writes the JWKS: `{ keys: [...] }` of every listed key (kms:GetPublicKey), sorted by kid so the same set always
 * gives the same bytes. A key that is not ECC_NIST_P256/SIGN_VERIFY fails the invocation naming it, and nothing is
 * written. An unchanged set is not rewritten. When the set gains a key while tasks may hold the previous set, the
 * invocation returns only once jose's cooldown has passed since the write (JWKS_PROPAGATION_SECONDS): from then on
 * every task accepts the new kid. A re-run within that time (a timed-out first run) waits out the rest.
 */
async function publishJwks(input: PublishJwksInput["PublishJwks"]): Promise<PublishJwksResult> {
  const { bucket, objectKey } = input;
  const arns = [...new Set(input.keyArns)];
  const read = await Promise.allSettled(arns.map(async (arn) => ({ arn, kid: kidOf(arn), key: await readPublicKey(arn) })));
  const problems = read.flatMap((r, i) => {
    if (r.status === "rejected") return [`${arns[i]}: ${(r.reason as Error).message ?? errorName(r.reason)}`];
    const problem = keyProblem(r.value.key, r.value.arn);
    return problem ? [problem] : [];
  });
  if (problems.length) throw new Error(`JWKS s3://${bucket}/${objectKey} not written: ${problems.join("; ")}`);
  const keys = read
    .map((r) => (r as PromiseFulfilledResult<{ arn: string; kid: string; key: { spki: Uint8Array } }>).value)
    .sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))
    .map((k) => jwkFromSpki(k.key.spki, k.kid));
  const body = JSON.stringify({ keys });
  const kids = keys.map((k) => k.kid);

  const previous = await currentObject(bucket, objectKey);
  const before = previous ? kidsIn(previous.body) : [];
  const added = kids.filter((k) => !before.includes(k));
  const removed = before.filter((k) => !kids.includes(k));
  let writtenAt: number | undefined;
  if (previous?.body !== body) {
    // SSE-S3: a JWKS holds public keys only; a customer key would make every reader need kms:Decrypt on it too.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ContentType: "application/json", CacheControl: JWKS_CACHE_CONTROL, ServerSideEncryption: "AES256" }));
    writtenAt = Date.now();
    log(previous ? "jwks-rewritten" : "jwks-created", `s3://${bucket}/${objectKey}`, "publishJwks");
  }
  // Tasks may hold the previous set only when there was one; the first set needs no wait (a task that found no set
  // has no cooldown running: jose sets it only after a successful read).
  const since = writtenAt ?? previous?.lastModified ?? 0;
  const mustWait = writtenAt ? previous !== undefined && added.length > 0 : Date.now() - since < JWKS_PROPAGATION_SECONDS * 1000;
  let waitedSeconds = 0;
  if (mustWait) {
    const ms = Math.max(0, since + JWKS_PROPAGATION_SECONDS * 1000 - Date.now());
    log("jwks-waiting-for-tasks-to-accept-new-keys", `s3://${bucket}/${objectKey}`, "publishJwks");
    await waiting.sleep(ms);
    waitedSeconds = Math.round(ms / 1000);
  }
  return { bucket, objectKey, kids, added, removed, waitedSeconds };
}

function kidsIn(body: string): string[] {
  try {
    const set = JSON.parse(body) as { keys?: { kid?: unknown }[] };
    return (set.keys ?? []).map((k) => k.kid).filter((k): k is string => typeof k === "string");
  } catch {
    return [];
  }
}

/**
 * The JWKS object now in place, or undefined when there is none. S3 answers a missing key with NoSuchKey only to a
 * caller allowed s3:ListBucket on the bucket; without it the answer is AccessDenied, which is not taken for "missing".
 */
async function currentObject(bucket: string, key: string): Promise<{ body: string; lastModified: number } | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: (await out.Body?.transformToString("utf-8")) ?? "", lastModified: out.LastModified?.getTime() ?? 0 };
  } catch (e) {
    if (errorName(e) === "NoSuchKey" || errorName(e) === "NotFound") return undefined;
    throw e;
  }
}

/** What the Remint invocation returns (never a value). */
export interface RemintResult {
  readonly secretId: string;
  /** The new version, now AWSCURRENT. */
  readonly versionId: string;
}

/**
 * Re-mints one token now: waits out a rotation already under way (RotateSecret would be refused while it holds
 * AWSPENDING), starts one (RotateSecret; Secrets Manager then runs the four steps, whose testSecret checks the token
 * against the key its tags name) and returns once the new version is AWSCURRENT, at most REMINT_WAIT_SECONDS.
 */
async function remintNow(secretId: string): Promise<RemintResult> {
  const fix = `see the rotate-secret log group (rotation-error alarm) for the step that failed, fix it, then run again: aws lambda invoke --function-name ${process.env.AWS_LAMBDA_FUNCTION_NAME ?? "mcp-<env>-rotate-secret"} --payload '{"Remint":"${secretId}"}' (docs/secrets.md)`;
  const budget = { totalMs: REMINT_WAIT_SECONDS * 1000 };
  const stagesOf = async () => {
    const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!meta.RotationEnabled) throw new Error(`${secretId}: rotation is not enabled, so it cannot be re-minted; its rotation is configured by the apply (constructs/secrets.ts)`);
    return meta.VersionIdsToStages ?? {};
  };
  await poll(
    async () => {
      const stages = await stagesOf();
      const pending = holderOf(stages, "AWSPENDING");
      return !pending || pending === holderOf(stages, "AWSCURRENT") ? true : undefined;
    },
    secretId,
    "remint-waiting-for-running-rotation",
    "remint",
    (s) => `${secretId}: a rotation was still under way after ${s} s, so no new one could start; ${fix}`,
    budget,
  );
  const started = await client.send(new RotateSecretCommand({ SecretId: secretId }));
  const versionId = started.VersionId;
  if (!versionId) throw new Error(`${secretId}: RotateSecret returned no version id`);
  log("remint-started", secretId, "remint");
  await poll(
    async () => {
      const stages = await stagesOf();
      const labels = stages[versionId];
      if (labels?.includes("AWSCURRENT")) return true;
      // A version cleared as stale (testSecret found it unfit) never becomes current: no point in waiting.
      if (labels && !labels.length) throw new Error(`${secretId}: the new version ${versionId} failed its test and was cleared; ${fix}`);
      return undefined;
    },
    secretId,
    "remint-waiting-for-current",
    "remint",
    (s) => `${secretId}: the new version ${versionId} is not current after ${s} s; ${fix}`,
    budget,
  );
  log("reminted", secretId, "remint");
  return { secretId, versionId };
}
