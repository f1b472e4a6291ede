/**
 * The review's "MCP authorization and CoSAI" section judges what the plan holds: the shipped jwt plans fail the
 * audience point; the same plan with its tiers in oauth mode (the environment issue 16 gives them: MCP_AUTH_MODE,
 * OAUTH_*, asymmetric KMS keys, short token lifetimes, RFC 9728 rules as lib/tier-routes.ts builds them) meets it;
 * a plan in the middle of a migration meets it partly.
 */
import { LIFETIME_TAG } from "../../functions/rotate-secret/contract";
import { LEGACY_JWT_AUTHORIZATION, PRM_PATH_PATTERN, resourceMetadata } from "../../lib/tier-routes";
import { TerraformJson } from "../../policy/types";
import { assessAuthorization, AuthPoint, authorizationSection } from "../../review/authorization";
import { extractFacts } from "../../review/facts";
import { reviewStack } from "../../review/report";
import { shippedPlan } from "../plans";
import { shippedConfigs } from "../configs";

const ISSUER = "https://mcp-dev-jwks-123456789012.s3.eu-central-1.amazonaws.com";
const statusOf = (points: readonly AuthPoint[], start: string) => points.find((p) => p.point.startsWith(start))!.status;

/** The dev plan with every tier (or all but `keepJwt`) switched to oauth the way issue 16 configures them. */
function asOauth(opts: { keepJwt?: number; metadata?: boolean } = {}): TerraformJson {
  const plan = JSON.parse(JSON.stringify(shippedPlan("dev"))) as any;
  const tds = Object.entries<any>(plan.resource.aws_ecs_task_definition).filter(([, td]) => JSON.parse(td.container_definitions)[0].environment.some((e: any) => e.name === "SELECTED_TOOLSETS"));
  expect(tds.length).toBeGreaterThan(0);
  plan.resource.aws_lb_listener_rule ??= {};
  tds.forEach(([name, td], i) => {
    if (i < (opts.keepJwt ?? 0)) {
      plan.resource.aws_lb_listener_rule[`legacy_${name}`] = {
        listener_arn: "${aws_lb_listener.x.arn}",
        priority: 900 + i,
        condition: [{ source_ip: { values: ["10.0.0.0/28"] } }, { http_header: { http_header_name: "Authorization", values: [LEGACY_JWT_AUTHORIZATION] } }],
        action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.x.arn}" }],
      };
      return;
    }
    const cs = JSON.parse(td.container_definitions);
    const audience = `http://${td.family}.mcp-dev.internal:3010/mcp`;
    cs[0].environment = cs[0].environment
      .filter((e: any) => e.name !== "MCP_AUTH_MODE")
      .concat([
        { name: "MCP_AUTH_MODE", value: "oauth" },
        { name: "OAUTH_ISSUER_URL", value: ISSUER },
        { name: "OAUTH_AUDIENCE", value: audience },
        { name: "OAUTH_JWKS_URI", value: `${ISSUER}/jwks.json` },
      ]);
    cs[0].secrets = cs[0].secrets.filter((s: any) => s.name !== "MCP_AUTH_SECRET_KEY");
    td.container_definitions = JSON.stringify(cs);
    if (opts.metadata !== false) {
      const body = resourceMetadata({ resource: audience, issuer: ISSUER, tier: { id: td.family, toolsets: ["performance"], readOnly: true } }).body;
      plan.resource.aws_lb_listener_rule[`metadata_${name}`] = {
        listener_arn: "${aws_lb_listener.x.arn}",
        priority: 800 + i,
        condition: [{ source_ip: { values: [shippedConfigs().dev.agents[0].cidrs[0]] } }, { path_pattern: { values: [PRM_PATH_PATTERN] } }],
        action: [{ type: "fixed-response", fixed_response: { status_code: "200", content_type: "application/json", message_body: body } }],
      };
    }
  });
  for (const s of Object.values<any>(plan.resource.aws_secretsmanager_secret)) if (s.tags?.[LIFETIME_TAG]) s.tags[LIFETIME_TAG] = "1";
  plan.resource.aws_kms_key.agent_signing = { key_usage: "SIGN_VERIFY", customer_master_key_spec: "ECC_NIST_P256" };
  return plan;
}

