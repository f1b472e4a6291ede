/** A bare stack with what the secret constructs need around them (key, logs, network, alerts), for their focused tests. */
import { TerraformStack } from "cdktf";
import { SecurityAlerts } from "../../constructs/alerts";
import { AuditLogs } from "../../constructs/audit-logs";
import { EncryptionKey } from "../../constructs/encryption-key";
import { Network } from "../../constructs/network";
import { SecretStoreProps } from "../../constructs/secret-store";
import { AwsEnv } from "../../lib/aws-env";
import { TerraformJson } from "../../policy/types";
import { bareEnv, bareStack } from "./bare-stack";

export interface SecretsFixture {
  readonly stack: TerraformStack;
  readonly env: AwsEnv;
  readonly key: EncryptionKey;
  readonly logs: AuditLogs;
  readonly network: Network;
  readonly alerts: SecurityAlerts;
}

export function secretsFixture(env: AwsEnv = bareEnv()): SecretsFixture {
  const stack = bareStack(env);
  const key = new EncryptionKey(stack, "key", { env });
  const logs = new AuditLogs(stack, "logs", { env, key, retentionDays: 90 });
  const network = new Network(stack, "network", { env, vpcCidr: "10.42.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], flowLogGroup: logs.flowLogs });
  const alerts = new SecurityAlerts(stack, "alerts", { env, key, authFailuresPerHour: 10, mcpServerLogs: logs.mcpServer, gatewayLogs: logs.gateway });
  return { stack, env, key, logs, network, alerts };
}

/** SecretStore props for the fixture: rotation every 30 days, two agent groups, `authMode` jwt unless given. */
export function storeProps(f: SecretsFixture, overrides: Partial<SecretStoreProps> = {}): SecretStoreProps {
  return { env: f.env, key: f.key, rotationDays: 30, authMode: "jwt", agents: [{ name: "ops" }, { name: "monitoring" }], ...overrides };
}

/** The Statement array of the inline policy at `*\/pathSuffix`. */
export function policyStatements(plan: TerraformJson, pathSuffix: string): any[] {
  const found = Object.values(plan.resource?.aws_iam_role_policy ?? {}).filter((r: any) => String(r["//"]?.metadata?.path ?? "").endsWith(pathSuffix));
  if (found.length !== 1) throw new Error(`expected one aws_iam_role_policy at */${pathSuffix}, found ${found.length}`);
  return JSON.parse((found[0] as any).policy).Statement;
}
