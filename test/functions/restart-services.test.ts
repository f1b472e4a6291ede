/**
 * RestartServices: what the rotation function does when a secret that another service rotates (the RDS-managed
 * master password) has rotated, as EventBridge delivers it (constructs/secrets.ts restartOnServiceRotation).
 */
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../functions/rotate-secret/index";
import { RESTART_FAILED_MARKER } from "../../functions/rotate-secret/contract";

const ecsMock = mockClient(ECSClient);
const smMock = mockClient(SecretsManagerClient);
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234abcd-AbCdEf";
const GATEWAY = "arn:aws:ecs:us-east-1:123456789012:service/mcp-prod/mcp-prod-gateway";

let lines: string[];
beforeEach(() => {
  ecsMock.reset();
  smMock.reset();
  lines = [];
  jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
});
afterEach(() => jest.restoreAllMocks());

describe("RestartServices", () => {
  it("forces a new deployment of each service in its cluster, and reads no secret", async () => {
    ecsMock.on(UpdateServiceCommand).resolves({});
    await expect(handler({ RestartServices: { secret: SECRET, services: [GATEWAY] } })).resolves.toEqual({ restarted: [GATEWAY] });
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: "mcp-prod", service: GATEWAY, forceNewDeployment: true }]);
    expect(smMock.calls()).toHaveLength(0);
  });

  it("fails with a marker line naming the service when the restart is refused, so the alarm and EventBridge's retry see it", async () => {
    ecsMock.on(UpdateServiceCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(handler({ RestartServices: { secret: SECRET, services: [GATEWAY] } })).rejects.toThrow(`${SECRET} rotated, but ${GATEWAY} (ThrottlingException) could not be redeployed; run aws ecs update-service --force-new-deployment for them`);
    expect(lines.filter((l) => l.startsWith(RESTART_FAILED_MARKER))).toEqual([`${RESTART_FAILED_MARKER} ${SECRET}: ${GATEWAY} (ThrottlingException)`]);
  });

  it("treats a service that is gone as nothing to restart", async () => {
    ecsMock.on(UpdateServiceCommand).rejects(Object.assign(new Error("gone"), { name: "ServiceNotFoundException" }));
    await expect(handler({ RestartServices: { secret: SECRET, services: [GATEWAY] } })).resolves.toEqual({ restarted: [GATEWAY] });
  });

  it("refuses an input without services", async () => {
    await expect(handler({ RestartServices: { secret: SECRET, services: [] } })).rejects.toThrow("RestartServices needs { secret, services: [<ECS service ARN>, …] }");
    expect(ecsMock.calls()).toHaveLength(0);
  });
});
