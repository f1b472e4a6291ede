import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { planTiers, routingRules, Tier, TierAgent } from "../lib/tiers";
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
  /** Settings every tier shares (count, size, log level, session mode, execute_sql, rate limit, IBM i CA). */
  readonly server?: Pick<McpServiceProps, "port" | "desiredCount" | "cpu" | "memoryMiB" | "logLevel" | "sessionMode" | "executeSql" | "rateLimit" | "ibmiCaCertificate">;
}

/**
 * Every toolset tier of the environment: one McpService per distinct (toolsets, readOnly) grant, with the listener
 * rules that send each agent group's source ranges to its own tier, narrowest range first. One tier is simply the
 * case where every group has the same grant.
 */
export class McpTiers extends Construct {
  readonly tiers: readonly Tier[];
  readonly services: Readonly<Record<string, McpService>>;

  constructor(scope: Construct, id: string, props: McpTiersProps) {
    super(scope, id);
    this.tiers = planTiers(props.agents, props.catalogue ?? loadToolCatalogue());
    const rules = routingRules(props.agents);
    const services: Record<string, McpService> = {};
    for (const tier of this.tiers) {
      services[tier.id] = new McpService(this, tier.id, {
        ...props.server,
        env: props.env,
        tier,
        cluster: props.cluster,
        network: props.network,
        securityGroup: props.securityGroup,
        loadBalancer: props.loadBalancer,
        routes: rules.filter((r) => r.tierId === tier.id),
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
    }
    this.services = services;
  }
}
