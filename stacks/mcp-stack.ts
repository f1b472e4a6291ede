import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { McpConfig } from "../config/schema";
import { AgentAccess } from "../constructs/agent-access";
import { SecurityAlerts } from "../constructs/alerts";
import { AuditLogs } from "../constructs/audit-logs";
import { EncryptionKey } from "../constructs/encryption-key";
import { Network } from "../constructs/network";
import { Secrets } from "../constructs/secrets";
import { Certificate } from "../constructs/tls";
import { AwsEnv } from "../lib/aws-env";

export const PROJECT = "ibmi-mcp";

/** The Terraform stack name of an environment. */
export function stackName(environment: string): string {
  return `mcp-${environment}`;
}

/** One environment: providers, state backend, and the constructs composed from its config. No raw resources. */
export class McpStack extends TerraformStack {
  readonly config: McpConfig;
  readonly env: AwsEnv;
  readonly key: EncryptionKey;
  readonly logs: AuditLogs;
  readonly network: Network;
  readonly access: AgentAccess;
  readonly tls: Certificate;
  readonly secrets: Secrets;
  readonly alerts: SecurityAlerts;

  constructor(scope: Construct, config: McpConfig) {
    super(scope, stackName(config.environment));
    this.config = config;

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      defaultTags: [{ tags: { project: PROJECT, environment: config.environment, owner: config.owner, "managed-by": "cdktf" } }],
    });
    // Terraform 1.11 brings S3 native locking (use_lockfile) and write-only arguments the kit relies on.
    this.addOverride("terraform.required_version", ">= 1.11.0");
    this.configureBackend(config);

    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, "caller").accountId;
    this.env = { accountId, region: config.region, partition: "aws", environment: config.environment, stage: config.stage };

    this.key = new EncryptionKey(this, "encryption-key", { env: this.env });
    this.logs = new AuditLogs(this, "audit-logs", { env: this.env, key: this.key, retentionDays: config.logs.retentionDays, objectLock: config.logs.objectLock });
    const net = config.network;
    this.network = new Network(this, "network", {
      env: this.env,
      vpcCidr: net.vpcCidr,
      availabilityZones: net.availabilityZones,
      flowLogGroup: this.logs.flowLogs,
      transitGatewayId: net.transitGatewayId,
      vpnGatewayId: net.vpnGatewayId,
      remoteCidrs: [net.ibmi.cidr, ...config.agents.flatMap((a) => a.cidrs), ...config.gateway.clientCidrs],
    });
    this.access = new AgentAccess(this, "agent-access", {
      env: this.env,
      network: this.network,
      agents: config.agents,
      mcpPort: config.mcpServer.port,
      gatewayPort: config.gateway.port,
      gatewayClientCidrs: config.gateway.clientCidrs,
      ibmi: { cidr: net.ibmi.cidr, port: net.ibmi.mapepirePort },
    });
    this.alerts = new SecurityAlerts(this, "alerts", {
      env: this.env,
      key: this.key,
      emails: config.alerts.emails,
      authFailuresPerHour: config.alerts.authFailuresPerHour,
      mcpServerLogs: this.logs.mcpServer,
      gatewayLogs: this.logs.gateway,
    });
    // The tls provider only where a certificate is made here, so acm-mode plans need no extra provider.
    if (config.tls.mode === "self-signed") new TlsProvider(this, "tls-provider");
    this.tls = new Certificate(this, "tls", {
      env: this.env,
      mode: config.tls.mode,
      domainName: config.tls.domainName,
      certificateArn: config.tls.certificateArn,
      minTlsVersion: config.tls.minVersion,
    });
    this.secrets = new Secrets(this, "secrets", {
      env: this.env,
      key: this.key,
      network: this.network,
      logs: this.logs,
      alerts: this.alerts,
      rotationDays: config.secrets.rotationDays,
      authMode: config.mcpServer.authMode,
      agents: config.agents,
      // A deleted secret's name stays taken for the whole window: short in dev, where stacks come and go.
      recoveryWindowDays: config.stage === "dev" ? 7 : 30,
    });
  }

  private configureBackend(config: McpConfig): void {
    if (config.state) {
      new S3Backend(this, {
        bucket: config.state.bucket,
        key: config.state.key ?? `${PROJECT}/${config.environment}.tfstate`,
        region: config.state.region ?? config.region,
        encrypt: true,
      });
      // cdktf 0.21's S3Backend has no prop for S3 native state locking (Terraform ≥ 1.10); set it directly.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Relative to the stack's directory (cdktf.out/stacks/<stack>): state lives beside cdktf.out, never inside it,
      // so replacing the output folder cannot delete it, and no machine path lands in the plan.
      new LocalBackend(this, { path: `../../../terraform.${stackName(config.environment)}.tfstate` });
    }
  }
}
