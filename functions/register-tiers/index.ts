/**
 * Registers every MCP tier with the gateway (IBM MCP Context Forge 1.x) and keeps the bearer token it stores for each
 * tier fresh. For each tier: mint an ES256 token for the gateway as a client of that tier (kms:Sign on the tier's
 * gateway key; `client_id`/`sub` "gateway", `aud` the tier's audience, `iss` the environment's issuer, `scp` the tier's
 * toolsets), then create the tier's gateway entry (`POST /v1/gateways`) or update it (`PUT /v1/gateways/{id}`) with the
 * URL and the new token. Idempotent: entries are found by name, so a re-run updates and never duplicates.
 *
 * Admin access: a short-lived HS256 JWT signed with the gateway's JWT_SECRET_KEY, naming the platform administrator,
 * shaped like the session token Context Forge issues at `/auth/email/login` (mcpgateway/routers/email_auth.py:131-168
 * at v1.0.8). Not the password login: Context Forge 1.x refuses it with 403 until the bootstrap administrator changes
 * the password (bootstrap_db.py:299-300, email_auth.py:241-286) and again every PASSWORD_MAX_AGE_DAYS (90), and it
 * creates the administrator once, so a rotated PLATFORM_ADMIN_PASSWORD never reaches its database (bootstrap_db.py:280-283).
 *
 * One tier's failure does not stop the others. Logs one line per tier (entry name, outcome, HTTP status) and never a
 * token, a password or a response body; a failed tier's line starts with FAILURE_MARKER, a run in which all succeeded
 * ends with SUCCESS_MARKER. Throws when any tier failed, unless the event says not to (the run on apply).
 */
import { DescribeKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createHmac, randomUUID } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import { rootCertificates } from "node:tls";
import { kidOf, kmsSignRequest, signEs256, TokenClaims } from "../shared/es256";
import { readPackagedFile } from "../shared/packaged";
import {
  DEFAULT_ADMIN_AUDIENCE,
  DEFAULT_ADMIN_ISSUER,
  entryName,
  FAILURE_MARKER,
  GATEWAY_CLIENT_ID,
  GATEWAYS_PATH,
  RegisterEvent,
  REGISTRATION_ENV,
  REGISTRATION_FILE,
  RegistrationConfig,
  RegistrationFile,
  RegistrationTier,
  SUCCESS_MARKER,
  TierResult,
} from "./contract";

const kms = new KMSClient({});
const secretsManager = new SecretsManagerClient({});

/** Lifetime of the admin JWT: one run, with its retries, fits in it; re-signed for every request anyway. */
const ADMIN_TOKEN_SECONDS = 300;
const REQUEST_TIMEOUT_MS = 30_000;
/** Pauses between attempts while the gateway or a tier is still starting: doubling from the first to the last. */
const FIRST_PAUSE_MS = 5_000;
const MAX_PAUSE_MS = 30_000;
const MAX_BODY_BYTES = 1 << 20;

export interface Deps {
  /** The ARN of the KMS key `alias` names (kms:DescribeKey). */
  readonly keyArnOf: (alias: string) => Promise<string>;
  /** DER ECDSA signature of `input` by the KMS key `keyArn`. */
  readonly sign: (keyArn: string, input: Buffer) => Promise<Uint8Array>;
  /** The secret's value at `stage`, or undefined when that stage does not exist. */
  readonly readSecret: (arn: string, stage: "AWSCURRENT" | "AWSPREVIOUS") => Promise<string | undefined>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Retry answers that mean "not up yet" (no connection, 502, 503, 504) until this time (ms since the epoch). @default no retry */
  readonly retryUntil?: number;
}

