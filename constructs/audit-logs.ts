import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { EncryptionKey } from "./encryption-key";

export interface AuditLogsProps {
  readonly env: AwsEnv;
  readonly key: EncryptionKey;
  /** Days CloudWatch keeps every log group (a value CloudWatch accepts, ≥ 90). */
  readonly retentionDays: number;
}

/** The environment's audit trail: one KMS-encrypted log group per source, all kept `retentionDays`. */
export class AuditLogs extends Construct {
  readonly mcpServer: CloudwatchLogGroup;
  readonly gateway: CloudwatchLogGroup;
  readonly flowLogs: CloudwatchLogGroup;
  private readonly props: AuditLogsProps;

  constructor(scope: Construct, id: string, props: AuditLogsProps) {
    super(scope, id);
    if (props.retentionDays < 90) throw new Error(`${this.node.path}: retentionDays ${props.retentionDays} is below the 90 days the seed asks for`);
    this.props = props;
    this.mcpServer = this.logGroup("mcp-server");
    this.gateway = this.logGroup("gateway");
    this.flowLogs = this.logGroup("vpc-flow-logs");
  }

  /** A log group named `/mcp/<env>/<name>` with the environment's retention and key. */
  logGroup(name: string): CloudwatchLogGroup {
    return new CloudwatchLogGroup(this, name, {
      name: `/mcp/${this.props.env.environment}/${name}`,
      retentionInDays: this.props.retentionDays,
      kmsKeyId: this.props.key.arn,
      logGroupClass: "STANDARD",
    });
  }
}
