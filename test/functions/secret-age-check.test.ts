import { ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { checkAll, handler } from "../../functions/secret-age-check/index";
import { matches } from "../constructs/filter-pattern";
import { STALE_MARKER_TERM } from "../../functions/secret-age-check/contract";

const sm = mockClient(SecretsManagerClient);
const NOW = new Date("2026-11-26T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
let lines: string[];

beforeEach(() => {
  sm.reset();
  lines = [];
  jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
  process.env.SECRET_IDS = JSON.stringify(["mcp/dev/model-api-key", "mcp/dev/ibmi-service-credentials"]);
  process.env.MAX_AGE_DAYS = "30";
});
afterEach(() => jest.restoreAllMocks());

describe("secret age check", () => {
  it("reports a fresh secret as fresh and a stale one with the marker the metric filter counts", async () => {
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/model-api-key" }).resolves({
      Versions: [
        { VersionId: "v2", VersionStages: ["AWSCURRENT"], CreatedDate: daysAgo(3) },
        { VersionId: "v1", VersionStages: ["AWSPREVIOUS"], CreatedDate: daysAgo(40) },
      ],
    });
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/ibmi-service-credentials" }).resolves({ Versions: [{ VersionId: "v1", VersionStages: ["AWSCURRENT"], CreatedDate: daysAgo(31) }] });
    const findings = await checkAll(NOW);
    expect(findings).toEqual([
      { secretId: "mcp/dev/model-api-key", state: "fresh", ageDays: 3 },
      { secretId: "mcp/dev/ibmi-service-credentials", state: "stale", ageDays: 31 },
    ]);
    // Lambda prefixes text lines with time, request id and level; the term pattern still matches.
    const logged = lines.map((l) => `2026-11-26T00:00:01.000Z\tabc\tINFO\t${l}`);
    expect(logged.map((l) => matches(STALE_MARKER_TERM, l))).toEqual([false, true]);
  });

  it("reports a secret that was never given a value as missing", async () => {
    sm.on(ListSecretVersionIdsCommand).resolves({ Versions: [] });
    const findings = await checkAll(NOW);
    expect(findings.map((f) => f.state)).toEqual(["missing", "missing"]);
    expect(lines.every((l) => l.startsWith("MCP_SECRET_STALE {"))).toBe(true);
  });

  it("follows pages until it finds the current version", async () => {
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/model-api-key" }).resolves({ Versions: [{ VersionId: "old", VersionStages: ["AWSPREVIOUS"], CreatedDate: daysAgo(50) }], NextToken: "p2" });
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/model-api-key", NextToken: "p2" }).resolves({ Versions: [{ VersionId: "cur", VersionStages: ["AWSCURRENT"], CreatedDate: daysAgo(30) }] });
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/ibmi-service-credentials" }).resolves({ Versions: [{ VersionId: "v", VersionStages: ["AWSCURRENT"], CreatedDate: daysAgo(0) }] });
    const findings = await checkAll(NOW);
    expect(findings[0]).toEqual({ secretId: "mcp/dev/model-api-key", state: "fresh", ageDays: 30 });
  });

  it("reports every secret it cannot read and still checks the others, then fails naming them (error alarm too)", async () => {
    process.env.SECRET_IDS = JSON.stringify(["mcp/dev/model-api-key", "mcp/dev/gateway-admin-password", "mcp/dev/ibmi-service-credentials"]);
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/model-api-key" }).rejects(Object.assign(new Error("User: arn:aws:sts::123456789012:assumed-role/x is not authorized"), { name: "AccessDeniedException" }));
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/gateway-admin-password" }).resolves({ Versions: [{ VersionId: "v", VersionStages: ["AWSCURRENT"], CreatedDate: daysAgo(45) }] });
    sm.on(ListSecretVersionIdsCommand, { SecretId: "mcp/dev/ibmi-service-credentials" }).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(checkAll(NOW)).rejects.toThrow("could not read the versions of mcp/dev/model-api-key (AccessDeniedException), mcp/dev/ibmi-service-credentials (ThrottlingException); every other secret was checked (see the lines above)");
    expect(sm.commandCalls(ListSecretVersionIdsCommand)).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l.replace(/^MCP_SECRET_STALE /, "")))).toEqual([
      { secretId: "mcp/dev/model-api-key", state: "error", error: "AccessDeniedException", maxAgeDays: 30 },
      { secretId: "mcp/dev/gateway-admin-password", state: "stale", ageDays: 45, maxAgeDays: 30 },
      { secretId: "mcp/dev/ibmi-service-credentials", state: "error", error: "ThrottlingException", maxAgeDays: 30 },
    ]);
    // Each is counted by the stale-secret filter; the API's message (which names principals) is not logged.
    expect(lines.every((l) => matches(STALE_MARKER_TERM, `2026-11-26T00:00:01.000Z\tabc\tINFO\t${l}`))).toBe(true);
    expect(lines.join("\n")).not.toContain("not authorized");
  });

  it("fails loudly when misconfigured, so its error alarm fires", async () => {
    process.env.SECRET_IDS = "[]";
    await expect(checkAll(NOW)).rejects.toThrow("SECRET_IDS lists no secret");
    process.env.SECRET_IDS = '["x"]';
    process.env.MAX_AGE_DAYS = "soon";
    await expect(checkAll(NOW)).rejects.toThrow("MAX_AGE_DAYS soon is not a whole number of days");
  });

  it("works as Lambda calls it, with the invocation context as second argument (the clock is its own)", async () => {
    const context = { functionName: "mcp-dev-secret-age-check", awsRequestId: "6f1c2c1e-0000-4000-8000-000000000000", getRemainingTimeInMillis: () => 60_000 };
    const recent = new Date(Date.now() - 2 * 86_400_000);
    sm.on(ListSecretVersionIdsCommand).resolves({ Versions: [{ VersionId: "v", VersionStages: ["AWSCURRENT"], CreatedDate: recent }] });
    const findings = await handler({ "detail-type": "Scheduled Event", source: "aws.events" }, context);
    expect(findings.map((f) => [f.state, f.ageDays])).toEqual([
      ["fresh", 2],
      ["fresh", 2],
    ]);
  });
});
