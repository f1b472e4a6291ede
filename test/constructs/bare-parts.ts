/** The parts the gateway's state and the load balancer stand on, in a bare stack: for testing their props without McpStack. */
import { TerraformStack } from "cdktf";
import { AuditLogs } from "../../constructs/audit-logs";
import { EncryptionKey } from "../../constructs/encryption-key";
import { Network } from "../../constructs/network";
import { SecurityGroup } from "../../constructs/security-group";
import { AwsEnv } from "../../lib/aws-env";
import { bareEnv, bareStack } from "./bare-stack";

export interface BareParts {
  readonly env: AwsEnv;
  readonly stack: TerraformStack;
  readonly key: EncryptionKey;
  readonly logs: AuditLogs;
  readonly network: Network;
  /** A security group standing for the gateway tasks (or the load balancer's). */
  readonly clients: SecurityGroup;
  readonly retentionDays: number;
  readonly grantDecrypt: () => void;
}

export function bareParts(stage: AwsEnv["stage"]): BareParts {
  const env = bareEnv({ stage });
  const stack = bareStack(env);
  const key = new EncryptionKey(stack, "key", { env });
  const logs = new AuditLogs(stack, "logs", { env, key, retentionDays: 365 });
  const network = new Network(stack, "network", { env, vpcCidr: "10.40.0.0/20", availabilityZones: ["us-east-1a", "us-east-1b"], flowLogGroup: logs.flowLogs });
  const clients = new SecurityGroup(stack, "clients", { vpcId: network.vpc.id, name: "t-clients", description: "Stands for the gateway tasks" });
  return { env, stack, key, logs, network, clients, retentionDays: 365, grantDecrypt: () => undefined };
}
