import { defineRule } from "../rule";
import { eachContainer, environmentOf } from "../documents";
import { show } from "../plan";

/**
 * In oauth mode each tier verifies `aud` against OAUTH_AUDIENCE (ibmi-mcp-server v0.5.1 oauthStrategy.ts:77-80): two
 * tiers with the same audience would accept each other's tokens, which undoes the tier boundary; a tier without one
 * refuses to start (oauthStrategy.ts:27-39).
 */
export const rule = defineRule(
  {
    id: "MCP-ECS-008",
    title: "Every MCP tier in oauth mode names an issuer and an audience no other tier uses",
    severity: "high",
    references: ["MCP authorization spec 2025-06-18: audience validation", "RFC 8707"],
    remediation: "Set OAUTH_AUDIENCE of each tier to its own canonical resource URI (McpService.internalUrl) and OAUTH_ISSUER_URL to the environment's issuer.",
  },
  (plan, _ctx, report) => {
    const seen = new Map<string, string>();
    let applies = false;
    eachContainer(plan, report, (td, c, label) => {
      const env = Object.fromEntries(environmentOf(c).map((e) => [e.name, e.value]));
      if (env.MCP_AUTH_MODE !== "oauth") return;
      applies = true;
      if (typeof env.OAUTH_ISSUER_URL !== "string" || !env.OAUTH_ISSUER_URL) report(td.address, `${label} is in oauth mode without OAUTH_ISSUER_URL`);
      const aud = env.OAUTH_AUDIENCE;
      if (typeof aud !== "string" || !aud) {
        report(td.address, `${label} is in oauth mode without OAUTH_AUDIENCE`);
        return;
      }
      const other = seen.get(aud);
      if (other) report(td.address, `${label} has OAUTH_AUDIENCE ${show(aud)}, as ${other} has: each accepts the other's tokens`);
      else seen.set(aud, `${td.address} ${label}`);
    });
    return applies;
  },
);
