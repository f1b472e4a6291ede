import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, RotateSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { checkValue, generate, handler, mintAgentToken, PASSWORD_EXCLUDED, Spec, specFromTags, waiting } from "../../functions/rotate-secret/index";
import { RESTART_SERVICE_TAG } from "../../functions/rotate-secret/contract";
import { decodeClaims, jwtProblem, signHs256 } from "../../functions/rotate-secret/jwt";

const sm = mockClient(SecretsManagerClient);
const ecsMock = mockClient(ECSClient);
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";
const TOKEN = "0f8c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
const OLD = "11111111-2222-4333-8444-555555555555";
const TOKEN_TAGS = [
  { Key: "mcp-secret-kind", Value: "token" },
  { Key: "mcp-secret-length", Value: "48" },
];
/** Stands in for a generated value: the shape of one, obviously not a real token. */
const FAKE_TOKEN = "a".repeat(24) + "B".repeat(12) + "7".repeat(12);

function describe_(stages: Record<string, string[]>, tags = TOKEN_TAGS, rotationEnabled = true) {
  sm.on(DescribeSecretCommand).resolves({ ARN, RotationEnabled: rotationEnabled, VersionIdsToStages: stages, Tags: tags });
}
const notFound = () => new ResourceNotFoundException({ message: "no such version", $metadata: {} });

beforeEach(() => sm.reset());
beforeAll(() => jest.spyOn(console, "log").mockImplementation(() => undefined));

describe("createSecret", () => {
  it("generates a value in AWS and stores it as AWSPENDING under the request token", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: FAKE_TOKEN });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
    expect(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toEqual({ PasswordLength: 48, ExcludePunctuation: true, ExcludeCharacters: undefined, IncludeSpace: false, RequireEachIncludedType: true });
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: ARN, ClientRequestToken: TOKEN, SecretString: FAKE_TOKEN, VersionStages: ["AWSPENDING"] }]);
  });

  it("leaves an existing pending value alone (Secrets Manager retries steps)", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: FAKE_TOKEN });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
  });

  it("propagates errors other than a missing pending version", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    sm.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow("AccessDeniedException");
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("asks for passwords without the characters that break env files and URLs", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] }, [
      { Key: "mcp-secret-kind", Value: "password" },
      { Key: "mcp-secret-length", Value: "32" },
    ]);
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: "Ab3-".repeat(8) });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
    expect(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toMatchObject({ PasswordLength: 32, ExcludePunctuation: false, ExcludeCharacters: PASSWORD_EXCLUDED });
  });
});

describe("testSecret", () => {
  it("accepts a pending token of the right length and alphabet", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: FAKE_TOKEN });
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).resolves.toBeUndefined();
  });

  it("fails on a value of the wrong shape without revealing it", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: "short-value" });
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).rejects.toThrow(`pending value of ${ARN} is not 48 letters and digits`);
  });
});

describe("finishSecret", () => {
  it("moves AWSCURRENT from the old version to the new one", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD }]);
  });

  it("on the first rotation, when the secret has no current version, only adds AWSCURRENT", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toEqual({ SecretId: ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: undefined });
  });
});

describe("guards", () => {
  it("does nothing for setSecret: no external system holds the value", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "setSecret" });
    expect(sm.calls()).toHaveLength(1);
  });

  it("does nothing when the version is already current", async () => {
    describe_({ [TOKEN]: ["AWSCURRENT"] });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
    expect(sm.calls()).toHaveLength(1);
  });

  it("refuses secrets without rotation, unknown versions and versions not pending", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] }, TOKEN_TAGS, false);
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow(`rotation is not enabled for ${ARN}`);
    describe_({ [OLD]: ["AWSCURRENT"] });
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow(`version ${TOKEN} is not a version of ${ARN}`);
    describe_({ [TOKEN]: ["AWSPREVIOUS"] });
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow(`version ${TOKEN} of ${ARN} is not AWSPENDING`);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("refuses secrets the kit does not generate (person-rotated ones carry no kind tag)", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"] }, [{ Key: "mcp-secret-rotated-by", Value: "person" }]);
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow(`${ARN} has no valid mcp-secret-kind tag (got undefined); this function rotates only secrets the kit generates`);
    expect(() =>
      specFromTags(
        [
          { Key: "mcp-secret-kind", Value: "token" },
          { Key: "mcp-secret-length", Value: "16" },
        ],
        "s",
      ),
    ).toThrow("s: mcp-secret-length must be 32 to 4096");
  });
});

describe("values", () => {
  it("makes RSA key pairs locally whose public key matches the private key", async () => {
    const value = await generate({ kind: "rsa-key-pair", length: 2048 }, TOKEN);
    const pair = JSON.parse(value);
    expect(pair.keyId).toBe("mcp-0f8c1d2e");
    expect(checkValue({ kind: "rsa-key-pair", length: 2048 }, value)).toBeUndefined();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    expect(checkValue({ kind: "rsa-key-pair", length: 2048 }, JSON.stringify({ ...pair, publicKey: other.publicKey }))).toBe("has a public key that does not belong to its private key");
    expect(checkValue({ kind: "rsa-key-pair", length: 2048 }, "{")).toBe("is not a JSON key pair");
  });

  it("rejects passwords holding an excluded character or of the wrong length", () => {
    expect(checkValue({ kind: "password", length: 8 }, "Abc12345")).toBeUndefined();
    expect(checkValue({ kind: "password", length: 8 }, "Abc1234@")).toBe("contains an excluded character");
    expect(checkValue({ kind: "password", length: 8 }, "Abc")).toBe("is not 8 characters long");
    expect(checkValue({ kind: "token", length: 8 }, undefined)).toBe("is missing");
  });
});

