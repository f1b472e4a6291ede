import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { Condition, Grantee, policyDocument, Statement } from "../lib/iam";

export interface EncryptionKeyProps {
  readonly env: AwsEnv;
  /** Days AWS waits before deleting the key once scheduled. @default 30 */
  readonly deletionWindowDays?: number;
  /** Alias name without `alias/`, unique in the account and region. @default `mcp-<environment>` */
  readonly aliasName?: string;
  /** What the key protects. @default secrets, logs and alerts of the environment */
  readonly description?: string;
  /**
   * Whether CloudWatch Logs may encrypt this account's log groups with the key. A key that protects no log group
   * (the images key) leaves it out, so no log group can be pointed at it. @default true
   */
  readonly encryptsLogGroups?: boolean;
}

/** AWS services that call KMS on a principal's behalf, as named in kms:ViaService. */
export type ViaService = "secretsmanager" | "s3";

/** Two conditions as one: keys of the same operator are merged (a key in both takes `b`'s value). */
export function merge(a: Condition, b?: Condition): Condition {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const c of [a, b ?? {}]) for (const [op, kv] of Object.entries(c)) out[op] = { ...(out[op] ?? {}), ...kv };
  return out;
}

/** Key administration without any usage rights, so administrators cannot read what the key protects. */
export const ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];
export const DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"];
export const ENCRYPT_DECRYPT_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"];
/**
 * What a service that encrypts at rest through grants (RDS, ElastiCache) needs on the key for whoever creates the
 * resource, as in AWS's own aws/rds and aws/elasticache key policies.
 */
export const GRANT_ENCRYPTION_ACTIONS = ["kms:CreateGrant", "kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ListGrants", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

const KEY_POLICY_RESOURCE = 'In a key policy the resource is always the key itself, written "*" (AWS KMS key policy reference).';

/**
 * The environment's customer-managed KMS key: rotation on, administered by the account, usable only by the
 * roles and services that are granted it. The key policy is rendered at synth from every grant.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  private readonly statements: Statement[];
  private readonly env: AwsEnv;
  /** Principals of shared statements (grantShared), by statement id: one key-policy statement for many roles. */
  private readonly shared = new Map<string, string[]>();

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
    ];
    if (props.encryptsLogGroups ?? true)
      this.statements.push({
        // CloudWatch Logs encrypts log groups with the key only when the policy names it, scoped by encryption context.
        sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        principal: { Service: `logs.${props.env.region}.amazonaws.com` },
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        resources: ["*"],
        condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": arn(props.env, "logs", "log-group:*") } },
        why: KEY_POLICY_RESOURCE,
      });
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
   * permissions deciding who: e.g. whoever creates an ECR repository lets ECR create its grants on the key. `extra`
   * narrows it further (e.g. to one kind of secret by encryption context).
   */
  allowAccountThroughService(sid: string, service: string, actions: readonly string[], extra?: Condition): void {
    this.add({
      sid,
      principal: { AWS: `arn:${this.env.partition}:iam::${this.env.accountId}:root` },
      actions,
      resources: ["*"],
      condition: merge({ StringEquals: { "kms:ViaService": `${service}.${this.env.region}.amazonaws.com`, "kms:CallerAccount": this.env.accountId } }, extra),
      why: KEY_POLICY_RESOURCE,
    });
  }

  /** Lets a role decrypt with the key, in both the key policy and the role's own policy. */
  grantDecrypt(role: Grantee, sid: string, condition?: Condition): void {
    this.grant(role, sid, DECRYPT_ACTIONS, condition);
  }

  grantEncryptDecrypt(role: Grantee, sid: string, condition?: Condition): void {
    this.grant(role, sid, ENCRYPT_DECRYPT_ACTIONS, condition);
  }

  private grant(role: Grantee, sid: string, actions: readonly string[], condition?: Condition): void {
    this.add({ sid, principal: { AWS: role.arn }, actions, resources: ["*"], condition, why: KEY_POLICY_RESOURCE });
    role.addToPolicy({ sid: `UseKey${sid}`, actions, resources: [this.key.arn], condition });
  }

  /**
   * Lets IAM roles the kit does not manage (operators, auditors: ARNs from config) use the key, only when `service`
   * ("secretsmanager", "s3") calls KMS on their behalf in this region and account. Key policy only: "Unless the key
   * policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key"
   * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html), and a key policy that names the role
   * needs no IAM policy besides. kms:ViaService and kms:CallerAccount: AWS KMS condition keys
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
   */
  grantPrincipalsVia(sid: string, principalArns: readonly string[], service: ViaService, actions: readonly string[], extra?: Condition): void {
    if (principalArns.length === 0) throw new Error(`${this.node.path}: ${sid} names no principal`);
    if (actions.some((a) => !a.startsWith("kms:") || a.includes("*"))) throw new Error(`${this.node.path}: ${sid} must list single kms: actions (got ${actions.join(", ")})`);
    this.add({
      sid,
      principal: { AWS: principalArns.length === 1 ? principalArns[0] : [...principalArns] },
      actions,
      resources: ["*"],
      condition: merge(this.via(service), extra),
      why: KEY_POLICY_RESOURCE,
    });
  }

  /**
   * Many roles of one kind in one key-policy statement (its principal list grows with each call), so the policy stays
   * far below the 32 KB key-policy limit with hundreds of agent groups. `keyCondition` holds for all of them (e.g. any
   * agent token); `roleCondition` narrows each role's own policy (e.g. its own token's SecretARN).
   */
  grantShared(role: Grantee, sid: string, service: ViaService, actions: readonly string[], keyCondition: Condition, roleCondition: Condition): void {
    let principals = this.shared.get(sid);
    if (!principals) {
      principals = [];
      this.shared.set(sid, principals);
      this.add({ sid, principal: { AWS: principals }, actions, resources: ["*"], condition: merge(this.via(service), keyCondition), why: KEY_POLICY_RESOURCE });
    } else if (JSON.stringify(this.statements.find((s) => s.sid === sid)!.actions) !== JSON.stringify(actions)) {
      throw new Error(`${this.node.path}: shared statement ${sid} already grants other actions`);
    }
    principals.push(role.arn);
    role.addToPolicy({ sid: `UseKey${sid}`, actions, resources: [this.key.arn], condition: merge(this.via(service), roleCondition) });
  }

  /** kms:ViaService of `service` in this region, and kms:CallerAccount of this account. */
  private via(service: ViaService): Condition {
    return { StringEquals: { "kms:ViaService": `${service}.${this.env.region}.amazonaws.com`, "kms:CallerAccount": this.env.accountId } };
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
