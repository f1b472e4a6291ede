import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { Condition, policyDocument, Statement } from "../lib/iam";
import { ServiceRole } from "./service-role";

export interface EncryptionKeyProps {
  readonly env: AwsEnv;
  /** Days AWS waits before deleting the key once scheduled. @default 30 */
  readonly deletionWindowDays?: number;
  /** Alias name without `alias/`, unique in the account and region. @default `mcp-<environment>` */
  readonly aliasName?: string;
  /** What the key protects. @default secrets, logs and alerts of the environment */
  readonly description?: string;
}

/** Key administration without any usage rights, so administrators cannot read what the key protects. */
const ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
  "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
  "kms:ListAliases", "kms:ListGrants", "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy",
  "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
  "kms:UpdateAlias", "kms:UpdateKeyDescription",
];
export const DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"];
export const ENCRYPT_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

const KEY_POLICY_RESOURCE = "In a key policy the resource is always the key itself, written \"*\" (AWS KMS key policy reference).";

/**
 * The environment's customer-managed KMS key: rotation on, administered by the account, usable only by the
 * roles and services that are granted it. The key policy is rendered at synth from every grant.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  private readonly statements: Statement[];
  private readonly env: AwsEnv;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.env = props.env;
    const deletionWindowInDays = props.deletionWindowDays ?? 30;
    if (deletionWindowInDays < 7 || deletionWindowInDays > 30) throw new Error(`${this.node.path}: deletionWindowDays ${deletionWindowInDays} must be 7 to 30 (AWS KMS limits)`);
    this.statements = [
      {
        // Without an administrator AWS refuses the policy (lockout safety check); the account root delegates to IAM.
        sid: "AccountAdministersKey",
        principal: { AWS: `arn:${props.env.partition}:iam::${props.env.accountId}:root` },
        actions: ADMIN_ACTIONS,
        resources: ["*"],
        why: KEY_POLICY_RESOURCE,
      },
      {
        // CloudWatch Logs encrypts log groups with the key only when the policy names it, scoped by encryption context.
        sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        principal: { Service: `logs.${props.env.region}.amazonaws.com` },
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        resources: ["*"],
        condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": arn(props.env, "logs", "log-group:*") } },
        why: KEY_POLICY_RESOURCE,
      },
    ];
    this.key = new KmsKey(this, "key", {
      description: props.description ?? `Encrypts secrets, logs and alerts of the IBM i MCP environment ${props.env.environment}`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
    this.alias = new KmsAlias(this, "alias", { name: `alias/${props.aliasName ?? prefix(props.env)}`, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }

  /** Lets an AWS service principal use the key (e.g. CloudWatch alarms publishing to an encrypted topic). */
  allowService(sid: string, service: string, actions: readonly string[], condition?: Condition): void {
    this.add({ sid, principal: { Service: service }, actions, resources: ["*"], condition, why: KEY_POLICY_RESOURCE });
  }

  /**
   * Lets principals of this account use the key only through one AWS service (`kms:ViaService`), with their own IAM
   * permissions deciding who: e.g. whoever creates an ECR repository lets ECR create its grants on the key.
   */
  allowAccountThroughService(sid: string, service: string, actions: readonly string[]): void {
    this.add({
      sid,
      principal: { AWS: `arn:${this.env.partition}:iam::${this.env.accountId}:root` },
      actions,
      resources: ["*"],
      condition: { StringEquals: { "kms:ViaService": `${service}.${this.env.region}.amazonaws.com`, "kms:CallerAccount": this.env.accountId } },
      why: KEY_POLICY_RESOURCE,
    });
  }

  /** Lets a role decrypt with the key, in both the key policy and the role's own policy. */
  grantDecrypt(role: ServiceRole, sid: string, condition?: Condition): void {
    this.grant(role, sid, DECRYPT_ACTIONS, condition);
  }

  grantEncryptDecrypt(role: ServiceRole, sid: string, condition?: Condition): void {
    this.grant(role, sid, ENCRYPT_DECRYPT_ACTIONS, condition);
  }

  private grant(role: ServiceRole, sid: string, actions: readonly string[], condition?: Condition): void {
    this.add({ sid, principal: { AWS: role.arn }, actions, resources: ["*"], condition, why: KEY_POLICY_RESOURCE });
    role.addToPolicy({ sid: `UseKey${sid}`, actions, resources: [this.key.arn], condition });
  }

  private add(s: Statement): void {
    if (this.statements.some((x) => x.sid === s.sid)) throw new Error(`${this.node.path}: key policy statement "${s.sid}" already exists`);
    this.statements.push(s);
  }

  /** The key policy statements (for tests and reports). */
  get policyStatements(): readonly Statement[] {
    return this.statements;
  }
}
