import { defineRule } from "../rule";
import { environmentOf, eachContainer } from "../documents";
import { parseReference } from "../plan";

/** Name parts that mark a secret… */
const SECRET_WORDS = new Set(["PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE"]);
/** …unless the name ends in a part that says the value only points at or describes one (IBMI_AUTH_PRIVATE_KEY_PATH, IBMI_AUTH_KEY_ID). */
const NOT_SECRET_SUFFIXES = new Set(["PATH", "FILE", "ID", "ARN", "NAME", "SECONDS", "MINUTES", "HOURS", "DAYS", "EXPIRY", "EXPIRATION", "ENABLED", "REQUIRED", "MODE", "TYPE", "HEADER", "LENGTH", "TTL", "ALGORITHM", "ISSUER", "AUDIENCE"]);

/** Whether an environment variable name says it holds a secret (DB2i_PASS, MCP_AUTH_SECRET_KEY, OPENAI_API_KEY…). */
export function looksSecret(name: string): boolean {
  const parts = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (parts.length === 0 || NOT_SECRET_SUFFIXES.has(parts[parts.length - 1])) return false;
  return parts.some((p) => SECRET_WORDS.has(p) || /^(API|ACCESS|SECRET|SIGNING|PRIVATE)?KEY$/.test(p) || p.endsWith("PASSWORD") || p.endsWith("TOKEN") || p.endsWith("SECRET"));
}

/** Resource attributes that hold secret material: putting one in `environment` writes it into the task definition. */
const SECRET_ATTRS: Readonly<Record<string, readonly string[]>> = {
  random_password: ["result", "bcrypt_hash"],
  aws_secretsmanager_secret_version: ["secret_string", "secret_binary"],
  tls_private_key: ["private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"],
  aws_iam_access_key: ["secret", "ses_smtp_password_v4"],
};

export const rule = defineRule(
  {
    id: "MCP-ECS-004",
    title: "Secrets reach containers through `secrets`, never `environment`",
    severity: "critical",
    references: ["AWS-0036", "cdk-nag ECS2"],
    remediation: "Move the value to Secrets Manager and inject it with the container's `secrets` (valueFrom = the secret's ARN); the task still sees an environment variable.",
  },
  (plan, _ctx, report) =>
    eachContainer(plan, report, (td, c, label) => {
      for (const e of environmentOf(c)) {
        const ref = parseReference(e.value);
        // A literal boolean carries no secret, whatever the name says (REQUIRE_TOKEN_EXPIRATION=true).
        const flag = typeof e.value === "boolean" || /^(true|false)$/i.test(String(e.value));
        if (looksSecret(e.name) && !flag) report(td.address, `${label} passes ${e.name} in environment; its name marks a secret`);
        else if (ref && SECRET_ATTRS[ref.type]?.includes(ref.attr.split(/[.[]/)[0])) report(td.address, `${label} passes ${e.name} = ${ref.address}.${ref.attr} in environment, which is secret material`);
        else if (typeof e.value === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i.test(e.value)) report(td.address, `${label} passes ${e.name} in environment with credentials inside the URL`);
      }
    }),
);
