import { generateKeyPairSync } from "node:crypto";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { checkValue, generate, handler, PASSWORD_EXCLUDED, specFromTags } from "../../functions/rotate-secret/index";

const sm = mockClient(SecretsManagerClient);
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/ops-AbCdEf";
const TOKEN = "0f8c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
const OLD = "11111111-2222-4333-8444-555555555555";
const TOKEN_TAGS = [{ Key: "mcp-secret-kind", Value: "token" }, { Key: "mcp-secret-length", Value: "48" }];
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
    describe_({ [TOKEN]: ["AWSPENDING"] }, [{ Key: "mcp-secret-kind", Value: "password" }, { Key: "mcp-secret-length", Value: "32" }]);
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
    expect(() => specFromTags([{ Key: "mcp-secret-kind", Value: "token" }, { Key: "mcp-secret-length", Value: "16" }], "s")).toThrow("s: mcp-secret-length must be 32 to 4096");
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
