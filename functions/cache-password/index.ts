/**
 * Gives the gateway's ElastiCache user its password without the password ever being in Terraform: the plan creates the
 * user with IAM authentication (no password, and unusable by the gateway, which cannot mint IAM tokens), and an empty
 * Secrets Manager secret. On apply Terraform invokes this function once; it generates the password inside AWS
 * (GetRandomPassword), puts it in the secret if the secret has none yet, and sets it on the user (ModifyUser,
 * authentication mode "password"). The gateway tasks read it from the secret (ECS `secrets`) and the kit's entry
 * script puts it into REDIS_URL (runtime/gateway/compose-urls.sh). Idempotent: a second run reuses the stored value.
 * Returns and logs only the user id and what was done, never the value.
 */
import { DescribeUsersCommand, ElastiCacheClient, ModifyUserCommand } from "@aws-sdk/client-elasticache";
import { GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const secretsManager = new SecretsManagerClient({});
const elastiCache = new ElastiCacheClient({});

/**
 * ElastiCache user passwords: 16 to 128 printable characters, none of `,` `"` `/` `@` or spaces (CreateUser
 * Passwords). 64 letters and digits keep it well inside that and make URL encoding a no-op.
 */
export const PASSWORD_LENGTH = 64;
/** How long to wait for the user to leave "modifying" between checks, and how many checks at most. */
const WAIT_MS = 5000;
const MAX_WAITS = 36;

export interface CachePasswordResult {
  readonly userId: string;
  /** "generated": a new value was put into the secret; "reused": the secret had one. */
  readonly secret: "generated" | "reused";
  /** "set": ModifyUser was called; the user is active with password authentication afterwards. */
  readonly user: "set";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The current value of the secret, or undefined when it has none yet. */
async function currentValue(secretId: string): Promise<string | undefined> {
  try {
    return (await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as Error).name === "ResourceNotFoundException") return undefined;
    throw e;
  }
}

/** Waits until the user is "active" (ModifyUser refuses a user that is still being created or modified). */
async function waitActive(userId: string, wait: (ms: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < MAX_WAITS; i++) {
    const user = (await elastiCache.send(new DescribeUsersCommand({ UserId: userId }))).Users?.[0];
    if (user?.Status === "active") return;
    await wait(WAIT_MS);
  }
  throw new Error(`ElastiCache user ${userId} did not become active`);
}

export async function setCachePassword(secretId: string, userId: string, accessString: string, wait: (ms: number) => Promise<unknown> = sleep): Promise<CachePasswordResult> {
  let value = await currentValue(secretId);
  let secret: CachePasswordResult["secret"] = "reused";
  if (!value) {
    const generated = await secretsManager.send(new GetRandomPasswordCommand({ PasswordLength: PASSWORD_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }));
    if (!generated.RandomPassword) throw new Error("GetRandomPassword returned no value");
    // ClientRequestToken makes a retried invocation put the same version, not a second one.
    await secretsManager.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: generated.RandomPassword, ClientRequestToken: `cache-password-${userId}`.padEnd(32, "0").slice(0, 64) }));
    value = (await currentValue(secretId)) ?? generated.RandomPassword;
    secret = "generated";
  }
  await waitActive(userId, wait);
  await elastiCache.send(new ModifyUserCommand({ UserId: userId, AccessString: accessString, AuthenticationMode: { Type: "password", Passwords: [value] } }));
  await waitActive(userId, wait);
  return { userId, secret, user: "set" };
}

/** Lambda entry: configuration from the environment (set by constructs/gateway-cache.ts), no input needed. */
export async function handler(): Promise<CachePasswordResult> {
  const { SECRET_ID, USER_ID, ACCESS_STRING } = process.env;
  if (!SECRET_ID || !USER_ID || !ACCESS_STRING) throw new Error("SECRET_ID, USER_ID and ACCESS_STRING must be set");
  const result = await setCachePassword(SECRET_ID, USER_ID, ACCESS_STRING);
  console.log(JSON.stringify(result));
  return result;
}
