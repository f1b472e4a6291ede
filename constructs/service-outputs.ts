import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { LoadBalancer } from "./load-balancer";

export interface ServiceOutputsProps {
  readonly loadBalancer: LoadBalancer;
  /** The certificate's host name: agents should use it, since the load balancer's own name is not on the certificate. */
  readonly host: string;
  readonly mcpPort: number;
  readonly gatewayPort: number;
  /** Log groups to name in the outputs, keyed by output suffix (`log_group_<key>`). */
  readonly logGroups: Readonly<Record<string, CloudwatchLogGroup>>;
}

/** What an operator needs after apply: where agents connect, where the gateway is, where the logs are. */
export class ServiceOutputs extends Construct {
  constructor(scope: Construct, id: string, props: ServiceOutputsProps) {
    super(scope, id);
    const lb = props.loadBalancer.dnsName;
    const out = (key: string, value: string, description: string) => new TerraformOutput(this, key, { value, description }).overrideLogicalId(key);
    out("mcp_url", `https://${lb}:${props.mcpPort}/mcp`, "MCP endpoint on the internal load balancer (point the certificate's name at it for verified TLS)");
    out("mcp_url_by_name", `https://${props.host}:${props.mcpPort}/mcp`, "MCP endpoint by the certificate's name: what agents configure, once DNS points it at the load balancer");
    out("gateway_url", `https://${props.host}:${props.gatewayPort}`, "MCP gateway (operators' ranges only)");
    out("load_balancer_dns_name", lb, "Target of the DNS record for the certificate's name");
    for (const [key, group] of Object.entries(props.logGroups)) out(`log_group_${key}`, group.name, `CloudWatch log group ${key.replace(/_/g, " ")}`);
  }
}
