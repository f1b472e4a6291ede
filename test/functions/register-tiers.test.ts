/*
 * The register-tiers function against a local imitation of IBM MCP Context Forge v1.0.8's gateway API, with KMS
 * mocked over a local P-256 key. What the imitation checks is taken from upstream (git show v1.0.8:<path> in
 * /work/.mirror/IBM+mcp-context-forge/repo):
 * - routes: `/v1/gateways` (mcpgateway/api/v1/__init__.py:81-87 always mounts the gateways router, prefix "/v1" at
 *   :346): GET list (main.py:7225-7300; `include_inactive`, `limit`: 0 = unlimited, services/gateway_service.py:2347),
 *   POST create (main.py:7302-7398; GatewayNameConflictError → 409 at :7386-7387, GatewayConnectionError → 502 at
 *   :7382-7383), PUT update (main.py:7431-7499; unknown id → 404 at :7484).
 * - bodies (mcpgateway/schemas.py): GatewayCreate `name` (3109, required), `url` (3110, required), `description` (3111),
 *   `transport` (3112; SSE or STREAMABLEHTTP, validate_transport 3327-3345), `auth_type` (3116), `auth_token` (3120;
 *   "For 'bearer' auth, 'auth_token' must be provided", 3375-3380); GatewayUpdate `url` (3464), `transport` (3466),
 *   `auth_type` (3471), `auth_token` (3474); GatewayRead `id` (3838), `name` (3839), `url` (3840).
 * - admin JWT (HS256, JWT_SECRET_KEY): aud `mcpgateway-api`, iss `mcpgateway` (config.py:361-364, verified in
 *   utils/verify_credentials.py:304-322), `exp` required (config.py:379, verify_credentials.py:309-310), `jti` required
 *   (config.py:380, verify_credentials.py:331-336), the user from `sub` as an email (auth_context.py:337-354).
 * The minted tier token must pass IBM/ibmi-mcp-server v0.5.1 oauth mode
 * (packages/server/src/mcp-server/transports/auth/strategies/oauthStrategy.ts): jose jwtVerify against the JWKS (the
 * header's kid picks the key) with issuer OAUTH_ISSUER_URL and audience OAUTH_AUDIENCE (77-79), a non-empty string
 * array `scp` (89-108) and a string `client_id` (113-120).
 */
import { DescribeKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { createHash, createHmac, timingSafeEqual, verify } from "node:crypto";
import * as http from "node:http";
import { rootCertificates } from "node:tls";
import { AddressInfo } from "node:net";
import { FAILURE_MARKER, REGISTRATION_ENV, REGISTRATION_FILE, RegistrationConfig, SUCCESS_MARKER } from "../../functions/register-tiers/contract";
import { adminToken, handler, readConfig, registerTiers, requestOptions } from "../../functions/register-tiers/index";
import { LocalSigningKey, localP256Key } from "../support/kms-p256";
import { taskRoot } from "../support/task-root";

const packInTaskRoot = taskRoot();
const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
const JWT_SECRET = `jwt-secret-for-tests-only-${"x".repeat(40)}`;
const PREVIOUS_JWT_SECRET = `previous-jwt-secret-for-tests-${"y".repeat(40)}`;
const ADMIN = "admin@mcp.example.internal";
const ISSUER = "https://issuer.mcp-prod.example.internal";
const KEY_RO = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const KEY_RW = "arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-8888-9999-000000000000";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mcp/prod/gateway-jwt-secret-AbCdEf";
const ALIAS_RO = "alias/mcp-prod-token-gateway-ro-f333ca";
const ALIAS_RW = "alias/mcp-prod-token-gateway-rw-a00124";
/** What kms:DescribeKey answers: the key each alias names. */
const ALIASES: Record<string, string> = { [ALIAS_RO]: KEY_RO, [ALIAS_RW]: KEY_RW };
const tiers = [
  { id: "ro-f333ca", url: "http://ro-f333ca.mcp-prod.internal:3010/mcp", audience: "http://ro-f333ca.mcp-prod.internal:3010/mcp", gatewayKeyAlias: ALIAS_RO, scopes: ["performance", "sysadmin_discovery"] },
  { id: "rw-a00124", url: "http://rw-a00124.mcp-prod.internal:3010/mcp", audience: "http://rw-a00124.mcp-prod.internal:3010/mcp", gatewayKeyAlias: ALIAS_RW, scopes: ["security_audit"] },
];
const keyOf = (t: (typeof tiers)[number]) => ALIASES[t.gatewayKeyAlias];
const keyArnOf = async (alias: string) => ALIASES[alias];

interface Stored {
  id: string;
  name: string;
  url: string;
  transport: string;
  auth_type: string;
  auth_token: string;
}

/** Context Forge's gateway API as far as the function uses it, with its checks. */
class FakeContextForge {
  readonly entries: Stored[] = [];
  readonly seenBearers: string[] = [];
  readonly requests: { method: string; path: string }[] = [];
  /** Answer this status for POST/PUT whose url is this tier's (e.g. 401, 502). */
  failFor = new Map<string, number>();
  /** Answer 503 to this many requests first (the load balancer before a task is healthy). */
  unavailable = 0;
  secret = JWT_SECRET;
  private server!: http.Server;
  url = "";

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const u = new URL(req.url ?? "/", "http://x");
    this.requests.push({ method: req.method ?? "", path: u.pathname + u.search });
    if (this.unavailable > 0) {
      this.unavailable--;
      return send(503, { message: "Service Unavailable" });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || !this.validAdmin(bearer)) return send(401, { detail: "Invalid authentication credentials" });
    this.seenBearers.push(bearer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    if (req.method === "GET" && u.pathname === "/v1/gateways") {
      expect(u.searchParams.get("include_inactive")).toBe("true");
      expect(u.searchParams.get("limit")).toBe("0");
      return send(
        200,
        this.entries.map(({ auth_token: _t, ...rest }) => ({ ...rest, auth_value: "*****", enabled: true })),
      );
    }
    if (req.method === "POST" && u.pathname === "/v1/gateways") {
      if (typeof body?.name !== "string" || typeof body?.url !== "string") return send(422, { detail: "name and url are required" });
      if (!["SSE", "STREAMABLEHTTP"].includes(String(body.transport).toUpperCase())) return send(422, { detail: "transport" });
      if (body.auth_type === "bearer" && !body.auth_token) return send(422, { detail: "For 'bearer' auth, 'auth_token' must be provided." });
      const fail = this.failFor.get(body.url);
      if (fail) return send(fail, { detail: "refused" });
      if (this.entries.some((e) => e.name === body.name)) return send(409, { message: "Gateway name already exists" });
      const stored = { id: `gw-${this.entries.length + 1}`, name: body.name, url: body.url, transport: body.transport, auth_type: body.auth_type, auth_token: body.auth_token };
      this.entries.push(stored);
      return send(200, { id: stored.id, name: stored.name, url: stored.url, enabled: true, reachable: true });
    }
    const m = /^\/v1\/gateways\/([^/]+)$/.exec(u.pathname);
    if (req.method === "PUT" && m) {
      const e = this.entries.find((x) => x.id === decodeURIComponent(m[1]));
      if (!e) return send(404, { message: "Gateway not found" });
      const fail = this.failFor.get(body?.url);
      if (fail) return send(fail, { detail: "refused" });
      if (body.auth_type === "bearer" && !body.auth_token) return send(422, { detail: "For 'bearer' auth, 'auth_token' must be provided." });
      Object.assign(e, { url: body.url ?? e.url, transport: body.transport ?? e.transport, auth_type: body.auth_type ?? e.auth_type, auth_token: body.auth_token ?? e.auth_token });
      return send(200, { id: e.id, name: e.name, url: e.url, enabled: true });
    }
    return send(404, { detail: "Not Found" });
  }

  /** verify_jwt_token: HS256 signature, aud, iss, exp and jti required; the user is the platform admin. */
  private validAdmin(token: string): boolean {
    const [h, p, s] = token.split(".");
    const expected = createHmac("sha256", this.secret).update(`${h}.${p}`).digest();
    const got = Buffer.from(s ?? "", "base64url");
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return false;
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    return header.alg === "HS256" && claims.aud === "mcpgateway-api" && claims.iss === "mcpgateway" && claims.exp > Date.now() / 1000 && typeof claims.jti === "string" && claims.sub === ADMIN;
  }
}

let gw: FakeContextForge;
let keys: Record<string, LocalSigningKey>;
let lines: string[];

function config(over: Partial<RegistrationConfig> = {}): RegistrationConfig {
  return { namePrefix: "mcp-prod", issuer: ISSUER, tokenLifetimeHours: 24, gatewayUrl: gw.url, admin: { email: ADMIN, jwtSecretArn: SECRET_ARN }, tiers, ...over };
}

/** What constructs/tier-registration.ts deploys for `c`: the packed file in the task root, the rest in the environment. */
function install(c: RegistrationConfig): void {
  const { gatewayUrl, caCertificatePem, admin, ...rest } = c;
  const { jwtSecretArn, ...adminRest } = admin;
  packInTaskRoot({ [REGISTRATION_FILE]: JSON.stringify({ ...rest, admin: adminRest }) });
  process.env[REGISTRATION_ENV.gatewayUrl] = gatewayUrl;
  process.env[REGISTRATION_ENV.adminJwtSecretArn] = jwtSecretArn;
  if (caCertificatePem) process.env[REGISTRATION_ENV.caCertificatePem] = caCertificatePem;
  else delete process.env[REGISTRATION_ENV.caCertificatePem];
}

beforeAll(() => {
  keys = { [KEY_RO]: localP256Key(), [KEY_RW]: localP256Key() };
});
beforeEach(async () => {
  gw = new FakeContextForge();
  await gw.start();
  kms.reset();
  sm.reset();
  kms.on(SignCommand).callsFake((input) => {
    // kms:Sign with MessageType DIGEST over an ECC_NIST_P256 key (functions/shared/es256.ts kmsSignRequest).
    expect(input).toMatchObject({ SigningAlgorithm: "ECDSA_SHA_256", MessageType: "DIGEST" });
    const key = keys[input.KeyId];
    if (!key) throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
    return { Signature: key.signDigest(input.Message), KeyId: input.KeyId, SigningAlgorithm: "ECDSA_SHA_256" };
  });
  kms.on(DescribeKeyCommand).callsFake((input) => {
    const arn = ALIASES[input.KeyId];
    if (!arn) throw Object.assign(new Error("Alias not found"), { name: "NotFoundException" });
    return { KeyMetadata: { KeyId: arn.split("/")[1], Arn: arn } };
  });
  sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: "AWSCURRENT" }).resolves({ SecretString: JWT_SECRET });
  sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: "AWSPREVIOUS" }).rejects(Object.assign(new Error("no previous"), { name: "ResourceNotFoundException" }));
  lines = [];
  jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(String(l)));
  install(config());
});
afterEach(async () => {
  jest.restoreAllMocks();
  await gw.stop();
});