describe("agent JWTs (jwt auth mode)", () => {
  const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";
  const SIGNING_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/tier-signing-secret/ro-61a3d8-GhIjKl";
  const SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/mcp-dev/mcp-dev-ro-61a3d8";
  const JWT_TAGS = [
    { Key: "mcp-secret-kind", Value: "agent-jwt" },
    { Key: "mcp-signing-secret", Value: SIGNING_ARN },
    { Key: "mcp-token-client-id", Value: "ops" },
    { Key: "mcp-token-scopes", Value: "performance sysadmin_browse" },
    { Key: "mcp-token-lifetime-hours", Value: "216" },
  ];
  // Made per run, never stored: the signing key a tier's tasks would hold, and another tier's.
  const tierKey = randomBytes(32).toString("hex");
  const otherKey = randomBytes(32).toString("hex");
  const spec = specFromTags(JWT_TAGS, TOKEN_ARN) as Extract<Spec, { signingSecret: string }>;
  const verifies = (jwt: string, key: string) => {
    const [h, p, sig] = jwt.split(".");
    return createHmac("sha256", key).update(`${h}.${p}`).digest("base64url") === sig;
  };

  beforeEach(() => ecsMock.reset());

  it("mints an HS256 JWT with the tier's current signing secret: cid and sub = the group, scp = the tier's toolsets, exp = lifetime", async () => {
    sm.on(DescribeSecretCommand).resolves({ ARN: TOKEN_ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, Tags: JWT_TAGS });
    sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).rejects(notFound());
    sm.on(GetSecretValueCommand, { SecretId: SIGNING_ARN, VersionStage: "AWSCURRENT" }).resolves({ SecretString: tierKey });
    const before = Math.floor(Date.now() / 1000);
    await handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
    const put = sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(put).toEqual([{ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, SecretString: expect.any(String), VersionStages: ["AWSPENDING"] }]);
    const jwt = put[0].SecretString as string;
    expect(JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(verifies(jwt, tierKey)).toBe(true);
    expect(verifies(jwt, otherKey)).toBe(false);
    const claims = decodeClaims(jwt);
    expect(claims).toEqual({ cid: "ops", sub: "ops", scp: ["performance", "sysadmin_browse"], iat: expect.any(Number), exp: (claims.iat as number) + 216 * 3600 });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
  });

  describe("the first apply: the signing secret's own first rotation may still run (RotateSecret is asynchronous)", () => {
    const slept: number[] = [];
    const realSleep = waiting.sleep;
    beforeEach(() => {
      slept.length = 0;
      waiting.sleep = async (ms) => void slept.push(ms);
      sm.on(DescribeSecretCommand).resolves({ ARN: TOKEN_ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"] }, Tags: JWT_TAGS });
      sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).rejects(notFound());
    });
    afterAll(() => (waiting.sleep = realSleep));

    it("waits for the signer's first value, then mints with it", async () => {
      // No AWSCURRENT version yet (twice), then the signer's finishSecret has run.
      sm.on(GetSecretValueCommand, { SecretId: SIGNING_ARN, VersionStage: "AWSCURRENT" }).rejectsOnce(notFound()).rejectsOnce(notFound()).resolves({ SecretString: tierKey });
      await handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "createSecret" });
      expect(slept).toEqual([3000, 3000]);
      const put = sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
      expect(put).toHaveLength(1);
      expect(verifies(put[0].SecretString as string, tierKey)).toBe(true);
    });

    it("gives up after SIGNER_WAIT_SECONDS with what to run, storing nothing", async () => {
      sm.on(GetSecretValueCommand, { SecretId: SIGNING_ARN }).resolves({});
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow(
        `signing secret ${SIGNING_ARN} has no current value after waiting 60 s: its first rotation has not finished (see the rotate-secret log group). Once it has a value, run aws secretsmanager rotate-secret --secret-id ${TOKEN_ARN}`,
      );
      // Bounded: 60 s in 3 s steps, then one last look.
      expect(slept).toHaveLength(20);
      expect(sm.commandCalls(GetSecretValueCommand, { SecretId: SIGNING_ARN })).toHaveLength(21);
      expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    });

    it("lets Terraform wait once per tier: WaitForCurrent returns when the signer has a current version, reading no value", async () => {
      sm.on(DescribeSecretCommand, { SecretId: SIGNING_ARN })
        .resolvesOnce({ ARN: SIGNING_ARN, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"] } })
        .resolves({ ARN: SIGNING_ARN, VersionIdsToStages: { [TOKEN]: ["AWSCURRENT"] } });
      await expect(handler({ WaitForCurrent: SIGNING_ARN })).resolves.toEqual({ secretId: SIGNING_ARN, current: true });
      expect(slept).toEqual([3000]);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    });

    it("fails WaitForCurrent after SIGNER_WAIT_SECONDS, so the apply stops before the tier's tokens and service", async () => {
      sm.on(DescribeSecretCommand, { SecretId: SIGNING_ARN }).resolves({ ARN: SIGNING_ARN, VersionIdsToStages: {} });
      await expect(handler({ WaitForCurrent: SIGNING_ARN })).rejects.toThrow(
        `${SIGNING_ARN} has no current value after waiting 60 s: its first rotation has not finished (see the rotate-secret log group and the rotation-error alarm). Once it has a value, run the apply again`,
      );
      expect(slept).toHaveLength(20);
    });

    it("does not wait on errors other than a missing version", async () => {
      sm.on(GetSecretValueCommand, { SecretId: SIGNING_ARN }).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow("denied");
      expect(slept).toEqual([]);
    });
  });

  describe("testSecret", () => {
    const pending = (jwt: string) => {
      sm.on(DescribeSecretCommand).resolves({ ARN: TOKEN_ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"] }, Tags: JWT_TAGS });
      sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: jwt });
      sm.on(GetSecretValueCommand, { SecretId: SIGNING_ARN, VersionStage: "AWSCURRENT" }).resolves({ SecretString: tierKey });
    };

    it("accepts a token that verifies with the tier's signing secret", async () => {
      pending(mintAgentToken(spec, tierKey));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).resolves.toBeUndefined();
    });

    it("refuses a token signed with another key (another tier's), without revealing either", async () => {
      pending(mintAgentToken(spec, otherKey));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).rejects.toThrow(`pending value of ${TOKEN_ARN} has a signature that does not verify with the tier's signing secret`);
    });

    it("refuses expired tokens, tokens without scopes and random strings", async () => {
      const now = Math.floor(Date.now() / 1000);
      pending(mintAgentToken(spec, tierKey, now - 217 * 3600));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).rejects.toThrow(`pending value of ${TOKEN_ARN} has expired or has no exp claim`);
      expect(jwtProblem(signHs256({ cid: "ops", sub: "ops", scp: [], iat: now, exp: now + 60 }, tierKey), tierKey, now)).toBe("has no scp claim");
      expect(jwtProblem(FAKE_TOKEN, tierKey, now)).toBe("is not a JWT");
    });
  });

  describe("finishSecret of a tier signing secret", () => {
    const SIGNING_TAGS = [
      { Key: "mcp-secret-kind", Value: "token" },
      { Key: "mcp-secret-length", Value: "64" },
      { Key: "mcp-restart-service", Value: SERVICE_ARN },
      { Key: "mcp-agent-token:ops", Value: "mcp/dev/agent-token/ops" },
      { Key: "mcp-agent-token:monitoring", Value: "mcp/dev/agent-token/monitoring" },
    ];
    const signing = (tokensRotating: Record<string, boolean>) => {
      sm.on(DescribeSecretCommand, { SecretId: SIGNING_ARN }).resolves({ ARN: SIGNING_ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, Tags: SIGNING_TAGS });
      for (const [name, enabled] of Object.entries(tokensRotating)) sm.on(DescribeSecretCommand, { SecretId: name }).resolves({ Name: name, RotationEnabled: enabled });
    };

    it("makes the new key current, then re-mints every token it signs and restarts the tier's service", async () => {
      signing({ "mcp/dev/agent-token/ops": true, "mcp/dev/agent-token/monitoring": true });
      await handler({ SecretId: SIGNING_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toEqual({ SecretId: SIGNING_ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD });
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: "mcp/dev/agent-token/monitoring" }, { SecretId: "mcp/dev/agent-token/ops" }]);
      expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: "mcp-dev", service: SERVICE_ARN, forceNewDeployment: true }]);
      // The tokens must read the new key: the stage moves before any re-mint starts.
      const order = sm
        .calls()
        .map((c) => c.args[0].constructor.name)
        .filter((n) => n === "UpdateSecretVersionStageCommand" || n === "RotateSecretCommand");
      expect(order[0]).toBe("UpdateSecretVersionStageCommand");
    });

    it("skips tokens whose rotation is not configured yet (first apply: they mint with the current key themselves)", async () => {
      signing({ "mcp/dev/agent-token/ops": false, "mcp/dev/agent-token/monitoring": true });
      await handler({ SecretId: SIGNING_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: "mcp/dev/agent-token/monitoring" }]);
    });

    it("tries every dependent, then fails the step naming those that did not follow", async () => {
      signing({ "mcp/dev/agent-token/ops": true, "mcp/dev/agent-token/monitoring": true });
      sm.on(RotateSecretCommand, { SecretId: "mcp/dev/agent-token/monitoring" }).rejects(Object.assign(new Error("busy"), { name: "InvalidRequestException" }));
      ecsMock.on(UpdateServiceCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
      await expect(handler({ SecretId: SIGNING_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" })).rejects.toThrow(
        `${SIGNING_ARN}: version ${TOKEN} is current, but these did not follow it: mcp/dev/agent-token/monitoring (InvalidRequestException), ${SERVICE_ARN} (AccessDeniedException)`,
      );
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(2);
    });

    it("on the first value re-mints and restarts nothing (first apply: no token or task holds an older key; a RotateSecret would be refused while the token's own first rotation runs)", async () => {
      sm.on(DescribeSecretCommand, { SecretId: SIGNING_ARN }).resolves({ ARN: SIGNING_ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"] }, Tags: SIGNING_TAGS });
      sm.on(DescribeSecretCommand, { SecretId: "mcp/dev/agent-token/ops" }).resolves({ RotationEnabled: true });
      sm.on(DescribeSecretCommand, { SecretId: "mcp/dev/agent-token/monitoring" }).resolves({ RotationEnabled: true });
      await handler({ SecretId: SIGNING_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(ecsMock.calls()).toHaveLength(0);
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
    });

    it("treats a missing or inactive service as nothing to restart", async () => {
      signing({ "mcp/dev/agent-token/ops": true, "mcp/dev/agent-token/monitoring": true });
      ecsMock.on(UpdateServiceCommand).rejects(Object.assign(new Error("gone"), { name: "ServiceNotFoundException" }));
      await expect(handler({ SecretId: SIGNING_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" })).resolves.toBeUndefined();
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    });

    it("touches nothing else for secrets that sign no token", async () => {
      describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
      await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
      expect(ecsMock.calls()).toHaveLength(0);
    });
  });

  it("refuses agent-jwt secrets whose tags lack the signing secret, client id, scopes or a sane lifetime", () => {
    const without = (key: string, value?: string) => JWT_TAGS.filter((t) => t.Key !== key).concat(value === undefined ? [] : [{ Key: key, Value: value }]);
    expect(() => specFromTags(without("mcp-signing-secret"), "s")).toThrow("s: mcp-signing-secret must hold the ARN of the tier signing secret");
    expect(() => specFromTags(without("mcp-token-client-id"), "s")).toThrow("s: mcp-token-client-id is missing");
    expect(() => specFromTags(without("mcp-token-scopes", " "), "s")).toThrow("s: mcp-token-scopes is empty; the server refuses tokens without scopes");
    expect(() => specFromTags(without("mcp-token-lifetime-hours", "0"), "s")).toThrow("s: mcp-token-lifetime-hours must be 1 to 2328");
  });
});

describe("the gateway's rotating secrets (JWT secret, admin password)", () => {
  const JWT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/gateway-jwt-secret-MnOpQr";
  const GATEWAY_ARN = "arn:aws:ecs:us-east-1:123456789012:service/mcp-dev/mcp-dev-gateway";
  const GATEWAY_TAGS = [
    { Key: "mcp-secret-kind", Value: "token" },
    { Key: "mcp-secret-length", Value: "64" },
    { Key: RESTART_SERVICE_TAG, Value: GATEWAY_ARN },
  ];
  const gatewaySecret = (stages: Record<string, string[]>) => sm.on(DescribeSecretCommand, { SecretId: JWT_ARN }).resolves({ ARN: JWT_ARN, RotationEnabled: true, VersionIdsToStages: stages, Tags: GATEWAY_TAGS });
  beforeEach(() => ecsMock.reset());

  it("reads the service to restart from the same tag as a tier signing secret", () => {
    expect(RESTART_SERVICE_TAG).toBe("mcp-restart-service");
  });

  it("makes the new value current, then forces a new deployment of exactly the gateway service in its cluster", async () => {
    gatewaySecret({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    await handler({ SecretId: JWT_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
    // Then, the redeploy done, the version is recorded as followed up.
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: JWT_ARN, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD },
      { SecretId: JWT_ARN, VersionStage: "MCPFOLLOWEDUP", MoveToVersionId: TOKEN, RemoveFromVersionId: undefined },
    ]);
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: "mcp-dev", service: GATEWAY_ARN, forceNewDeployment: true }]);
    expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
  });

  it("restarts nothing before the new value is current, nor for the first value", async () => {
    gatewaySecret({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: FAKE_TOKEN.repeat(2).slice(0, 64) });
    await handler({ SecretId: JWT_ARN, ClientRequestToken: TOKEN, Step: "testSecret" });
    sm.reset();
    gatewaySecret({ [TOKEN]: ["AWSPENDING"] });
    await handler({ SecretId: JWT_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it("fails the step (rotation-error alarm) when the gateway cannot be redeployed", async () => {
    gatewaySecret({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    ecsMock.on(UpdateServiceCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    await expect(handler({ SecretId: JWT_ARN, ClientRequestToken: TOKEN, Step: "finishSecret" })).rejects.toThrow(`${JWT_ARN}: version ${TOKEN} is current, but these did not follow it: ${GATEWAY_ARN} (AccessDeniedException)`);
  });
});

describe("a never-rotated secret (the gateway's AUTH_ENCRYPTION_SECRET)", () => {
  const ENC_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/gateway-encryption-secret-StUvWx";
  const ONCE_TAGS = [
    { Key: "mcp-secret-kind", Value: "token" },
    { Key: "mcp-secret-length", Value: "64" },
    { Key: "mcp-secret-rotation", Value: "never" },
  ];
  const FAKE_64 = "a".repeat(32) + "B".repeat(16) + "7".repeat(16);
  const encryption = (stages: Record<string, string[]>, tags = ONCE_TAGS, rotationEnabled = false) =>
    sm.on(DescribeSecretCommand, { SecretId: ENC_ARN }).resolves({ ARN: ENC_ARN, RotationEnabled: rotationEnabled, VersionIdsToStages: stages, Tags: tags });

  it("puts a generated first value as AWSCURRENT and returns no value", async () => {
    encryption({});
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: FAKE_64 });
    const out = await handler({ GenerateOnce: ENC_ARN });
    expect(out).toEqual({ secretId: ENC_ARN, generated: true });
    expect(JSON.stringify(out)).not.toContain(FAKE_64);
    expect(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    const put = sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(put).toEqual([{ SecretId: ENC_ARN, ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/), SecretString: FAKE_64, VersionStages: ["AWSCURRENT"] }]);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it("leaves a secret that already has a current value alone (a re-applied invocation, or an operator's deliberate value)", async () => {
    encryption({ [OLD]: ["AWSCURRENT"] });
    await expect(handler({ GenerateOnce: ENC_ARN })).resolves.toEqual({ secretId: ENC_ARN, generated: false });
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("generates once only for secrets tagged never-rotated and without a rotation schedule", async () => {
    encryption({}, TOKEN_TAGS);
    await expect(handler({ GenerateOnce: ENC_ARN })).rejects.toThrow(`${ENC_ARN} is not tagged mcp-secret-rotation=never; rotating secrets get their values through rotation`);
    sm.reset();
    encryption({}, ONCE_TAGS, true);
    await expect(handler({ GenerateOnce: ENC_ARN })).rejects.toThrow(`${ENC_ARN} is tagged mcp-secret-rotation=never but has rotation enabled; cancel it (aws secretsmanager cancel-rotate-secret)`);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("refuses every rotation step, so a rotation started by hand changes nothing", async () => {
    for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) {
      sm.reset();
      encryption({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, ONCE_TAGS, true);
      await expect(handler({ SecretId: ENC_ARN, ClientRequestToken: TOKEN, Step })).rejects.toThrow(`${ENC_ARN} is tagged mcp-secret-rotation=never: it is generated once and never rotated (docs/secrets.md)`);
      expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
      expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    }
  });
});

/**
 * The protocol's edges (issue 20): what Secrets Manager's retries, a timed-out or throttled run, a stale pending version
 * and bad tags leave behind, and what the function then does. Every line the function logs is captured and checked for
 * values.
 */
describe("the rotation protocol's edges", () => {
  const SIGNER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/tier-signing-secret/ro-61a3d8-GhIjKl";
  const SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/mcp-dev/mcp-dev-ro-61a3d8";
  const OPS = "mcp/dev/agent-token/ops";
  const MON = "mcp/dev/agent-token/monitoring";
  const OPS_NEW = "22222222-3333-4444-8555-666666666666";
  const SIGNER_TAGS = [
    { Key: "mcp-secret-kind", Value: "token" },
    { Key: "mcp-secret-length", Value: "64" },
    { Key: "mcp-restart-service", Value: SERVICE },
    { Key: "mcp-agent-token:ops", Value: OPS },
    { Key: "mcp-agent-token:monitoring", Value: MON },
  ];
  const JWT_TAGS = (client: string) => [
    { Key: "mcp-secret-kind", Value: "agent-jwt" },
    { Key: "mcp-signing-secret", Value: SIGNER },
    { Key: "mcp-token-client-id", Value: client },
    { Key: "mcp-token-scopes", Value: "performance" },
    { Key: "mcp-token-lifetime-hours", Value: "216" },
  ];
  // Made per run, never stored: the tier's key before and after the rotation.
  const oldKey = randomBytes(32).toString("hex");
  const newKey = randomBytes(32).toString("hex");
  const jwtSpec = (client: string) => specFromTags(JWT_TAGS(client), "t") as Extract<Spec, { signingSecret: string }>;
  /** Every value a test makes; no log line or error may contain one. */
  const values: string[] = [oldKey, newKey];
  const jwt = (client: string, key: string) => {
    const v = mintAgentToken(jwtSpec(client), key);
    values.push(v);
    return v;
  };
  let lines: string[];
  const error = (name: string, message = name) => Object.assign(new Error(message), { name });

  beforeEach(() => {
    sm.reset();
    ecsMock.reset();
    lines = [];
    jest.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
  });
  afterEach(() => {
    for (const v of values) for (const l of lines) expect(l).not.toContain(v);
    jest.spyOn(console, "log").mockImplementation(() => undefined);
  });

  /** The signer after finishSecret moved AWSCURRENT: the new key is current, the old one previous. */
  const signerMoved = (extra: string[] = []) => {
    sm.on(DescribeSecretCommand, { SecretId: SIGNER }).resolves({ ARN: SIGNER, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSCURRENT", "AWSPENDING", ...extra], [OLD]: ["AWSPREVIOUS"] }, Tags: SIGNER_TAGS });
    sm.on(GetSecretValueCommand, { SecretId: SIGNER, VersionStage: "AWSCURRENT" }).resolves({ SecretString: newKey });
  };
  /** A token secret with its current (and pending) value signed with the given keys. */
  const tokenState = (name: string, client: string, currentKey: string, pendingKey?: string) => {
    const stages: Record<string, string[]> = { [`${client}-cur`]: ["AWSCURRENT"] };
    if (pendingKey) stages[`${client}-pen`] = ["AWSPENDING"];
    sm.on(DescribeSecretCommand, { SecretId: name }).resolves({ Name: name, RotationEnabled: true, VersionIdsToStages: stages });
    sm.on(GetSecretValueCommand, { SecretId: name, VersionId: `${client}-cur` }).resolves({ SecretString: jwt(client, currentKey) });
    if (pendingKey) sm.on(GetSecretValueCommand, { SecretId: name, VersionId: `${client}-pen` }).resolves({ SecretString: jwt(client, pendingKey) });
  };
  const stageMoves = () => sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);

  describe("follow-ups re-run until done", () => {
    it("a retry of finishSecret after a throttled UpdateService repeats the restart, re-mints nothing already signed with the new key, then records the version as followed up", async () => {
      // First run: the stage moves, both tokens re-mint, the restart is throttled.
      sm.on(DescribeSecretCommand, { SecretId: SIGNER }).resolves({ ARN: SIGNER, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, Tags: SIGNER_TAGS });
      sm.on(GetSecretValueCommand, { SecretId: SIGNER, VersionStage: "AWSCURRENT" }).resolves({ SecretString: newKey });
      tokenState(OPS, "ops", oldKey);
      tokenState(MON, "monitoring", oldKey);
      ecsMock.on(UpdateServiceCommand).rejects(error("ThrottlingException", "Rate exceeded"));
      await expect(handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" })).rejects.toThrow(
        `${SIGNER}: version ${TOKEN} is current, but these did not follow it: ${SERVICE} (ThrottlingException). Secrets Manager's retry of finishSecret repeats what is missing; to repeat it now: aws lambda invoke --function-name mcp-<env>-rotate-secret --payload '{"FollowUp":"${SIGNER}"}' (docs/secrets.md)`,
      );
      expect(stageMoves()).toEqual([{ SecretId: SIGNER, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD }]);
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(2);
      const failedLine = lines.find((l) => l.startsWith("MCP_ROTATION_FOLLOW_UP_FAILED "));
      expect(JSON.parse(failedLine!.slice("MCP_ROTATION_FOLLOW_UP_FAILED ".length))).toEqual({ event: "follow-up-failed", secretId: SIGNER, step: "finishSecret", version: TOKEN, failed: [`${SERVICE} (ThrottlingException)`] });

      // Retry: the version is current now; both tokens carry the new key (their rotations ran); only the restart is left.
      sm.reset();
      ecsMock.reset();
      signerMoved();
      tokenState(OPS, "ops", newKey);
      tokenState(MON, "monitoring", newKey);
      await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
      expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: "mcp-dev", service: SERVICE, forceNewDeployment: true }]);
      expect(stageMoves()).toEqual([{ SecretId: SIGNER, VersionStage: "MCPFOLLOWEDUP", MoveToVersionId: TOKEN, RemoveFromVersionId: undefined }]);

      // A third call (another retry, or an operator's FollowUp) finds the label and touches nothing.
      sm.reset();
      ecsMock.reset();
      signerMoved(["MCPFOLLOWEDUP"]);
      await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" });
      await expect(handler({ FollowUp: SIGNER })).resolves.toEqual({ secretId: SIGNER, versionId: TOKEN });
      expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(["DescribeSecretCommand", "DescribeSecretCommand"]);
      expect(ecsMock.calls()).toHaveLength(0);
    });

    it("after a run that timed out mid-cascade, re-mints only the tokens still on the old key and moves the label from the previous version", async () => {
      // The timed-out run moved the stage and started ops's re-mint (done since); monitoring was never reached.
      signerMoved();
      sm.on(DescribeSecretCommand, { SecretId: SIGNER }).resolves({ ARN: SIGNER, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSCURRENT", "AWSPENDING"], [OLD]: ["AWSPREVIOUS", "MCPFOLLOWEDUP"] }, Tags: SIGNER_TAGS });
      tokenState(OPS, "ops", newKey);
      tokenState(MON, "monitoring", oldKey);
      await expect(handler({ FollowUp: SIGNER })).resolves.toEqual({ secretId: SIGNER, versionId: TOKEN });
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: MON }]);
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
      expect(stageMoves()).toEqual([{ SecretId: SIGNER, VersionStage: "MCPFOLLOWEDUP", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD }]);
      // The key was read once for both tokens.
      expect(sm.commandCalls(GetSecretValueCommand, { SecretId: SIGNER })).toHaveLength(1);
    });

    it("leaves a token whose pending version already carries the new key to its own rotation, and clears one signed with the old key before re-minting", async () => {
      signerMoved();
      tokenState(OPS, "ops", oldKey, newKey);
      tokenState(MON, "monitoring", oldKey, oldKey);
      await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: MON }]);
      expect(stageMoves()).toEqual([
        { SecretId: MON, VersionStage: "AWSPENDING", RemoveFromVersionId: "monitoring-pen" },
        { SecretId: SIGNER, VersionStage: "MCPFOLLOWEDUP", MoveToVersionId: TOKEN, RemoveFromVersionId: undefined },
      ]);
      expect(lines.filter((l) => l.startsWith("MCP_ROTATION_STALE_PENDING_CLEARED ")).map((l) => JSON.parse(l.split(" ").slice(1).join(" ")))).toEqual([
        { event: "stale-pending-cleared", secretId: MON, step: "finishSecret", version: "monitoring-pen", problem: "was signed with a key that is no longer current" },
      ]);
    });

    it("the hourly check follows up every listed secret not done, leaves a just-changed one to its own run, tries all and then fails naming the rest", async () => {
      const GATEWAY_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/gateway-jwt-secret-MnOpQr";
      const GATEWAY = "arn:aws:ecs:us-east-1:123456789012:service/mcp-dev/mcp-dev-gateway";
      const FRESH = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/tier-signing-secret/rw-0b1c2d-MnOpQr";
      const NEW = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/tier-signing-secret/new-0c1d2e-StUvWx";
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
      // The signer: its restart failed an hour ago; its tokens carry the new key.
      sm.on(DescribeSecretCommand, { SecretId: SIGNER }).resolves({ ARN: SIGNER, RotationEnabled: true, LastChangedDate: hoursAgo(1), VersionIdsToStages: { [TOKEN]: ["AWSCURRENT", "AWSPENDING"], [OLD]: ["AWSPREVIOUS"] }, Tags: SIGNER_TAGS });
      sm.on(GetSecretValueCommand, { SecretId: SIGNER, VersionStage: "AWSCURRENT" }).resolves({ SecretString: newKey });
      tokenState(OPS, "ops", newKey);
      tokenState(MON, "monitoring", newKey);
      // The gateway's secret: done already. Another signer: rotated a minute ago (its finishSecret may still run). A new
      // tier's signer: no value yet (first apply).
      sm.on(DescribeSecretCommand, { SecretId: GATEWAY_SECRET }).resolves({ LastChangedDate: hoursAgo(30), VersionIdsToStages: { [TOKEN]: ["AWSCURRENT", "MCPFOLLOWEDUP"] }, Tags: [{ Key: "mcp-restart-service", Value: GATEWAY }] });
      sm.on(DescribeSecretCommand, { SecretId: FRESH }).resolves({ LastChangedDate: new Date(Date.now() - 60_000), VersionIdsToStages: { [TOKEN]: ["AWSCURRENT"] }, Tags: SIGNER_TAGS });
      sm.on(DescribeSecretCommand, { SecretId: NEW }).resolves({ VersionIdsToStages: {}, Tags: SIGNER_TAGS });
      ecsMock.on(UpdateServiceCommand).rejectsOnce(error("ThrottlingException")).resolves({});
      await expect(handler({ FollowUps: [SIGNER, GATEWAY_SECRET, FRESH, NEW] })).rejects.toThrow(
        `follow-ups still missing for ${SIGNER} (Error) (the MCP_ROTATION_FOLLOW_UP_FAILED lines above name each dependent); the next hourly check repeats them`,
      );
      expect(sm.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input.SecretId)).toEqual([SIGNER, MON, OPS, GATEWAY_SECRET, FRESH, NEW]);
      expect(lines.some((l) => l.startsWith(`MCP_ROTATION_FOLLOW_UP_FAILED {"event":"follow-up-failed","secretId":"${SIGNER}","step":"followUps"`))).toBe(true);
      // The next hour: the restart goes through and the version is recorded.
      await expect(handler({ FollowUps: [SIGNER, GATEWAY_SECRET, FRESH, NEW] })).resolves.toEqual({ followedUp: [SIGNER, GATEWAY_SECRET], skipped: [FRESH, NEW] });
      expect(stageMoves()).toEqual([{ SecretId: SIGNER, VersionStage: "MCPFOLLOWEDUP", MoveToVersionId: TOKEN, RemoveFromVersionId: undefined }]);
      expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.service)).toEqual([SERVICE, SERVICE]);
    });

    it("the hourly check re-mints a token of a followed-up version that is still on the old key (its rotation was throttled), restarting nothing", async () => {
      sm.on(DescribeSecretCommand, { SecretId: SIGNER }).resolves({
        ARN: SIGNER,
        RotationEnabled: true,
        LastChangedDate: new Date(Date.now() - 3_600_000),
        VersionIdsToStages: { [TOKEN]: ["AWSCURRENT", "AWSPENDING", "MCPFOLLOWEDUP"], [OLD]: ["AWSPREVIOUS"] },
        Tags: SIGNER_TAGS,
      });
      sm.on(GetSecretValueCommand, { SecretId: SIGNER, VersionStage: "AWSCURRENT" }).resolves({ SecretString: newKey });
      tokenState(OPS, "ops", newKey);
      tokenState(MON, "monitoring", oldKey);
      await expect(handler({ FollowUps: [SIGNER] })).resolves.toEqual({ followedUp: [SIGNER], skipped: [] });
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: MON }]);
      expect(ecsMock.calls()).toHaveLength(0);
      expect(stageMoves()).toEqual([]);
      // Retries of finishSecret and the operator's FollowUp trust the label.
      sm.resetHistory();
      await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" });
      await handler({ FollowUp: SIGNER });
      expect(sm.commandCalls(RotateSecretCommand)).toHaveLength(0);
    });

    it("names a restart tag that holds no ECS service ARN as what did not follow, calling nothing with it", async () => {
      sm.on(DescribeSecretCommand, { SecretId: ARN }).resolves({ ARN, RotationEnabled: true, VersionIdsToStages: { [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, Tags: [...TOKEN_TAGS, { Key: "mcp-restart-service", Value: "mcp-dev-gateway" }] });
      await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" })).rejects.toThrow(`but these did not follow it: mcp-dev-gateway (not an ECS service ARN with its cluster: fix the mcp-restart-service tag)`);
      expect(ecsMock.calls()).toHaveLength(0);
    });

    it("restarts every service a secret names (the IBM i auth key pair: one mcp-restart-service:<tier> tag per tier)", async () => {
      const TIER_B = "arn:aws:ecs:us-east-1:123456789012:service/mcp-dev/mcp-dev-rw-0b1c2d";
      sm.on(DescribeSecretCommand, { SecretId: ARN }).resolves({
        ARN,
        RotationEnabled: true,
        VersionIdsToStages: { [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] },
        Tags: [
          { Key: "mcp-secret-kind", Value: "rsa-key-pair" },
          { Key: "mcp-restart-service:ro-61a3d8", Value: SERVICE },
          { Key: "mcp-restart-service:rw-0b1c2d", Value: TIER_B },
        ],
      });
      await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
      expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.service)).toEqual([SERVICE, TIER_B]);
      expect(stageMoves().map((m) => m.VersionStage)).toEqual(["AWSCURRENT", "MCPFOLLOWEDUP"]);
    });
  });

  it("does nothing at any step for a version that is already current, but repeats unfinished follow-ups at finishSecret", async () => {
    for (const Step of ["createSecret", "setSecret", "testSecret"] as const) {
      sm.reset();
      signerMoved();
      await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step });
      expect(sm.calls()).toHaveLength(1);
      expect(ecsMock.calls()).toHaveLength(0);
    }
    sm.reset();
    signerMoved();
    tokenState(OPS, "ops", newKey);
    tokenState(MON, "monitoring", newKey);
    await handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" });
    expect(stageMoves().map((m) => m.VersionStage)).toEqual(["MCPFOLLOWEDUP"]);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    // A secret nothing hangs off needs no record.
    sm.reset();
    describe_({ [TOKEN]: ["AWSCURRENT", "AWSPENDING"], [OLD]: ["AWSPREVIOUS"] });
    await handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" });
    expect(sm.calls()).toHaveLength(1);
  });

  describe("a stale pending version", () => {
    const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";
    const pendingToken = (value: string) => {
      sm.on(DescribeSecretCommand, { SecretId: TOKEN_ARN }).resolves({ ARN: TOKEN_ARN, RotationEnabled: true, VersionIdsToStages: { [OPS_NEW]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, Tags: JWT_TAGS("ops") });
      sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: value });
      sm.on(GetSecretValueCommand, { SecretId: SIGNER, VersionStage: "AWSCURRENT" }).resolves({ SecretString: newKey });
    };
    const cleared = `pending value of ${TOKEN_ARN} has a signature that does not verify with the tier's signing secret; its version ${OPS_NEW} can never pass, so its AWSPENDING label was removed: a new rotation starts afresh (aws secretsmanager rotate-secret --secret-id ${TOKEN_ARN}, or the next scheduled one)`;

    it("testSecret of a token minted with the key that has since rotated: removes AWSPENDING, counts it, and says what happens next", async () => {
      pendingToken(jwt("ops", oldKey));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: OPS_NEW, Step: "testSecret" })).rejects.toThrow(cleared);
      expect(stageMoves()).toEqual([{ SecretId: TOKEN_ARN, VersionStage: "AWSPENDING", RemoveFromVersionId: OPS_NEW }]);
      expect(lines.filter((l) => l.startsWith("MCP_ROTATION_STALE_PENDING_CLEARED "))).toHaveLength(1);
    });

    it("createSecret retried on such a version clears it too, instead of reporting it exists", async () => {
      pendingToken(jwt("ops", oldKey));
      await expect(handler({ SecretId: TOKEN_ARN, ClientRequestToken: OPS_NEW, Step: "createSecret" })).rejects.toThrow(cleared);
      expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
      expect(stageMoves()).toHaveLength(1);
    });

    it("keeps a retried pending version that still verifies", async () => {
      pendingToken(jwt("ops", newKey));
      await handler({ SecretId: TOKEN_ARN, ClientRequestToken: OPS_NEW, Step: "createSecret" });
      await handler({ SecretId: TOKEN_ARN, ClientRequestToken: OPS_NEW, Step: "testSecret" });
      expect(stageMoves()).toEqual([]);
      expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    });

    it("clears a random value of the wrong shape the same way (an operator's put, or a changed length tag)", async () => {
      describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
      sm.on(GetSecretValueCommand).resolves({ SecretString: "short-value" });
      await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "testSecret" })).rejects.toThrow(`pending value of ${ARN} is not 48 letters and digits; its version ${TOKEN} can never pass`);
      expect(stageMoves()).toEqual([{ SecretId: ARN, VersionStage: "AWSPENDING", RemoveFromVersionId: TOKEN }]);
    });

    it("refuses a retry of the cleared version with the command that starts a new rotation", async () => {
      describe_({ [TOKEN]: [], [OLD]: ["AWSCURRENT"] });
      for (const Step of ["createSecret", "testSecret", "finishSecret"] as const) {
        await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step })).rejects.toThrow(
          `version ${TOKEN} of ${ARN} has no staging label (cleared as stale, or abandoned): start a new rotation with aws secretsmanager rotate-secret --secret-id ${ARN}`,
        );
      }
      expect(stageMoves()).toEqual([]);
    });
  });

  it("two concurrent createSecret runs for one version: the second put is refused and the step still succeeds with the first value", async () => {
    describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] });
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: FAKE_TOKEN });
    sm.on(PutSecretValueCommand).rejects(error("ResourceExistsException", "You can't modify an existing version, you can only create new ones."));
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).resolves.toBeUndefined();
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(["pending-created-concurrently"]);
    values.push(FAKE_TOKEN);
    // Anything else a put may answer still fails the step.
    sm.on(PutSecretValueCommand).rejects(error("ThrottlingException"));
    await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" })).rejects.toThrow("ThrottlingException");
  });

  it("refuses every step, before any write, when the tags do not say what to generate", async () => {
    const bad: [{ Key: string; Value: string }[], string][] = [
      [[{ Key: "mcp-secret-length", Value: "64" }], `${ARN} has no valid mcp-secret-kind tag (got undefined); this function rotates only secrets the kit generates`],
      [
        [
          { Key: "mcp-secret-kind", Value: "token" },
          { Key: "mcp-secret-length", Value: "12" },
        ],
        `${ARN}: mcp-secret-length must be 32 to 4096`,
      ],
      [JWT_TAGS("ops").filter((t) => t.Key !== "mcp-signing-secret"), `${ARN}: mcp-signing-secret must hold the ARN of the tier signing secret`],
      [JWT_TAGS("ops").map((t) => (t.Key === "mcp-token-lifetime-hours" ? { ...t, Value: "forever" } : t)), `${ARN}: mcp-token-lifetime-hours must be 1 to 2328`],
    ];
    for (const [tags, message] of bad) {
      for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) {
        sm.reset();
        describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, tags);
        await expect(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step })).rejects.toThrow(message);
        expect(sm.calls()).toHaveLength(1);
      }
    }
  });

  it("never logs or throws a value: a full rotation of every kind, generate-once, follow-ups and a cleared version", async () => {
    const messages: string[] = [];
    const run = async (p: Promise<unknown>) => p.catch((e: Error) => void messages.push(e.message));
    for (const [kind, length] of [
      ["token", "48"],
      ["password", "32"],
      ["rsa-key-pair", undefined],
    ] as const) {
      const tags = [{ Key: "mcp-secret-kind", Value: kind }, ...(length ? [{ Key: "mcp-secret-length", Value: length }] : [])];
      sm.reset();
      const random = kind === "token" ? FAKE_TOKEN : "Ab3-".repeat(8);
      values.push(random);
      sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: random });
      describe_({ [TOKEN]: ["AWSPENDING"], [OLD]: ["AWSCURRENT"] }, tags);
      sm.on(GetSecretValueCommand).rejects(notFound());
      await run(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "createSecret" }));
      const stored = sm.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString as string;
      values.push(stored, ...(kind === "rsa-key-pair" ? Object.values(JSON.parse(stored) as Record<string, string>).filter((v) => v.includes("KEY")) : []));
      sm.on(GetSecretValueCommand).resolves({ SecretString: stored });
      await run(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "testSecret" }));
      // And a broken one: a value one character short.
      sm.on(GetSecretValueCommand).resolves({ SecretString: stored.slice(1) });
      values.push(stored.slice(1));
      await run(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "testSecret" }));
      await run(handler({ SecretId: ARN, ClientRequestToken: TOKEN, Step: "finishSecret" }));
    }
    sm.reset();
    const once = "c".repeat(32) + "D".repeat(16) + "5".repeat(16);
    values.push(once);
    sm.on(DescribeSecretCommand).resolves({
      ARN,
      RotationEnabled: false,
      VersionIdsToStages: {},
      Tags: [
        { Key: "mcp-secret-kind", Value: "token" },
        { Key: "mcp-secret-length", Value: "64" },
        { Key: "mcp-secret-rotation", Value: "never" },
      ],
    });
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: once });
    await run(handler({ GenerateOnce: ARN }));
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    sm.reset();
    signerMoved();
    tokenState(OPS, "ops", oldKey, oldKey);
    tokenState(MON, "monitoring", oldKey);
    ecsMock.on(UpdateServiceCommand).rejects(error("AccessDeniedException"));
    await run(handler({ SecretId: SIGNER, ClientRequestToken: TOKEN, Step: "finishSecret" }));
    expect(lines.length).toBeGreaterThan(10);
    expect(messages.length).toBeGreaterThan(3);
    for (const v of values) for (const m of messages) expect(m).not.toContain(v);
  });
});
