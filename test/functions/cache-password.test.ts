import { DescribeUsersCommand, ElastiCacheClient, ModifyUserCommand } from "@aws-sdk/client-elasticache";
import { GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler, PASSWORD_LENGTH, setCachePassword } from "../../functions/cache-password/index";

const sm = mockClient(SecretsManagerClient);
const ec = mockClient(ElastiCacheClient);
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/prod/gateway-cache-password-AbCdEf";
const USER = "mcp-prod-gateway";
const ACCESS = "on ~* &* +@all";
const noWait = async () => undefined;
const missing = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", $metadata: {} });

beforeEach(() => {
  sm.reset();
  ec.reset();
  ec.on(DescribeUsersCommand).resolves({ Users: [{ UserId: USER, Status: "active" }] });
  ec.on(ModifyUserCommand).resolves({});
});

describe("cache-password", () => {
  it("generates a password inside AWS when the secret has none, stores it, then sets it on the user", async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(missing()).resolves({ SecretString: "Generated0nlyInTest" });
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: "Generated0nlyInTest" });
    sm.on(PutSecretValueCommand).resolves({});
    await expect(setCachePassword(SECRET, USER, ACCESS, noWait)).resolves.toEqual({ userId: USER, secret: "generated", user: "set" });
    // ElastiCache passwords: 16-128 characters without , " / @ or spaces: letters and digits only.
    expect(sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input).toEqual({ PasswordLength: PASSWORD_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true });
    expect(PASSWORD_LENGTH).toBeGreaterThanOrEqual(16);
    expect(PASSWORD_LENGTH).toBeLessThanOrEqual(128);
    const put = sm.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(put).toMatchObject({ SecretId: SECRET, SecretString: "Generated0nlyInTest" });
    expect(put.ClientRequestToken!.length).toBeGreaterThanOrEqual(32);
    expect(ec.commandCalls(ModifyUserCommand)[0].args[0].input).toEqual({ UserId: USER, AccessString: ACCESS, AuthenticationMode: { Type: "password", Passwords: ["Generated0nlyInTest"] } });
  });

  it("reuses the stored value on a second run, so the user and the tasks keep the same password", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: "Stored0nlyInTest" });
    await expect(setCachePassword(SECRET, USER, ACCESS, noWait)).resolves.toEqual({ userId: USER, secret: "reused", user: "set" });
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(ec.commandCalls(ModifyUserCommand)[0].args[0].input.AuthenticationMode).toEqual({ Type: "password", Passwords: ["Stored0nlyInTest"] });
  });

  it("waits until the user is active before and after changing it", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: "Stored0nlyInTest" });
    ec.on(DescribeUsersCommand)
      .resolvesOnce({ Users: [{ UserId: USER, Status: "modifying" }] })
      .resolves({ Users: [{ UserId: USER, Status: "active" }] });
    const waits: number[] = [];
    await setCachePassword(SECRET, USER, ACCESS, async (ms) => void waits.push(ms));
    expect(waits).toEqual([5000]);
    expect(ec.commandCalls(DescribeUsersCommand)).toHaveLength(3);
  });

  it("fails when the user never becomes active, and does not touch it", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: "Stored0nlyInTest" });
    ec.on(DescribeUsersCommand).resolves({ Users: [{ UserId: USER, Status: "creating" }] });
    await expect(setCachePassword(SECRET, USER, ACCESS, noWait)).rejects.toThrow(`ElastiCache user ${USER} did not become active`);
    expect(ec.commandCalls(ModifyUserCommand)).toHaveLength(0);
  });

  it("logs and returns no value, only what was done", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: "Stored0nlyInTest" });
    Object.assign(process.env, { SECRET_ID: SECRET, USER_ID: USER, ACCESS_STRING: ACCESS });
    const lines: string[] = [];
    jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
    const result = await handler();
    expect(JSON.stringify(result)).not.toContain("Stored0nlyInTest");
    expect(lines.join("\n")).not.toContain("Stored0nlyInTest");
    expect(lines).toEqual([JSON.stringify({ userId: USER, secret: "reused", user: "set" })]);
    jest.restoreAllMocks();
  });
});
