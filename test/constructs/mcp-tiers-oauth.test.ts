/**
 * McpTiers in oauth mode, on the synthesized plan: RFC 9728 metadata answered by the load balancer, and during a
 * jwt-to-oauth migration two services per tier with the HS256 rule before the oauth rule, so no agent range is ever
 * without a service that accepts the token it holds. The tiers here sit on a second load balancer inside a shipped
 * stack; until the oauth McpAuth exists (issue 16, h2) the "oauth" services verify with a placeholder auth: routing
 * does not depend on it.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { signHs256 } from "../../functions/rotate-secret/jwt";
import { signEs256 } from "../../functions/shared/es256";
import { LoadBalancer } from "../../constructs/load-balancer";
import { McpTiers, McpTiersOauth } from "../../constructs/mcp-tiers";
import { formatIp, toCidr } from "../../lib/cidr";
import { MAX_FIXED_RESPONSE_BODY, PRM_PATH, resourceMetadata } from "../../lib/tier-routes";
import { TierAgent } from "../../lib/tiers";
import { rule as limits } from "../../policy/deploy/mcp-deploy-019";
import { rule as metadataRule } from "../../policy/deploy/mcp-deploy-021";
import { rule as tierRouting } from "../../policy/rules/mcp-lb-006";
import { policyContextOf } from "../../app/policy-step";
import { TerraformJson } from "../../policy/types";
import { McpStack } from "../../stacks/mcp-stack";
import { judge, lines } from "../policy/fixtures";
import { resources, shippedConfigs, synthStack } from "../helpers";
import { albRoute } from "../support/alb-route";

const ISSUER = "https://mcp-o-jwks-123456789012.s3.eu-central-1.amazonaws.com";
const now = Math.floor(Date.now() / 1000);

function oauthPlan(agents: readonly TierAgent[], oauth: Omit<McpTiersOauth, "issuer" | "legacyAuthFor"> & { readonly migration: boolean; readonly issuer?: string }): { plan: TerraformJson; tiers: McpTiers; listener: string } {
  let tiers!: McpTiers;
  let lb!: LoadBalancer;
  const { plan } = synthStack(shippedConfigs().dev, (stack: McpStack) => {
    const env = { ...stack.env, environment: "o" };
    lb = new LoadBalancer(stack, "oauth-lb", { env, network: stack.network, securityGroup: stack.access.loadBalancerGroup, tls: { certificateArn: stack.tls.certificateArn, sslPolicy: stack.tls.sslPolicy } });
    const jwt = (tierId: string) => ({ mode: "jwt" as const, signingSecret: stack.tierSecrets!.of(tierId) });
    tiers = new McpTiers(stack, "oauth-tiers", {
      env,
      agents,
      cluster: stack.cluster,
      network: stack.network,
      securityGroup: stack.access.taskGroup,
      loadBalancer: lb,
      images: stack.images,
      image: stack.images.of("ibmi-mcp-server"),
      logGroup: stack.logs.mcpServer,
      ibmi: { host: "ibmi.example.internal", credentials: stack.secrets.ibmiCredentials },
      // Placeholder for the oauth McpAuth (h2); the shipped dev tiers' signing secrets exist for these grants.
      authFor: (tier) => jwt(tier.id),
      oauth: { ...oauth, issuer: oauth.issuer ?? ISSUER, legacyAuthFor: oauth.migration ? (tier) => jwt(tier.id) : undefined },
    });
  });
  const listener = resources(plan, "aws_lb_listener").find(([, l]) => l.port === 3010 && JSON.stringify(l.load_balancer_arn).includes("oauth-lb"))![0];
  return { plan, tiers, listener };
}

const tokens = async () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const es256 = await signEs256({ iss: ISSUER, aud: "x", sub: "g", client_id: "g", scp: ["performance"], iat: now, nbf: now, exp: now + 3600, jti: "j" }, "kid-1", async (input) => sign("sha256", input, { key: privateKey, dsaEncoding: "der" }));
  const hs256 = signHs256({ cid: "g", sub: "g", scp: ["performance"], iat: now, exp: now + 86400 }, "k".repeat(48));
  return { es256, hs256 };
};

/** The dev config's agent groups (same grants as the shipped tiers, whose signing secrets the placeholder uses). */
const devAgents = () => shippedConfigs().dev.agents;
const firstAndLast = (c: string) => {
  const r = toCidr(c)!;
  return [r.network, r.network + 2 ** (32 - r.prefix) - 1].map(formatIp);
};
const targetName = (plan: TerraformJson, tg?: string) => (tg ? resources(plan, "aws_lb_target_group").find(([a]) => a === tg)![1].name : undefined);

