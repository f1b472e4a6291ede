import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";

/** One agent group as the network sees it: where it connects from. */
export interface AgentSource {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface AgentAccessProps {
  readonly env: AwsEnv;
  readonly network: Network;
  readonly agents: readonly AgentSource[];
  /** The MCP server's port on the load balancer and the tasks. @default 3010 */
  readonly mcpPort?: number;
  /** The gateway's port on the load balancer and the tasks. @default 4444 */
  readonly gatewayPort?: number;
  /** Operator ranges allowed to reach the gateway. @default none */
  readonly gatewayClientCidrs?: readonly string[];
  /** The IBM i network and its Mapepire port: the only place tasks may reach outside AWS. */
  readonly ibmi: { readonly cidr: string; readonly port: number };
}

/**
 * Who may reach what. The load balancer group admits the MCP port from each agent group's sources (every rule
 * names the group) and the gateway port from the operators; the task group admits both ports only from the load
 * balancer. Egress is listed: load balancer → tasks; tasks → IBM i (Mapepire), VPC endpoints and S3.
 */
export class AgentAccess extends Construct {
  readonly loadBalancerGroup: SecurityGroup;
  readonly taskGroup: SecurityGroup;
  readonly mcpPort: number;
  readonly gatewayPort: number;

  constructor(scope: Construct, id: string, props: AgentAccessProps) {
    super(scope, id);
    const name = prefix(props.env);
    const vpcId = props.network.vpc.id;
    this.mcpPort = props.mcpPort ?? 3010;
    this.gatewayPort = props.gatewayPort ?? 4444;
    if (props.agents.length === 0) throw new Error(`${this.node.path}: agents is empty; no one could reach the MCP server`);
    const names = new Set<string>();
    for (const a of props.agents) {
      if (names.has(a.name)) throw new Error(`${this.node.path}: agent group "${a.name}" is listed twice`);
      names.add(a.name);
      if (a.cidrs.length + a.securityGroupIds.length === 0) throw new Error(`${this.node.path}: agent group "${a.name}" has no cidrs or securityGroupIds`);
    }

    this.loadBalancerGroup = new SecurityGroup(this, "load-balancer", { vpcId, name: `${name}-alb`, description: "Internal load balancer: MCP from agent hosts, gateway from operators" });
    this.taskGroup = new SecurityGroup(this, "tasks", { vpcId, name: `${name}-tasks`, description: "MCP server and gateway tasks: only from the load balancer" });

    for (const agent of props.agents) {
      for (const cidr of agent.cidrs) this.loadBalancerGroup.allowFrom({ cidr }, this.mcpPort, `MCP from agent group ${agent.name}`);
      for (const groupId of agent.securityGroupIds) this.loadBalancerGroup.allowFrom({ groupId, key: groupId }, this.mcpPort, `MCP from agent group ${agent.name} (security group)`);
    }
    for (const cidr of props.gatewayClientCidrs ?? []) this.loadBalancerGroup.allowFrom({ cidr }, this.gatewayPort, "MCP gateway from operators");

    for (const port of [this.mcpPort, this.gatewayPort]) {
      this.loadBalancerGroup.allowTo({ group: this.taskGroup }, port, `Load balancer to tasks on ${port}`);
      this.taskGroup.allowFrom({ group: this.loadBalancerGroup }, port, `Tasks from the load balancer on ${port}`);
    }
    this.taskGroup.allowTo({ cidr: props.ibmi.cidr }, props.ibmi.port, "Tasks to IBM i Mapepire (Db2 for i)");
    this.taskGroup.allowTo({ group: props.network.endpointSecurityGroup }, 443, "Tasks to AWS service endpoints");
    this.taskGroup.allowTo({ prefixListId: props.network.s3Endpoint.prefixListId, key: "s3" }, 443, "Tasks to S3 for ECR image layers");
  }
}
