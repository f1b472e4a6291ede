/**
 * Secrets Manager entries and KMS keys: each secret's key, rotation, age alerts, the containers that read it, the
 * roles whose policies name it and who may read or write it all told; and where a secret must never be (variable
 * defaults, secret versions with a value in the plan).
 */
import { factsOf } from "../../lib/resource-meta";
import { TerraformJson } from "../../policy/types";
import type { ContainerFact, Facts, SecretFact } from "../facts";
import { byKey } from "../markdown";
import { blocks, bool, literal, num, PlanIndex } from "../plan-index";
import { SecretAccessIndex } from "../secret-access";
import { PolicyDocument } from "./iam";
import { keyLabel, labelOf } from "./labels";

// What can watch a secret nothing rotates: an alarm, or a schedule running a check.
const ALARMISH = ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_event_rule", "aws_scheduler_schedule", "aws_config_config_rule"];

/** Every secret, sorted by name. */
export function secretFacts(idx: PlanIndex, containers: readonly ContainerFact[], docs: readonly PolicyDocument[]): SecretFact[] {
  // Serialized once: every secret is looked up in every alarm and policy (hundreds of each with many agent groups).
  const alarmTexts = ALARMISH.flatMap((t) => idx.all(t)).map((r) => ({ r, text: JSON.stringify(r.body) }));
  const policyTexts = docs.map((p) => ({ p, text: JSON.stringify(p.doc ?? {}) }));
  // Which texts name which address at the start of an interpolation (`${<type>.<name>.`), found in one pass each.
  const alarmsNaming = namedAt(alarmTexts);
  const policiesNaming = namedAt(policyTexts);
  const secretAccess = new SecretAccessIndex(idx);
  const secrets: SecretFact[] = idx.all("aws_secretsmanager_secret").map((s) => {
    const name = literal(s.body.name) ?? (literal(s.body.name_prefix) ? `${literal(s.body.name_prefix)}…` : s.address);
    const key = keyLabel(idx, s.body.kms_key_id, "aws/secretsmanager (AWS managed)");
    const rot = idx.referencingVia(s, "aws_secretsmanager_secret_rotation", (b) => b.secret_id)[0];
    const rules = rot ? blocks(rot.body.rotation_rules)[0] : undefined;
    const byName = literal(s.body.name) !== undefined ? JSON.stringify(literal(s.body.name)).slice(1, -1) : undefined;
    const referring = alarmsNaming.get(s.address) ?? new Set();
    const alerts = alarmTexts.filter((a) => referring.has(a) || (byName !== undefined && a.text.includes(byName))).map(({ r }) => `${labelOf(r, r.address)} (${r.address})`);
    const readers = containers.flatMap((c) => c.secrets.filter((x) => x.secret === s.address).map((x) => `${c.family}/${c.name} as ${x.name}`)).sort();
    const grantees = [...new Set(policyTexts.filter((p) => policiesNaming.get(s.address)?.has(p)).map(({ p }) => p.role ?? p.address))].sort();
    return {
      address: s.address,
      name,
      description: literal(s.body.description),
      purpose: factsOf(s.body).secretPurpose,
      kmsKey: key.label,
      customerKey: key.customer,
      rotation: rot ? { address: rot.address, days: num(rules?.automatically_after_days), schedule: literal(rules?.schedule_expression) } : undefined,
      alerts: alerts.sort(),
      readers,
      grantees,
      access: secretAccess.of(s),
    };
  });
  return secrets.sort(byKey((s) => s.name));
}

/** For each address a text names at the start of an interpolation (`${aws_x.name.attr}`), the texts that do. */
function namedAt<T extends { readonly text: string }>(texts: readonly T[]): Map<string, Set<T>> {
  const out = new Map<string, Set<T>>();
  for (const t of texts) {
    for (const m of t.text.matchAll(/\$\{([A-Za-z0-9_]+\.[A-Za-z0-9_-]+)\./g)) {
      const set = out.get(m[1]) ?? new Set<T>();
      set.add(t);
      out.set(m[1], set);
    }
  }
  return out;
}

/** Every KMS key: its alias (else address) and rotation. */
export function keyFacts(idx: PlanIndex): Facts["keys"][number][] {
  return idx.all("aws_kms_key").map((k) => ({ address: k.address, label: keyLabel(idx, `\${${k.address}.arn}`, "").label, rotation: bool(k.body.enable_key_rotation), periodDays: num(k.body.rotation_period_in_days) }));
}

/** `variable` blocks with a default value, and secret versions whose value is in the plan. */
export function secretLeakFacts(idx: PlanIndex, plan: TerraformJson): Pick<Facts, "variablesWithDefaults" | "secretVersionsWithValue"> {
  return {
    variablesWithDefaults: Object.entries((plan.variable ?? {}) as Record<string, any>)
      .filter(([, v]) => v && v.default !== undefined)
      .map(([k]) => `var.${k}`)
      .sort(),
    secretVersionsWithValue: idx
      .all("aws_secretsmanager_secret_version")
      .filter((v) => v.body.secret_string !== undefined || v.body.secret_binary !== undefined)
      .map((v) => v.address),
  };
}
