/**
 * The review's "Token signing keys" part (oauth mode, docs/service.md "Token scoping"): which KMS keys sign tokens, each
 * tier's audience, where the JWKS is, how long a revoked group's token keeps working, and what the keys cost.
 */
import { JOSE_CACHE_MAX_AGE_SECONDS, TOKEN_KEY_TAG } from "../functions/rotate-secret/contract";
import { TerraformJson } from "../policy/types";
import { code, table } from "./markdown";

/** AWS KMS list price of one asymmetric customer-managed key per month, before requests (us-east-1, 2026). */
export const ASYMMETRIC_KEY_USD_PER_MONTH = 1;

/** Markdown lines of the section; none for a plan without token signing keys (jwt, ibmi or none mode). */
export function tokenKeysSection(plan: TerraformJson): string[] {
  const keys = Object.entries(plan.resource?.aws_kms_key ?? {}).filter(([, k]: [string, any]) => k?.tags?.[TOKEN_KEY_TAG] !== undefined) as [string, any][];
  if (!keys.length) return [];
  const tiers = Object.values(plan.resource?.aws_ecs_task_definition ?? {})
    .map((td: any) => {
      try {
        const c = JSON.parse(td.container_definitions)[0];
        const env = Object.fromEntries((c.environment ?? []).map((e: any) => [e.name, e.value]));
        return env.MCP_AUTH_MODE === "oauth" ? { tier: String(td.tags?.tier ?? td.family), audience: String(env.OAUTH_AUDIENCE), jwks: String(env.OAUTH_JWKS_URI) } : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((t): t is { tier: string; audience: string; jwks: string } => !!t);
  const minutes = JOSE_CACHE_MAX_AGE_SECONDS / 60;
  return [
    "### Token signing keys (oauth)",
    "",
    table(
      ["Key", "Signs for", "Generation", "Spec"],
      keys.map(([address, k]) => [code(`aws_kms_key.${address}`), String(k.tags["token-owner"]), String(k.tags["key-generation"]), `${k.customer_master_key_spec} ${k.key_usage}`]),
    ),
    "",
    table(
      ["Tier", "Audience (OAUTH_AUDIENCE)", "JWKS (OAUTH_JWKS_URI)"],
      tiers.map((t) => [t.tier, code(t.audience), code(t.jwks)]),
    ),
    "",
    `- **Revocation:** a revoked group's key leaves the JWKS on the next apply; each tier refuses its tokens at the latest ${minutes} minutes later (jose's JWKS cache age), or when they expire if sooner.`,
    `- **Cost:** ${keys.length} asymmetric keys, about $${keys.length * ASYMMETRIC_KEY_USD_PER_MONTH} a month before requests (agentTokens.keyPer "tier" makes one key per tier).`,
    "",
  ];
}
