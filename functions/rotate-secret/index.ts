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
 * and forces a new deployment of the tier's ECS service (its tasks restart with the new key): docs/secrets.md.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey } from "node:crypto";
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
import { AGENT_TOKEN_TAG_PREFIX, CLIENT_ID_TAG, GeneratedKind, KIND_TAG, LENGTH_TAG, LIFETIME_TAG, SCOPES_TAG, SIGNING_SECRET_TAG, TIER_SERVICE_TAG } from "./contract";
import { jwtProblem, signHs256 } from "./jwt";

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
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
  /** ARN of the ECS service whose tasks read this secret at start. */
  readonly service?: string;
}

/** Longest token lifetime accepted: the longest rotation interval (90 days) plus a week. */
const MAX_LIFETIME_HOURS = 97 * 24;

export async function handler(event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
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
  const value = await generate(spec, token);
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] }));
  log("created", secretId, "createSecret");
}

/** The agent token secrets and the ECS service a (signing) secret's tags name. */
export function dependentsFromTags(tags: Tags): Dependents {
  return {
    agentTokens: tags.filter((t) => t.Key?.startsWith(AGENT_TOKEN_TAG_PREFIX) && t.Value).map((t) => t.Value as string).sort(),
    service: tags.find((t) => t.Key === TIER_SERVICE_TAG)?.Value,
  };
}

/** The current value of the tier signing secret; the token must carry the key the tier's tasks verify with. */
async function signingKey(arn: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
  if (!out.SecretString) throw new Error(`signing secret ${arn} has no current value yet`);
  return out.SecretString;
}

/** An HS256 JWT for one agent group: `cid`/`sub` = the group, `scp` = its tier's toolsets, `exp` = now + lifetime. */
export function mintAgentToken(spec: Extract<Spec, { kind: "agent-jwt" }>, key: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return signHs256({ cid: spec.clientId, sub: spec.clientId, scp: spec.scopes, iat: nowSeconds, exp: nowSeconds + spec.lifetimeHours * 3600 }, key);
}

export async function generate(spec: Spec, token: string): Promise<string> {
  if (spec.kind === "agent-jwt") return mintAgentToken(spec, await signingKey(spec.signingSecret));
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
        : jwtProblem(pending.SecretString, await signingKey(spec.signingSecret), Math.floor(Date.now() / 1000))
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
 * After a signing secret's new version became current: re-mint every agent token it signs (their createSecret reads
 * the new AWSCURRENT), then restart the tier's tasks so they load the new key. A token whose rotation is not configured
 * yet (first apply) is skipped: its own first rotation signs with the current key. Every dependent is tried; then any
 * failure fails the step, which raises the rotation-error alarm (the new key is already current; rerun with
 * `aws secretsmanager rotate-secret` on the failed token, or `aws ecs update-service --force-new-deployment`).
 */
async function afterFinish(secretId: string, dependents: Dependents, firstValue: boolean): Promise<void> {
  const failed: string[] = [];
  for (const name of dependents.agentTokens) {
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