function claimsOf(token: string) {
  const [h, p] = token.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), claims: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

/** Everything that must never appear in a log line: the stored tokens, the admin JWTs, the JWT secret. */
function secretsSeen(): string[] {
  return [JWT_SECRET, PREVIOUS_JWT_SECRET, ...gw.entries.map((e) => e.auth_token), ...gw.seenBearers];
}

describe("register-tiers function", () => {
  it("creates one entry per tier on the first run and updates them on the second, never duplicating", async () => {
    const first = await handler({});
    expect(first.map((r) => [r.tier, r.name, r.outcome, r.status])).toEqual([
      ["ro-f333ca", "mcp-prod-ro-f333ca", "created", 200],
      ["rw-a00124", "mcp-prod-rw-a00124", "created", 200],
    ]);
    const tokensAfterFirst = gw.entries.map((e) => e.auth_token);
    expect(gw.entries.map((e) => [e.name, e.url, e.transport, e.auth_type])).toEqual(tiers.map((t) => [`mcp-prod-${t.id}`, t.url, "STREAMABLEHTTP", "bearer"]));

    const second = await handler({});
    expect(second.map((r) => r.outcome)).toEqual(["updated", "updated"]);
    expect(gw.entries).toHaveLength(2);
    // Each run stores a fresh token (new jti, new exp).
    gw.entries.forEach((e, i) => expect(e.auth_token).not.toBe(tokensAfterFirst[i]));
    expect(gw.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual(["/v1/gateways/gw-1", "/v1/gateways/gw-2"]);
    expect(lines.filter((l) => l.startsWith(SUCCESS_MARKER))).toHaveLength(2);
  });

  it("mints a token each tier accepts in oauth mode: ES256 under the gateway key's kid, its audience, the issuer, client_id gateway, its scopes", async () => {
    await handler({});
    for (const [i, t] of tiers.entries()) {
      const token = gw.entries[i].auth_token;
      const [h, p, s] = token.split(".");
      const { header, claims } = claimsOf(token);
      expect(header).toEqual({ alg: "ES256", typ: "JWT", kid: keyOf(t).split("/")[1] });
      // JOSE r||s (64 bytes), verified with the tier's gateway public key.
      expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: keys[keyOf(t)].publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(true);
      // Not with the other tier's key: a token of one tier's key is no token for another.
      const other = keyOf(tiers[(i + 1) % tiers.length]);
      expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: keys[other].publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(false);
      expect(claims).toMatchObject({ iss: ISSUER, aud: t.audience, client_id: "gateway", sub: "gateway", scp: t.scopes });
      expect(claims.exp - claims.iat).toBe(24 * 3600);
      expect(claims.nbf).toBe(claims.iat);
      expect(typeof claims.jti).toBe("string");
    }
    // The alias resolved to its key (kms:DescribeKey), then kms:Sign on each tier's own gateway key by ARN, with the
    // digest of exactly what was signed.
    expect(kms.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([ALIAS_RO, ALIAS_RW]);
    const signs = kms.commandCalls(SignCommand).map((c) => c.args[0].input);
    expect(signs.map((s) => s.KeyId)).toEqual([KEY_RO, KEY_RW]);
    const [h0, p0] = gw.entries[0].auth_token.split(".");
    expect(Buffer.from(signs[0].Message as Uint8Array)).toEqual(createHash("sha256").update(`${h0}.${p0}`).digest());
  });

  it("a 401 on one tier fails the run, registers the others, and names the tier and status in the log and the error", async () => {
    gw.failFor.set(tiers[0].url, 401);
    await expect(handler({})).rejects.toThrow("tier registration failed: ro-f333ca (create, HTTP 401)");
    expect(gw.entries.map((e) => e.name)).toEqual(["mcp-prod-rw-a00124"]);
    const failures = lines.filter((l) => l.startsWith(FAILURE_MARKER));
    expect(failures).toHaveLength(1);
    expect(JSON.parse(failures[0].slice(FAILURE_MARKER.length + 1))).toEqual({ tier: "ro-f333ca", name: "mcp-prod-ro-f333ca", outcome: "failed", error: "create", status: 401 });
    expect(lines.some((l) => l.startsWith(SUCCESS_MARKER))).toBe(false);
  });

  it("on apply (throwOnFailure false) returns the failure instead of throwing; the marker line still reaches the alarm", async () => {
    gw.failFor.set(tiers[1].url, 502);
    const results = await handler({ throwOnFailure: false });
    expect(results.map((r) => [r.tier, r.outcome, r.status])).toEqual([
      ["ro-f333ca", "created", 200],
      ["rw-a00124", "failed", 502],
    ]);
    expect(lines.filter((l) => l.startsWith(FAILURE_MARKER))).toHaveLength(1);
  });

  it("no log line, result or error carries a token, an admin JWT or the JWT secret", async () => {
    await handler({});
    gw.failFor.set(tiers[0].url, 401);
    const err = await handler({}).catch((e: Error) => e);
    const out = [...lines, JSON.stringify(err instanceof Error ? err.message : err)].join("\n");
    const seen = secretsSeen();
    expect(seen.length).toBeGreaterThan(4);
    for (const s of seen) expect(out).not.toContain(s);
    // Nor any JWT-looking string at all.
    expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });

  it("a tier whose key may not be used (kms:Sign denied) fails alone", async () => {
    // An alias that names a key this role may not sign with.
    ALIASES["alias/mcp-prod-token-gateway-other"] = "arn:aws:kms:eu-west-1:123456789012:key/abababab-abab-abab-abab-abababababab";
    try {
      install(config({ tiers: [tiers[0], { ...tiers[1], gatewayKeyAlias: "alias/mcp-prod-token-gateway-other" }] }));
      await expect(handler({})).rejects.toThrow("tier registration failed: rw-a00124 (mint:AccessDeniedException)");
      expect(gw.entries.map((e) => e.name)).toEqual(["mcp-prod-ro-f333ca"]);
    } finally {
      delete ALIASES["alias/mcp-prod-token-gateway-other"];
    }
  });

  it("a tier whose alias names no key (kms:DescribeKey NotFound) fails alone, before any signing", async () => {
    install(config({ tiers: [{ ...tiers[0], gatewayKeyAlias: "alias/mcp-prod-token-gateway-gone" }, tiers[1]] }));
    await expect(handler({})).rejects.toThrow("tier registration failed: ro-f333ca (key:NotFoundException)");
    expect(kms.commandCalls(SignCommand).map((c) => c.args[0].input.KeyId)).toEqual([KEY_RW]);
    expect(gw.entries.map((e) => e.name)).toEqual(["mcp-prod-rw-a00124"]);
  });

  it("while the gateway answers 503 (no healthy task yet) it retries with growing pauses within the settle time", async () => {
    gw.unavailable = 3;
    const pauses: number[] = [];
    // A clock that starts now (the admin JWT's exp is checked against the real time) and moves only when it sleeps.
    const start = Date.now();
    let t = start;
    const results = await registerTiers(config(), {
      keyArnOf,
      sign: async (arn, input) => keys[arn].signDigest(createHash("sha256").update(input).digest()),
      readSecret: async (_arn, stage) => (stage === "AWSCURRENT" ? JWT_SECRET : undefined),
      now: () => t,
      sleep: async (ms) => void (pauses.push(ms), (t += ms)),
      retryUntil: start + 600_000,
    });
    expect(results.map((r) => r.outcome)).toEqual(["created", "created"]);
    expect(pauses).toEqual([5000, 10000, 20000]);
  });

  it("when the gateway is still not up at the end of the settle time, every tier fails with what was seen", async () => {
    await gw.stop();
    gw = new FakeContextForge();
    await gw.start();
    gw.unavailable = 1000;
    let t = 0;
    const results = await registerTiers(config(), {
      keyArnOf,
      sign: async () => Buffer.alloc(0),
      readSecret: async () => JWT_SECRET,
      now: () => t,
      sleep: async (ms) => void (t += ms),
      retryUntil: 120_000,
    });
    expect(results.map((r) => [r.tier, r.outcome, r.error, r.status])).toEqual([
      ["ro-f333ca", "failed", "list", 503],
      ["rw-a00124", "failed", "list", 503],
    ]);
    // 5 + 10 + 20 + 30 + 30 s of pauses fit in 120 s; the next would not.
    expect(gw.requests).toHaveLength(6);
  });

  it("an unreachable gateway is reported by error code", async () => {
    const url = gw.url;
    await gw.stop();
    gw = new FakeContextForge();
    await gw.start();
    const results = await registerTiers(config({ gatewayUrl: url }), { keyArnOf, sign: async () => Buffer.alloc(0), readSecret: async () => JWT_SECRET });
    expect(results.map((r) => r.error)).toEqual(["list:ECONNREFUSED", "list:ECONNREFUSED"]);
  });

  it("right after a JWT secret rotation (gateway tasks still on the old value) it signs in with AWSPREVIOUS", async () => {
    gw.secret = PREVIOUS_JWT_SECRET;
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: "AWSPREVIOUS" }).resolves({ SecretString: PREVIOUS_JWT_SECRET });
    const results = await handler({});
    expect(results.map((r) => r.outcome)).toEqual(["created", "created"]);
    // One 401 with the current value, then the previous one for the rest of the run.
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage)).toEqual(["AWSCURRENT", "AWSPREVIOUS"]);
  });

  it("a JWT secret it may not read fails every tier at once, without waiting for a gateway that is up", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: "AWSCURRENT" }).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    await expect(handler({ settleSeconds: 600 })).rejects.toThrow("tier registration failed: ro-f333ca (list:secret:AccessDeniedException), rw-a00124 (list:secret:AccessDeniedException)");
    expect(gw.requests).toEqual([]);
  });

  it("an entry created meanwhile by another run (409 on create) is updated instead", async () => {
    const deps = { keyArnOf, sign: async (arn: string, input: Buffer) => keys[arn].signDigest(createHash("sha256").update(input).digest()), readSecret: async () => JWT_SECRET };
    // The list is taken before the other run creates the first tier's entry.
    const real = FakeContextForge.prototype as unknown as { handle: (...a: unknown[]) => Promise<void> };
    const handle = real.handle;
    let listed = false;
    jest.spyOn(real, "handle").mockImplementation(async function (this: FakeContextForge, req: any, res: any) {
      if (!listed && req.method === "GET") {
        listed = true;
        await handle.call(this, req, res);
        this.entries.push({ id: "gw-other", name: "mcp-prod-ro-f333ca", url: tiers[0].url, transport: "STREAMABLEHTTP", auth_type: "bearer", auth_token: "stale" });
        return;
      }
      return handle.call(this, req, res);
    });
    const results = await registerTiers(config(), deps);
    expect(results.map((r) => [r.tier, r.outcome])).toEqual([
      ["ro-f333ca", "updated"],
      ["rw-a00124", "created"],
    ]);
    expect(gw.entries.filter((e) => e.name === "mcp-prod-ro-f333ca")).toHaveLength(1);
    expect(gw.entries[0].auth_token).not.toBe("stale");
  });

  it("signs the admin JWT with the per-environment key when the gateway derives one (DERIVE_KEY_PER_ENVIRONMENT)", () => {
    const token = adminToken(config({ admin: { email: ADMIN, jwtSecretArn: SECRET_ARN, deriveKeyForEnvironment: "production" } }), JWT_SECRET, 1_700_000_000_000);
    const [h, p, s] = token.split(".");
    // jwt_config_helper.py:163: hmac.new(secret, f"mcpgw-env:{environment}", sha256).hexdigest(), used as the HS256 key.
    const derived = createHmac("sha256", JWT_SECRET).update("mcpgw-env:production").digest("hex");
    expect(s).toBe(createHmac("sha256", derived).update(`${h}.${p}`).digest("base64url"));
    expect(claimsOf(token).claims).toMatchObject({ sub: ADMIN, aud: "mcpgateway-api", iss: "mcpgateway", exp: 1_700_000_300, token_use: "session" });
  });

  it("calls the load balancer by its DNS name but checks the certificate's name (SNI and Host), trusting the kit's certificate beside the public CAs", () => {
    const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
    const c = config({ gatewayUrl: "https://internal-mcp-prod-alb-1234567890.us-east-1.elb.amazonaws.com:4444", tlsServerName: "mcp.example.com", caCertificatePem: PEM });
    const { url, options, payload } = requestOptions(c, "PUT", "/v1/gateways/gw-1", "bearer-value", { url: tiers[0].url });
    expect(url.href).toBe("https://internal-mcp-prod-alb-1234567890.us-east-1.elb.amazonaws.com:4444/v1/gateways/gw-1");
    expect(options.servername).toBe("mcp.example.com");
    expect(options.headers).toMatchObject({ host: "mcp.example.com:4444", authorization: "Bearer bearer-value", "content-type": "application/json", "content-length": String(payload!.length) });
    expect(options.ca).toEqual([...rootCertificates, PEM]);
    // acm mode: Node's default trust (public CAs), nothing added.
    expect(requestOptions({ ...c, caCertificatePem: undefined }, "GET", "/v1/gateways", "b").options.ca).toBeUndefined();
  });

  it("refuses a configuration it cannot use before calling anything", () => {
    const file = (c: RegistrationConfig) => {
      const { gatewayUrl, caCertificatePem, admin, ...rest } = c;
      return JSON.stringify({ ...rest, admin: { email: admin.email } });
    };
    const env = { [REGISTRATION_ENV.gatewayUrl]: gw.url, [REGISTRATION_ENV.adminJwtSecretArn]: SECRET_ARN };
    expect(readConfig(file(config()), env)).toEqual(config());
    expect(readConfig(file(config()), { ...env, [REGISTRATION_ENV.caCertificatePem]: "PEM" }).caCertificatePem).toBe("PEM");
    expect(() => readConfig(undefined, env)).toThrow("registration.json is missing from the package");
    expect(() => readConfig("{", env)).toThrow("registration.json is not JSON");
    expect(() => readConfig(file({ ...config(), tiers: [] }), env)).toThrow("registration.json: tiers lists no tier");
    expect(() => readConfig(file(config()), { ...env, GATEWAY_URL: "https://gw.example.internal:4444/api" })).toThrow("GATEWAY_URL https://gw.example.internal:4444/api must be http(s)://<host>[:<port>] without a path");
    expect(() => readConfig(file(config()), { GATEWAY_URL: gw.url })).toThrow("ADMIN_JWT_SECRET_ARN is missing");
    expect(() => readConfig(file({ ...config(), tiers: [{ ...tiers[0], scopes: [] }] }), env)).toThrow('tier "ro-f333ca" needs id, url, audience, gatewayKeyAlias (alias/…) and non-empty scopes');
    // A key ARN where an alias belongs: the packed file holds only names known at synth.
    expect(() => readConfig(file({ ...config(), tiers: [{ ...tiers[0], gatewayKeyAlias: KEY_RO }] }), env)).toThrow('tier "ro-f333ca" needs id, url, audience, gatewayKeyAlias (alias/…) and non-empty scopes');
  });
});
