import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { resourceMetadata, TierRule, tierRules } from "../lib/tier-routes";
import { planTiers, Tier, TierAgent } from "../lib/tiers";
import { loadToolCatalogue, ToolCatalogue } from "../lib/tool-catalogue";
import { ContainerImage, ContainerImages } from "./container-images";
import { LoadBalancer } from "./load-balancer";
import { McpAuth, McpService, McpServiceProps } from "./mcp-service";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceCluster } from "./service-cluster";

export interface McpTiersProps {
  readonly env: AwsEnv;
  /** Every agent group: each is routed to the tier of its (toolsets, readOnly) grant. */
  readonly agents: readonly TierAgent[];
  /** The toolsets and their risks (lib/tool-catalogue.ts). @default the catalogue of tools/ */
  readonly catalogue?: ToolCatalogue;
  readonly cluster: ServiceCluster;
  readonly network: Network;
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: LoadBalancer;
  readonly images: ContainerImages;
  readonly image: ContainerImage;
  readonly logGroup: CloudwatchLogGroup;
  readonly ibmi: { readonly host: string; readonly credentials: ReadableSecret };
  /** The auth settings of one tier: in jwt mode, that tier's own signing secret. */
  readonly authFor: (tier: Tier) => McpAuth;
  /**
   * oauth mode (MCP_AUTH_MODE=oauth): the listener answers each tier's protected resource metadata (RFC 9728) and, while
   * agents move from jwt, sends HS256 tokens to each tier's legacy jwt service. @default none (jwt or ibmi mode)
   */
  readonly oauth?: McpTiersOauth;
  /** Settings every tier shares (count, size, log level, session mode, execute_sql, rate limit, IBM i CA and its check). */
  readonly server?: Pick<McpServiceProps, "port" | "desiredCount" | "cpu" | "memoryMiB" | "logLevel" | "sessionMode" | "executeSql" | "rateLimit" | "ibmiCaCertificate" | "verifyIbmiCertificate">;
}

/** What McpTiers needs of the oauth token model (issue 16): the issuer, each tier's audience, the legacy jwt auth. */
export interface McpTiersOauth {
  /** The environment's issuer, every tier's OAUTH_ISSUER_URL: `https://<jwks bucket>.s3.<region>.amazonaws.com`. */
  readonly issuer: string;
  /** A tier's audience, its OAUTH_AUDIENCE (canonical resource URI). @default the tier's internal URL (`service.internalUrl`) */
  readonly audienceOf?: (tier: Tier, service: McpService) => string;
  /** Answer `/.well-known/oauth-protected-resource*` from each tier's ranges (one more rule per chunk). @default true */
  readonly protectedResourceMetadata?: boolean;
  /**
   * During a jwt-to-oauth migration (mcpServer.authMigration): the tier's jwt auth, today's signing secret. Each tier
   * then runs a second service, `<tier id>-jwt`, and HS256 bearer tokens from the tier's ranges go to it.
   * @default no migration
   */
  readonly legacyAuthFor?: (tier: Tier) => McpAuth;
}

/**
 * Every toolset tier of the environment: one McpService per distinct (toolsets, readOnly) grant, with the listener
 * rules that send each agent group's source ranges to its own tier, narrowest range first. One tier is simply the
 * case where every group has the same grant.
 */
export class McpTiers extends Construct {
  readonly tiers: readonly Tier[];
  readonly services: Readonly<Record<string, McpService>>;
  /** During a jwt-to-oauth migration: each tier's legacy jwt service, by tier id. */
  readonly legacyServices: Readonly<Record<string, McpService>>;
  /** The listener rules, in priority order (lib/tier-routes.ts). */
  readonly rules: readonly TierRule[];

  constructor(scope: Construct, id: string, props: McpTiersProps) {
    super(scope, id);
    this.tiers = planTiers(props.agents, props.catalogue ?? loadToolCatalogue());
    const oauth = props.oauth;
    const metadata = !!oauth && oauth.protectedResourceMetadata !== false;
    const legacyAuthFor = oauth?.legacyAuthFor;
    const rules = tierRules(props.agents, { metadata, legacyJwt: !!legacyAuthFor });
    this.rules = rules;
    const services: Record<string, McpService> = {};
    const legacyServices: Record<string, McpService> = {};
    for (const tier of this.tiers) {
      services[tier.id] = new McpService(this, tier.id, {
        ...props.server,
        env: props.env,
        tier,
        cluster: props.cluster,
        network: props.network,
        securityGroup: props.securityGroup,
        loadBalancer: props.loadBalancer,
        routes: rules.filter((r) => r.tierId === tier.id && r.kind === "forward"),
        images: props.images,
        image: props.image,
        logGroup: props.logGroup,
        ibmi: props.ibmi,
        auth: props.authFor(tier),
      });
      new TerraformOutput(this, `${tier.id}-internal-url`, {
        value: services[tier.id].internalUrl,
        description: `Tier ${tier.id} (${tier.toolsets.join(", ")}${tier.readOnly ? ", read-only" : ""}; agent groups ${tier.agents.join(", ")}): register this URL in the gateway as its own virtual server`,
      }).overrideLogicalId(`tier_${tier.id.replace(/-/g, "_")}_internal_url`);
      if (legacyAuthFor) {
        // Today's service under another name (target group, ECS service, discovery record `<tier id>-jwt`), same toolsets.
        const legacyTier: Tier = { ...tier, id: `${tier.id}-jwt` };
        legacyServices[tier.id] = new McpService(this, legacyTier.id, {
          ...props.server,
          env: props.env,
          tier: legacyTier,
          cluster: props.cluster,
          network: props.network,
          securityGroup: props.securityGroup,
          loadBalancer: props.loadBalancer,
          routes: rules.filter((r) => r.tierId === tier.id && r.kind === "legacy-jwt").map((r) => ({ ...r, tierId: legacyTier.id })),
          images: props.images,
          image: props.image,
          logGroup: props.logGroup,
          ibmi: props.ibmi,
          auth: legacyAuthFor(tier),
        });
      }
      if (metadata && oauth) {
        const doc = resourceMetadata({ resource: oauth.audienceOf ? oauth.audienceOf(tier, services[tier.id]) : services[tier.id].internalUrl, issuer: oauth.issuer, tier });
        for (const r of rules.filter((x) => x.tierId === tier.id && x.kind === "metadata")) props.loadBalancer.respond(r, { contentType: "application/json", body: doc.body });
      }
    }
    this.services = services;
    this.legacyServices = legacyServices;
  }
}
