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
 * What to generate comes from the secret's tags: `mcp-secret-kind` (token | password | rsa-key-pair) and
 * `mcp-secret-length` (characters, for token and password).
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey } from "node:crypto";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { GeneratedKind, KIND_TAG, LENGTH_TAG } from "./contract";

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
}


/** Characters left out of passwords: quotes, backslash and URL/shell delimiters break env files and connection strings. */
export const PASSWORD_EXCLUDED = "\"'`\\/@:;$&|<>%{}[]()#!?=,^~";
const MIN_LENGTH = 32;

const client = new SecretsManagerClient({});

interface Spec {
  readonly kind: GeneratedKind;
  readonly length: number;
}

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
      return finishSecret(secretId, token, stages);
    default:
      throw new Error(`unknown rotation step ${String(step)}`);
  }
}

export function specFromTags(tags: readonly { Key?: string; Value?: string }[], secretId: string): Spec {
  const tag = (k: string) => tags.find((t) => t.Key === k)?.Value;
  const kind = tag(KIND_TAG);
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

export async function generate(spec: Spec, token: string): Promise<string> {
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
  const problem = checkValue(spec, pending.SecretString);
  if (problem) throw new Error(`pending value of ${secretId} ${problem}`);
  log("tested", secretId, "testSecret");
}

/** Why a generated value is unfit, or undefined when it is fit. Never includes the value. */
export function checkValue(spec: Spec, value: string | undefined): string | undefined {
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

/** One JSON line per step: secret ARN and step, never a value. */
function log(event: string, secretId: string, step: string): void {
  console.log(JSON.stringify({ event, secretId, step }));
}
