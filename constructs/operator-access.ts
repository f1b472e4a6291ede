import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { EncryptionKey } from "./encryption-key";
import { PolicySecret, SecretPolicies } from "./secret-policies";

/** A secret as operators see it: its name decides the key-policy condition (the key cannot reference its ARN). */
export interface OperatorSecret extends PolicySecret {
  /** Short key, e.g. "model-api-key" or "agent-token/ops". */
  readonly key: string;
}

export interface OperatorAccessProps {
  readonly env: AwsEnv;
  readonly key: EncryptionKey;
  readonly policies: SecretPolicies;
  /** IAM role ARNs of the operators (config access.operators). */
  readonly operators: readonly string[];
  /** IAM role ARNs of the auditors (config access.auditors). @default none */
  readonly auditors?: readonly string[];
  /** The secrets only people put: operators may put them (and read them back to check). */
  readonly peopleRotated: readonly OperatorSecret[];
  /**
   * Secrets the kit generates once and people replace deliberately (gateway-encryption-secret, docs/secrets.md):
   * operators may put a new value and move AWSCURRENT back, but not read them. @default none
   */
  readonly replacedByPeople?: readonly OperatorSecret[];
  /** The agent groups' tokens: operators may read them to hand them out. */
  readonly agentTokens: readonly OperatorSecret[];
  /** Other values operators need to read, e.g. the gateway admin password to sign in to the gateway. @default none */
  readonly readByOperators?: readonly OperatorSecret[];
  /** The audit archive: auditors may decrypt its objects. */
  readonly auditBucket: S3Bucket;
}

/** Operator key grants: Secrets Manager needs these to put a value under a customer key (security-encryption.html, "Permissions for the KMS key"). */
export const OPERATOR_PUT_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;
export const DECRYPT_ONLY = ["kms:Decrypt"] as const;

/**
 * What people may do with the environment's secrets and archive, from config `access`. Each grant is scoped as far
 * as AWS lets it:
 * - operators put the people-rotated secrets (PutSecretValue in their resource policies; key use only through
 *   Secrets Manager, only for those secrets' encryption context), replace the never-rotated ones deliberately, and
 *   read the agent tokens to hand them out and the gateway admin password to sign in to the gateway;
 * - auditors decrypt the audit archive's objects, only through S3 and only for that bucket (its S3 Bucket Key makes
 *   the bucket ARN the encryption context). Their own IAM policy still needs s3:GetObject/ListBucket on it.
 * Secrets Manager passes the secret's ARN as encryption context `SecretARN` in every KMS call
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context).
 * The key policy cannot reference the secrets (they reference the key: a cycle), so it matches their names: Secrets
 * Manager appends "-" and six characters to a name to make the ARN.
 */
export class OperatorAccess extends Construct {
  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    const { env, key, policies, operators } = props;
    if (operators.length === 0) throw new Error(`${this.node.path}: operators is empty; nobody could put ${props.peopleRotated.map((s) => s.name).join(", ")}`);
    const secretArn = (name: string) => `arn:${env.partition}:secretsmanager:${env.region}:${env.accountId}:secret:${name}`;
    const replaced = props.replacedByPeople ?? [];
    if (props.peopleRotated.length) policies.allow("OperatorsPutValue", operators, ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], props.peopleRotated);
    if (replaced.length) policies.allow("OperatorsReplaceValue", operators, ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"], replaced);
    const put = [...props.peopleRotated, ...replaced];
    if (put.length) {
      key.grantPrincipalsVia("OperatorsPutSecretValues", operators, "secretsmanager", OPERATOR_PUT_KMS_ACTIONS, {
        StringLike: { "kms:EncryptionContext:SecretARN": put.map((s) => secretArn(`${s.name}-??????`)) },
      });
    }
    if (props.agentTokens.length) policies.allow("OperatorsHandOutToken", operators, ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], props.agentTokens);
    const read = props.readByOperators ?? [];
    if (read.length) policies.allow("OperatorsReadValue", operators, ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], read);
    const readPatterns = [...(props.agentTokens.length ? [secretArn(`mcp/${env.environment}/agent-token/*`)] : []), ...read.map((s) => secretArn(`${s.name}-??????`))];
    if (readPatterns.length) {
      key.grantPrincipalsVia("OperatorsReadValues", operators, "secretsmanager", DECRYPT_ONLY, {
        StringLike: { "kms:EncryptionContext:SecretARN": readPatterns.length === 1 ? readPatterns[0] : readPatterns },
      });
    }
    if (props.auditors?.length) {
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context: with an S3
      // Bucket Key the context is the bucket ARN; the object ARN form is accepted too, for objects written without one.
      key.grantPrincipalsVia("AuditorsReadArchive", props.auditors, "s3", DECRYPT_ONLY, {
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [props.auditBucket.arn, `${props.auditBucket.arn}/*`] },
      });
    }
  }
}