describe("McpTiers during a jwt-to-oauth migration", () => {
  let built: ReturnType<typeof oauthPlan>;
  beforeAll(() => {
    built = oauthPlan(devAgents(), { migration: true });
  });

  it("runs two services per tier: the oauth one and today's jwt one, each behind its own target group", () => {
    const { plan, tiers } = built;
    for (const t of tiers.tiers) {
      const names = resources(plan, "aws_lb_target_group").map(([, g]) => g.name);
      expect(names).toEqual(expect.arrayContaining([`mcp-o-${t.id}`, `mcp-o-${t.id}-jwt`]));
      const legacy = resources(plan, "aws_ecs_task_definition").find(([, td]) => td.family === `mcp-o-${t.id}-jwt`)![1];
      const c = JSON.parse(legacy.container_definitions)[0];
      const env = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
      // MCP_AUTH_MODE=jwt with MCP_AUTH_SECRET_KEY: upstream jwtStrategy.ts verifies HS256 with that key (v0.5.1).
      expect([env.MCP_AUTH_MODE, env.SELECTED_TOOLSETS, c.secrets.map((s: any) => s.name)]).toEqual(["jwt", t.toolsets.join(","), expect.arrayContaining(["MCP_AUTH_SECRET_KEY"])]);
      expect(tiers.legacyServices[t.id].tier.id).toBe(`${t.id}-jwt`);
    }
  });

  it("sends every agent range's HS256 tokens to its tier's jwt service, ES256 and tokenless requests to the oauth one", async () => {
    const { plan, tiers, listener } = built;
    const { es256, hs256 } = await tokens();
    for (const a of devAgents()) {
      const tier = tiers.tiers.find((t) => t.agents.includes(a.name))!;
      for (const c of a.cidrs) {
        for (const ip of firstAndLast(c)) {
          const at = (headers?: Record<string, string>) => targetName(plan, albRoute(plan, listener, { ip, path: "/mcp", headers }).targetGroup);
          expect([a.name, ip, at({ Authorization: `Bearer ${hs256}` })]).toEqual([a.name, ip, `mcp-o-${tier.id}-jwt`]);
          expect([a.name, ip, at({ Authorization: `Bearer ${es256}` }), at()]).toEqual([a.name, ip, `mcp-o-${tier.id}`, `mcp-o-${tier.id}`]);
        }
      }
    }
    expect(albRoute(plan, listener, { ip: "10.99.0.1", path: "/mcp", headers: { Authorization: `Bearer ${hs256}` } }).fixed?.status).toBe("403");
  });

  it("numbers each header rule before the oauth rule with the same ranges", () => {
    const { plan, listener } = built;
    const rules = resources(plan, "aws_lb_listener_rule").filter(([, r]) => r.listener_arn.includes(listener));
    const legacy = rules.filter(([, r]) => r.condition.some((c: any) => c.http_header));
    expect(legacy.length).toBeGreaterThan(0);
    for (const [, l] of legacy) {
      const ranges = l.condition.find((c: any) => c.source_ip).source_ip.values;
      const forward = rules.filter(([, r]) => r.condition.length === 1 && JSON.stringify(r.condition[0].source_ip?.values) === JSON.stringify(ranges));
      expect(forward).toHaveLength(1);
      expect(l.priority).toBeLessThan(forward[0][1].priority);
      expect(l.condition.find((c: any) => c.http_header).http_header).toEqual({ http_header_name: "Authorization", values: ["Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.*"] });
    }
    expect(judge(limits, plan).verdict).toBe("pass");
    expect(judge(metadataRule, plan).verdict).toBe("pass");
  });

  it("passes the tier routing policy (MCP-LB-006) with its metadata and legacy rules", () => {
    const r = judge(tierRouting, built.plan, policyContextOf(shippedConfigs().dev));
    expect([r.verdict, lines(r)]).toEqual(["pass", []]);
  });

  it("answers the metadata path from each range with the tier's audience and the issuer", () => {
    const { plan, tiers, listener } = built;
    for (const a of devAgents()) {
      const tier = tiers.tiers.find((t) => t.agents.includes(a.name))!;
      for (const path of [PRM_PATH, `${PRM_PATH}/mcp`]) {
        const got = albRoute(plan, listener, { ip: firstAndLast(a.cidrs[0])[0], path }).fixed!;
        expect([got.status, got.contentType]).toEqual(["200", "application/json"]);
        expect(got.body!.length).toBeLessThanOrEqual(MAX_FIXED_RESPONSE_BODY);
        // The audience is the oauth service's internal URL (a Cloud Map name, resolved at apply).
        expect(JSON.parse(got.body!)).toEqual(expect.objectContaining({ resource: expect.stringMatching(new RegExp(`^http://${tier.id}\\.`)), authorization_servers: [ISSUER], scopes_supported: tier.toolsets }));
      }
    }
  });
});