describe("MCP authorization and CoSAI verdicts", () => {
  it("finds the shipped jwt plan short on audience, metadata, lifetime and signing keys", () => {
    const plan = shippedPlan("dev");
    const points = assessAuthorization(plan, extractFacts("mcp-dev", plan));
    expect(statusOf(points, "Audience validation")).toBe("not met");
    expect(points.find((p) => p.point.startsWith("Audience validation"))!.evidence).toMatch(/every MCP service runs MCP_AUTH_MODE=jwt: upstream jwt mode checks no audience/);
    expect(statusOf(points, "Resource indicators")).toBe("not met");
    expect(statusOf(points, "Protected resource metadata")).toBe("not met");
    expect(statusOf(points, "Short-lived")).toBe("not met");
    expect(statusOf(points, "L4: long-lived signing keys")).toBe("not met");
    expect(statusOf(points, "No token passthrough")).toBe("met");
  });

  it("meets audience, lifetime and keystore points once the tiers verify oauth tokens, and the verdicts differ from jwt", () => {
    const jwt = shippedPlan("dev");
    const oauth = asOauth();
    const a = assessAuthorization(jwt, extractFacts("mcp-dev", jwt));
    const b = assessAuthorization(oauth, extractFacts("mcp-dev", oauth));
    const changed = b.filter((p, i) => p.status !== a[i].status).map((p) => [p.point, a[b.indexOf(p)].status, p.status]);
    expect(changed).toEqual([
      ["Audience validation: the server accepts only tokens issued for it", "not met", "met"],
      ["Resource indicators (RFC 8707): tokens bound to the server's canonical URI", "not met", "partly"],
      ["Protected resource metadata (RFC 9728), discoverable from a 401", "not met", "partly"],
      ["Short-lived access tokens", "not met", "met"],
      ["L2: audience (aud) validation on received tokens", "not met", "met"],
      ["L3: Resource Indicators with the server's canonical URI; mismatched audiences rejected", "not met", "partly"],
      ["L4: Resource Indicators with dynamic discovery through RFC 9728 metadata", "not met", "partly"],
      ["L3: short-lived credentials (minutes to hours)", "not met", "met"],
      ["L4: long-lived signing keys in hardware-backed or isolated keystores", "not met", "met"],
    ]);
    // What the kit cannot change stays unmet either way.
    expect(statusOf(b, "L3: sender-constrained")).toBe("not met");
    expect(statusOf(b, "L2: OAuth 2.1 with PKCE")).toBe("not met");
  });

  it("says partly while a migration keeps a jwt service, and not met for metadata the listener does not serve", () => {
    const mid = asOauth({ keepJwt: 1 });
    const points = assessAuthorization(mid, extractFacts("mcp-dev", mid));
    expect(statusOf(points, "Audience validation")).toBe("partly");
    expect(points[0].evidence).toMatch(/still run jwt .* reached by 1 HS256 listener rules of a jwt-to-oauth migration/);
    const bare = asOauth({ metadata: false });
    expect(statusOf(assessAuthorization(bare, extractFacts("mcp-dev", bare)), "Protected resource metadata")).toBe("not met");
  });

  it("keeps the metadata rules out of the tier table: they answer themselves and reach no task, so no tool", () => {
    const plan = asOauth();
    const metadata = Object.keys((plan.resource as any).aws_lb_listener_rule).filter((k) => k.startsWith("metadata_"));
    expect(metadata.length).toBeGreaterThan(0);
    const tiers = extractFacts("mcp-dev", plan).tiers;
    expect(tiers.filter((t) => t.address.startsWith("aws_lb_listener_rule.metadata_"))).toEqual([]);
    expect(tiers.length).toBeGreaterThan(0);
    for (const t of tiers) expect(t.toolsets.length).toBeGreaterThan(0);
  });

  it("is a section of the stack report, and absent where no MCP server runs", () => {
    const md = reviewStack("mcp-dev", asOauth()).markdown;
    expect(md).toContain("## MCP authorization and CoSAI");
    expect(md.indexOf("## MCP authorization and CoSAI")).toBeLessThan(md.indexOf("## 5. Seed checklist"));
    expect(authorizationSection({ resource: {} } as TerraformJson, extractFacts("x", { resource: {} } as TerraformJson))).toEqual([]);
  });
});
