import { defaultEncryption } from "../buckets";
import { PolicyStatement } from "../documents";
import { PlanResource, PlanView } from "../plan";
import { defineRule } from "../rule";
import { actionMatches, allowing, DOCS, keyOf, keyPolicy, referencesIn, rolePolicies } from "./support";

/**
 * What using a resource encrypted with a customer key asks of the caller's KMS permissions: Secrets Manager, S3
 * and SNS call KMS with the caller's identity.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
const IMPLIED: readonly { action: string; type: string; kms: readonly string[] }[] = [
  { action: "secretsmanager:GetSecretValue", type: "aws_secretsmanager_secret", kms: ["kms:Decrypt"] },
  { action: "secretsmanager:PutSecretValue", type: "aws_secretsmanager_secret", kms: ["kms:GenerateDataKey", "kms:Decrypt"] },
  { action: "s3:PutObject", type: "aws_s3_bucket", kms: ["kms:GenerateDataKey"] },
  { action: "s3:GetObject", type: "aws_s3_bucket", kms: ["kms:Decrypt"] },
  { action: "sns:Publish", type: "aws_sns_topic", kms: ["kms:GenerateDataKey", "kms:Decrypt"] },
];
const KMS_USAGE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"];

/**
 * Whether a key-policy statement for the account can cover a use of the key through `service` (secretsmanager, s3,
 * sns; undefined for a direct grant on the key): not when it is limited to other services (kms:ViaService), nor when it
 * is limited to certain encryption contexts (e.g. only RDS's own rds!db-… secrets), which the plan cannot match
 * against the role's resources.
 */
function coversForAccount(s: PolicyStatement, service: string | undefined): boolean {
  const conditions = Object.values(s.condition ?? {}) as Record<string, unknown>[];
  if (conditions.some((c) => Object.keys(c ?? {}).some((k) => k.toLowerCase().startsWith("kms:encryptioncontext:")))) return false;
  if (!service) return true;
  const via = conditions.flatMap((c) =>
    Object.entries(c ?? {})
      .filter(([k]) => k.toLowerCase() === "kms:viaservice")
      .flatMap(([, v]) => [v].flat().map(String)),
  );
  return via.length === 0 || via.some((v) => v.startsWith(`${service}.`));
}

/** The customer key a resource is encrypted with, when the plan names it. */
function resourceKey(plan: PlanView, r: PlanResource): PlanResource | undefined {
  if (r.type === "aws_secretsmanager_secret") return keyOf(plan, r.body.kms_key_id);
  if (r.type === "aws_sns_topic") return keyOf(plan, r.body.kms_master_key_id);
  if (r.type === "aws_s3_bucket") {
    const kms = defaultEncryption(plan, r).find((e) => String(e.algorithm).startsWith("aws:kms"));
    return kms ? keyOf(plan, kms.key) : undefined;
  }
  return undefined;
}

/**
 * A role that reads a CMK-encrypted secret, writes to an SSE-KMS bucket, publishes to an encrypted topic, or is
 * granted KMS actions on a key, can do so only if the key policy allows it: naming the role, or delegating to the
 * account (root) so the role's own IAM grant counts. Otherwise the call fails at run time with AccessDenied
 * (tasks that never start, a rotation that never completes, a Firehose that drops records).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-004",
    title: "Roles that use encrypted secrets, buckets, topics or keys are allowed by the key policy",
    severity: "high",
    references: [],
    remediation: `Grant the role through the key (key.grantDecrypt(role, sid) / grantEncryptDecrypt), which adds it to the key policy and to the role's policy; see ${DOCS.keyPolicyIam}`,
  },
  (plan, _ctx, report) => {
    let applicable = false;
    for (const [role, statements] of rolePolicies(plan)) {
      // key → kms actions the role needs on it, with why; and the kms actions its IAM policy grants on it.
      const needs = new Map<PlanResource, Map<string, { why: string; service?: string }>>();
      const granted = new Map<PlanResource, Set<string>>();
      const need = (key: PlanResource, action: string, why: string, service?: string) => {
        if (!needs.has(key)) needs.set(key, new Map());
        if (!needs.get(key)!.has(action)) needs.get(key)!.set(action, { why, service });
      };
      for (const s of statements.filter((x) => x.effect === "Allow")) {
        const targets = s.resources
          .flatMap(referencesIn)
          .map((a) => plan.get(a))
          .filter((r): r is PlanResource => !!r);
        for (const t of targets) {
          if (t.type === "aws_kms_key") {
            for (const a of KMS_USAGE) {
              if (!s.actions.some((x) => actionMatches(x, a))) continue;
              if (!granted.has(t)) granted.set(t, new Set());
              granted.get(t)!.add(a);
              if (s.actions.includes(a)) need(t, a, `its policy grants ${a} on the key`);
            }
            continue;
          }
          for (const imp of IMPLIED) {
            if (t.type !== imp.type || !s.actions.some((x) => actionMatches(x, imp.action))) continue;
            const key = resourceKey(plan, t);
            if (key) imp.kms.forEach((k) => need(key, k, `${imp.action} on ${t.address}, which is encrypted with the key`, imp.action.split(":")[0]));
          }
        }
      }
      for (const [key, actions] of needs) {
        applicable = true;
        const policy = keyPolicy(plan, key);
        if (!policy.ok) continue; // The default key policy delegates everything to IAM.
        for (const [action, { why, service }] of actions) {
          const direct = allowing(plan, policy.statements, { role }, action).length > 0;
          const viaAccount = allowing(plan, policy.statements, { accountRoot: true }, action).some((st) => coversForAccount(st, service)) && !!granted.get(key)?.has(action);
          if (!direct && !viaAccount) report(role.address, `needs ${action} on ${key.address} (${why}), but the key policy allows it neither to the role nor to the account for IAM to grant`);
        }
      }
    }
    return applicable;
  },
);
