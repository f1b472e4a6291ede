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
 * names the group) and the gateway port from the operators. The MCP task group admits the MCP port from the load
 * balancer and from the gateway, which federates the tiers directly; the gateway group admits the gateway port from
 * the load balancer only. Egress is listed: load balancer → MCP tasks and gateway; MCP tasks → IBM i (Mapepire),
 * VPC endpoints and S3; gateway → MCP tasks, VPC endpoints and S3. Only the MCP tasks reach IBM i.
 */
export class AgentAccess extends Construct {
  readonly loadBalancerGroup: SecurityGroup;
  /** The MCP server tasks of every tier. */
  readonly taskGroup: SecurityGroup;
  /** The gateway's tasks: a group of their own, so reaching the tiers is a grant of its own. */
  readonly gatewayGroup: SecurityGroup;
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
    this.taskGroup = new SecurityGroup(this, "tasks", { vpcId, name: `${name}-tasks`, description: "MCP server tasks: from the load balancer and the gateway" });
    this.gatewayGroup = new SecurityGroup(this, "gateway", { vpcId, name: `${name}-gateway`, description: "MCP gateway tasks: only from the load balancer" });

    for (const agent of props.agents) {
      for (const cidr of agent.cidrs) this.loadBalancerGroup.allowFrom({ cidr }, this.mcpPort, `MCP from agent group ${agent.name}`);
      for (const groupId of agent.securityGroupIds) this.loadBalancerGroup.allowFrom({ groupId, key: groupId }, this.mcpPort, `MCP from agent group ${agent.name} (security group)`);
    }
    for (const cidr of props.gatewayClientCidrs ?? []) this.loadBalancerGroup.allowFrom({ cidr }, this.gatewayPort, "MCP gateway from operators");

    this.loadBalancerGroup.allowTo({ group: this.taskGroup }, this.mcpPort, `Load balancer to MCP tasks on ${this.mcpPort}`);
    this.taskGroup.allowFrom({ group: this.loadBalancerGroup }, this.mcpPort, `MCP tasks from the load balancer on ${this.mcpPort}`);
    this.loadBalancerGroup.allowTo({ group: this.gatewayGroup }, this.gatewayPort, `Load balancer to gateway tasks on ${this.gatewayPort}`);
    this.gatewayGroup.allowFrom({ group: this.loadBalancerGroup }, this.gatewayPort, `Gateway tasks from the load balancer on ${this.gatewayPort}`);
    // The gateway federates every tier over service discovery, not through the agents' listener (docs/service.md).
    this.gatewayGroup.allowTo({ group: this.taskGroup }, this.mcpPort, `Gateway to MCP tasks on ${this.mcpPort}`);
    this.taskGroup.allowFrom({ group: this.gatewayGroup }, this.mcpPort, `MCP tasks from the gateway on ${this.mcpPort}`);
    this.gatewayGroup.allowTo({ group: props.network.endpointSecurityGroup }, 443, "Gateway to AWS service endpoints");
    this.gatewayGroup.allowTo({ prefixListId: props.network.s3Endpoint.prefixListId, key: "s3" }, 443, "Gateway to S3 for ECR image layers");
    this.taskGroup.allowTo({ cidr: props.ibmi.cidr }, props.ibmi.port, "Tasks to IBM i Mapepire (Db2 for i)");
    this.taskGroup.allowTo({ group: props.network.endpointSecurityGroup }, 443, "Tasks to AWS service endpoints");
    this.taskGroup.allowTo({ prefixListId: props.network.s3Endpoint.prefixListId, key: "s3" }, 443, "Tasks to S3 for ECR image layers");
  }
}
