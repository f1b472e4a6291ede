import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { Network } from "./network";

export interface ServiceClusterProps {
  readonly env: AwsEnv;
  readonly network: Network;
}

/**
 * The ECS cluster every tier and the gateway run in (Container Insights on, CKV_AWS_65), and the private DNS
 * namespace `mcp-<env>.internal` in which each tier's tasks register as `<tier id>.mcp-<env>.internal`: the
 * gateway finds the tiers there, without passing through the agents' listener.
 */
export class ServiceCluster extends Construct {
  readonly cluster: EcsCluster;
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;
  /** The namespace's DNS name, e.g. `mcp-prod.internal`. */
  readonly domain: string;

  constructor(scope: Construct, id: string, props: ServiceClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, "cluster", {
      name: prefix(props.env),
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    this.domain = `${prefix(props.env)}.internal`;
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
      name: this.domain,
      vpc: props.network.vpc.id,
      description: `Service discovery of the MCP tiers of ${prefix(props.env)}, for the gateway`,
    });
  }
}