const awsDeps: Deps = {
  keyArnOf: async (alias) => {
    const arn = (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.Arn;
    if (!arn) throw Object.assign(new Error("no key"), { code: "NoKeyMetadata" });
    return arn;
  },
  sign: async (keyArn, input) => {
    const out = await kms.send(new SignCommand(kmsSignRequest(keyArn, input)));
    if (!out.Signature) throw Object.assign(new Error("no signature"), { code: "NoSignature" });
    return out.Signature;
  },
  readSecret: async (arn, stage) => {
    try {
      return (await secretsManager.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString;
    } catch (err) {
      if (stage === "AWSPREVIOUS" && (err as { name?: string }).name === "ResourceNotFoundException") return undefined;
      throw err;
    }
  },
};

/** The Lambda entry: the schedule and the invocation on apply send how long to wait, and whether to fail. */
export async function handler(event?: RegisterEvent | null, _context?: unknown): Promise<TierResult[]> {
  const config = readConfig(readPackagedFile(REGISTRATION_FILE), process.env);
  const settle = Number(event?.settleSeconds ?? 0);
  if (!Number.isFinite(settle) || settle < 0 || settle > 840) throw new Error(`settleSeconds ${event?.settleSeconds} must be 0 to 840`);
  const results = await registerTiers(config, { ...awsDeps, retryUntil: settle ? Date.now() + settle * 1000 : undefined });
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length && event?.throwOnFailure !== false) throw new Error(`tier registration failed: ${failed.map(describe).join(", ")}`);
  return results;
}

function describe(r: TierResult): string {
  return `${r.tier} (${[r.error, r.status ? `HTTP ${r.status}` : undefined].filter(Boolean).join(", ")})`;
}

/**
 * The configuration from the packed file and the environment (contract.ts REGISTRATION_FILE, REGISTRATION_ENV),
 * checked; a bad configuration is a deployment bug, so it throws before any call.
 */
export function readConfig(file: string | undefined, env: Readonly<Record<string, string | undefined>>): RegistrationConfig {
  if (file === undefined) throw new Error(`${REGISTRATION_FILE} is missing from the package`);
  let f: RegistrationFile;
  try {
    f = JSON.parse(file) as RegistrationFile;
  } catch {
    throw new Error(`${REGISTRATION_FILE} is not JSON`);
  }
  const bad = (what: string) => new Error(`${REGISTRATION_FILE}: ${what}`);
  if (!f || typeof f.namePrefix !== "string" || !f.namePrefix) throw bad("namePrefix is missing");
  if (typeof f.issuer !== "string" || !f.issuer) throw bad("issuer is missing");
  if (!Number.isFinite(f.tokenLifetimeHours) || f.tokenLifetimeHours <= 0) throw bad(`tokenLifetimeHours ${f.tokenLifetimeHours} must be a positive number`);
  if (!f.admin || typeof f.admin.email !== "string") throw bad("admin needs email");
  if (!Array.isArray(f.tiers) || f.tiers.length === 0) throw bad("tiers lists no tier");
  for (const t of f.tiers) {
    if (typeof t?.id !== "string" || !/^https?:\/\//.test(String(t.url)) || typeof t.audience !== "string" || !Array.isArray(t.scopes) || t.scopes.length === 0 || !/^alias\/[A-Za-z0-9/_-]+$/.test(String(t.gatewayKeyAlias))) {
      throw bad(`tier ${JSON.stringify(t?.id)} needs id, url, audience, gatewayKeyAlias (alias/…) and non-empty scopes`);
    }
  }
  const gatewayUrl = env[REGISTRATION_ENV.gatewayUrl];
  if (!/^https?:\/\/[^/]+$/.test(String(gatewayUrl))) throw new Error(`${REGISTRATION_ENV.gatewayUrl} ${gatewayUrl} must be http(s)://<host>[:<port>] without a path`);
  const jwtSecretArn = env[REGISTRATION_ENV.adminJwtSecretArn];
  if (!jwtSecretArn) throw new Error(`${REGISTRATION_ENV.adminJwtSecretArn} is missing`);
  const ca = env[REGISTRATION_ENV.caCertificatePem];
  return { ...f, gatewayUrl: gatewayUrl!, ...(ca ? { caCertificatePem: ca } : {}), admin: { ...f.admin, jwtSecretArn } };
}

/** Registers every tier. Never throws for a tier: each outcome is a result. */
export async function registerTiers(config: RegistrationConfig, deps: Deps): Promise<TierResult[]> {
  const now = deps.now ?? Date.now;
  const gw = new GatewayApi(config, deps);
  const listed = await gw.list();
  const results: TierResult[] = [];
  for (const tier of config.tiers) {
    const name = entryName(config.namePrefix, tier.id);
    if (!("entries" in listed)) {
      results.push({ tier: tier.id, name, outcome: "failed", ...failure("list", listed) });
      continue;
    }
    let keyArn: string;
    try {
      keyArn = await deps.keyArnOf(tier.gatewayKeyAlias);
    } catch (err) {
      results.push({ tier: tier.id, name, outcome: "failed", error: `key:${errorCode(err)}` });
      continue;
    }
    let token: string;
    try {
      token = await mintGatewayToken(config, tier, keyArn, deps.sign, now());
    } catch (err) {
      results.push({ tier: tier.id, name, outcome: "failed", error: `mint:${errorCode(err)}` });
      continue;
    }
    results.push(await gw.upsert(tier, name, token, listed.entries));
  }
  for (const r of results) {
    const line = JSON.stringify(r);
    console.log(r.outcome === "failed" ? `${FAILURE_MARKER} ${line}` : line);
  }
  if (results.every((r) => r.outcome !== "failed")) console.log(`${SUCCESS_MARKER} ${JSON.stringify({ tiers: results.length })}`);
  return results;
}

/** The token the gateway presents to `tier` (upstream oauthStrategy.ts: iss, aud, client_id, non-empty scp). */
export async function mintGatewayToken(config: RegistrationConfig, tier: RegistrationTier, keyArn: string, sign: Deps["sign"], nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = {
    iss: config.issuer,
    aud: tier.audience,
    sub: GATEWAY_CLIENT_ID,
    client_id: GATEWAY_CLIENT_ID,
    scp: [...tier.scopes],
    iat,
    nbf: iat,
    exp: iat + Math.round(config.tokenLifetimeHours * 3600),
    jti: randomUUID(),
  };
  return signEs256(claims, kidOf(keyArn), (input) => sign(keyArn, input));
}

/**
 * An HS256 JWT Context Forge accepts on its API: signature with JWT_SECRET_KEY (or its per-environment derivation),
 * `aud`/`iss` checked, `exp` and `jti` required (utils/verify_credentials.py:304-336, config.py:379-380); `sub` an
 * email (auth_context.py:337-354); `token_use: session` so teams and admin rights come from the database
 * (auth.py:1628-1640), as for a token from /auth/email/login (email_auth.py:147-163).
 */
export function adminToken(config: RegistrationConfig, secret: string, nowMs: number): string {
  const a = config.admin;
  const iat = Math.floor(nowMs / 1000);
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const payload = {
    sub: a.email,
    iss: a.issuer ?? DEFAULT_ADMIN_ISSUER,
    aud: a.audience ?? DEFAULT_ADMIN_AUDIENCE,
    iat,
    exp: iat + ADMIN_TOKEN_SECONDS,
    jti: randomUUID(),
    last_activity: iat,
    auth_provider: "local",
    token_use: "session",
    scopes: { server_id: null, permissions: ["*"], ip_restrictions: [], time_restrictions: {} },
  };
  const key = a.deriveKeyForEnvironment ? createHmac("sha256", secret).update(`mcpgw-env:${a.deriveKeyForEnvironment}`).digest("hex") : secret;
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

interface Entry {
  readonly id: string;
  readonly name: string;
}
interface Answer {
  readonly status: number;
  readonly body: string;
}
type Failure = { readonly status?: number; readonly error?: string };

/** The gateway's API, with the admin JWT and the retries for a gateway or tier that is still starting. */
class GatewayApi {
  private secret?: string;
  private stage: "AWSCURRENT" | "AWSPREVIOUS" = "AWSCURRENT";

  constructor(
    private readonly config: RegistrationConfig,
    private readonly deps: Deps,
  ) {}

  /** Every entry, disabled ones included (`include_inactive`), unpaginated (`limit=0`: main.py:7228-7234, gateway_service.py:2347). */
  async list(): Promise<{ entries: Entry[] } | Failure> {
    const ans = await this.call("GET", `${GATEWAYS_PATH}?include_inactive=true&limit=0`);
    if (!("body" in ans)) return ans;
    if (ans.status !== 200) return { status: ans.status };
    try {
      const parsed = JSON.parse(ans.body) as unknown;
      const rows = (Array.isArray(parsed) ? parsed : (parsed as { gateways?: unknown })?.gateways) as Entry[] | undefined;
      if (!Array.isArray(rows)) return { status: ans.status, error: "list-shape" };
      return { entries: rows.filter((r) => typeof r?.id === "string" && typeof r?.name === "string") };
    } catch {
      return { status: ans.status, error: "list-shape" };
    }
  }

  /**
   * Creates the tier's entry or updates its URL and token. Fields (mcpgateway/schemas.py at v1.0.8): GatewayCreate
   * name/url/description/transport/auth_type/auth_token (3109-3120); GatewayUpdate url/transport/auth_type/auth_token
   * (3464-3474). A 409 on create (another run created it meanwhile) falls back to an update.
   */
  async upsert(tier: RegistrationTier, name: string, token: string, entries: readonly Entry[]): Promise<TierResult> {
    const connection = { url: tier.url, transport: "STREAMABLEHTTP", auth_type: "bearer", auth_token: token };
    let existing = entries.find((e) => e.name === name);
    if (!existing) {
      const created = await this.call("POST", GATEWAYS_PATH, { name, description: `MCP tier ${tier.id} (registered by the kit's register-tiers function)`, ...connection });
      if (isOk(created)) return { tier: tier.id, name, outcome: "created", status: created.status };
      if (!("body" in created) || created.status !== 409) return { tier: tier.id, name, outcome: "failed", ...failure("create", created) };
      const again = await this.list();
      existing = "entries" in again ? again.entries.find((e) => e.name === name) : undefined;
      if (!existing) return { tier: tier.id, name, outcome: "failed", error: "create", status: 409 };
    }
    const updated = await this.call("PUT", `${GATEWAYS_PATH}/${encodeURIComponent(existing.id)}`, connection);
    if (isOk(updated)) return { tier: tier.id, name, outcome: "updated", status: updated.status };
    return { tier: tier.id, name, outcome: "failed", ...failure("update", updated) };
  }

  /**
   * One request, retried while the answer means "not up yet": no connection, or 502/503/504 (the load balancer with no
   * healthy gateway task; Context Forge's 502 for a tier it cannot reach, main.py:7382-7383). A 401 with the current
   * JWT secret is retried once with the previous one: after a rotation the gateway's tasks hold the old value until
   * their redeployment completes.
   */
  private async call(method: string, path: string, body?: object): Promise<Answer | Failure> {
    const now = this.deps.now ?? Date.now;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    try {
      this.secret ??= await this.deps.readSecret(this.config.admin.jwtSecretArn, "AWSCURRENT");
    } catch (err) {
      // Not a gateway that is still starting: no retry.
      return { error: `secret:${errorCode(err)}` };
    }
    if (!this.secret) return { error: "secret:NoValue" };
    let pause = FIRST_PAUSE_MS;
    for (;;) {
      let answer: Answer | Failure;
      try {
        answer = await this.send(method, path, body);
        if (answer.status === 401 && this.stage === "AWSCURRENT") {
          const previous = await this.deps.readSecret(this.config.admin.jwtSecretArn, "AWSPREVIOUS").catch(() => undefined);
          if (previous && previous !== this.secret) {
            const retried = await this.send(method, path, body, previous);
            if (retried.status !== 401) {
              this.secret = previous;
              this.stage = "AWSPREVIOUS";
            }
            answer = retried;
          }
        }
      } catch (err) {
        answer = { error: errorCode(err) };
      }
      const notUp = !("body" in answer) || [502, 503, 504].includes(answer.status);
      if (!notUp || !this.deps.retryUntil || now() + pause > this.deps.retryUntil) return answer;
      await sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }

  private async send(method: string, path: string, body: object | undefined, secret?: string): Promise<Answer> {
    const jwt = adminToken(this.config, secret ?? this.secret ?? "", Date.now());
    return request(this.config, method, path, jwt, body);
  }
}

function isOk(a: Answer | Failure): a is Answer {
  return "body" in a && a.status >= 200 && a.status < 300;
}

/** What failed (`step`, and the error code when there was no HTTP answer) and the last HTTP status. */
function failure(step: string, a: Answer | Failure): { error: string; status?: number } {
  const code = "body" in a ? undefined : a.error;
  return { error: code ? `${step}:${code}` : step, ...(a.status !== undefined ? { status: a.status } : {}) };
}

/**
 * What one request to the gateway is sent with. `tlsServerName` is both the SNI name the certificate is checked
 * against and the Host header, so the function can call the load balancer by its own DNS name and still verify the
 * certificate's name.
 */
export function requestOptions(config: RegistrationConfig, method: string, path: string, bearer: string, body?: object): { url: URL; options: https.RequestOptions; payload?: Buffer } {
  const url = new URL(path, config.gatewayUrl);
  const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: "application/json" };
  if (payload) Object.assign(headers, { "content-type": "application/json", "content-length": String(payload.length) });
  if (config.tlsServerName) headers.host = url.port ? `${config.tlsServerName}:${url.port}` : config.tlsServerName;
  const secure = url.protocol === "https:";
  const options: https.RequestOptions = { method, headers, timeout: REQUEST_TIMEOUT_MS };
  if (secure && config.tlsServerName) options.servername = config.tlsServerName;
  // Node replaces its default trust with `ca`: keep the public roots beside the kit's own certificate.
  if (secure && config.caCertificatePem) options.ca = [...rootCertificates, config.caCertificatePem];
  return { url, options, payload };
}

/** One HTTPS (in tests, HTTP) request to the gateway; the body is read up to MAX_BODY_BYTES and never logged. */
function request(config: RegistrationConfig, method: string, path: string, bearer: string, body?: object): Promise<Answer> {
  const { url, options, payload } = requestOptions(config, method, path, bearer, body);
  const secure = url.protocol === "https:";
  return new Promise<Answer>((resolve, reject) => {
    const req = (secure ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(payload);
  });
}

/** A code (ECONNREFUSED, ETIMEDOUT, AccessDeniedException…), never an error message that could echo a value. */
function errorCode(err: unknown): string {
  const e = err as { cause?: { code?: unknown }; code?: unknown; name?: unknown };
  const code = e?.code ?? e?.cause?.code ?? e?.name;
  return typeof code === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(code) ? code : "Error";
}