describe("McpTiers in oauth mode without migration", () => {
  it("has no jwt service: after the cut-over an HS256 token reaches the oauth service, which refuses it", async () => {
    const { plan, tiers, listener } = oauthPlan(devAgents(), { migration: false });
    expect(tiers.legacyServices).toEqual({});
    expect(resources(plan, "aws_lb_target_group").filter(([, g]) => /-jwt$/.test(g.name))).toEqual([]);
    const { hs256 } = await tokens();
    const a = devAgents()[0];
    const tier = tiers.tiers.find((t) => t.agents.includes(a.name))!;
    expect(targetName(plan, albRoute(plan, listener, { ip: firstAndLast(a.cidrs[0])[0], path: "/mcp", headers: { Authorization: `Bearer ${hs256}` } }).targetGroup)).toBe(`mcp-o-${tier.id}`);
  });

  it("leaves the metadata out when asked, and keeps 4 ranges a rule, so its forward rules are the ones metadata would precede", () => {
    const many: TierAgent[] = [{ name: "many", cidrs: ["10.20.1.0/28", "10.20.2.0/28", "10.20.3.0/28", "10.20.4.0/28", "10.20.5.0/28"], toolsets: devAgents()[0].toolsets, readOnly: devAgents()[0].readOnly }];
    const forward = (protectedResourceMetadata: boolean) => {
      const { plan, listener } = oauthPlan(many, { migration: false, protectedResourceMetadata });
      const rules = resources(plan, "aws_lb_listener_rule").filter(([, r]) => r.listener_arn.includes(listener));
      return rules.filter(([, r]) => r.action[0].type === "forward").map(([address, r]) => [address, r.priority, r.condition]);
    };
    const without = forward(false);
    expect(without.map(([, , c]) => (c as any[]).map((x) => Object.keys(x)[0]))).toEqual([["source_ip"], ["source_ip"]]);
    expect(without.map(([, , c]) => (c as any[])[0].source_ip.values.length).sort()).toEqual([1, 4]);
    // Turning metadata on adds rules and leaves these as they are (address, priority, ranges): lib/rule-priorities.ts.
    expect(forward(true)).toEqual(without);
  });

  it("serves a tier whose metadata would overflow 1,024 characters without scopes_supported, and the policy agrees", () => {
    const agents = devAgents().slice(0, 1);
    const tier = { id: "x", toolsets: [...new Set(agents[0].toolsets)].sort(), readOnly: agents[0].readOnly };
    const audience = "http://aud.mcp-o.internal:3010/mcp";
    // An issuer just long enough that the full document takes 1,030 characters.
    const base = JSON.stringify(JSON.parse(resourceMetadata({ resource: audience, issuer: "", tier }).body)).length;
    const issuer = `https://${"b".repeat(1030 - base - "https://".length)}`;
    expect(resourceMetadata({ resource: audience, issuer, tier }).omitted).toEqual(["scopes_supported"]);
    const { plan, listener } = oauthPlan(agents, { migration: false, audienceOf: () => audience, issuer });
    const bodies = resources(plan, "aws_lb_listener_rule")
      .filter(([, r]) => r.listener_arn.includes(listener) && r.action[0].type === "fixed-response")
      .map(([, r]) => JSON.parse(r.action[0].fixed_response.message_body));
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect([b.resource, b.authorization_servers, b.scopes_supported]).toEqual([audience, [issuer], undefined]);
    expect(judge(metadataRule, plan).verdict).toBe("pass");
  });
});
