import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { ResourceFacts } from "../lib/resource-meta";
import { Network } from "./network";
import { Peer, SecurityGroup } from "./security-group";

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
  /**
   * Inbound rules one security group may hold: the account's "Inbound or outbound rules per security group" quota
   * (vpc L-0EA8095F). Agent ranges beyond it go to further load balancer groups. @default 60 (the AWS default)
   */
  readonly rulesPerSecurityGroup?: number;
}

/**
 * Security groups a load balancer can carry: its nodes are network interfaces, each with all of its groups, and the
 * quota "Security groups per network interface" (vpc L-2AFB9258) is 5 by default.
 */
export const MAX_LOAD_BALANCER_SECURITY_GROUPS = 5;
/** AWS's default for inbound (and, apart, outbound) rules per security group, quota vpc L-0EA8095F. */
export const DEFAULT_RULES_PER_SECURITY_GROUP = 60;

/**
 * Who may reach what. The load balancer group admits the MCP port from each agent group's sources (every rule
 * names the group) and the gateway port from the operators. The MCP task group admits the MCP port from the load
 * balancer and from the gateway, which federates the tiers directly; the gateway group admits the gateway port from
 * the load balancer only. Egress is listed: load balancer → MCP tasks and gateway; MCP tasks → IBM i (Mapepire),
 * VPC endpoints and S3; gateway → MCP tasks, VPC endpoints and S3. Only the MCP tasks reach IBM i.
 */
export class AgentAccess extends Construct {
  readonly loadBalancerGroup: SecurityGroup;
  /**
   * Further load balancer groups, only for agent ranges that do not fit in `loadBalancerGroup` (60 inbound rules by
   * default): ingress on the MCP port, no egress (the first group's egress applies to the load balancer as a whole).
   */
  readonly agentRangeGroups: readonly SecurityGroup[];
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

    this.agentRangeGroups = this.admitAgents(props, name, vpcId);

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

  /** Every load balancer group: the first, then those holding the agent ranges that did not fit in it. */
  get loadBalancerGroups(): SecurityGroup[] {
    return [this.loadBalancerGroup, ...this.agentRangeGroups];
  }

  /**
   * Agent and operator ranges on the load balancer, in config order: the first ones on `loadBalancerGroup` (which keeps
   * its construct id, so an estate within the quota keeps every rule where it was), the rest filling further groups. A
   * range removed from the middle moves later ones to the previous group (replaced rules). AWS refuses a rule beyond the group's quota, and an ALB takes five groups at most: more ranges than
   * that fail here, with the fix (MCP-DEPLOY-019 checks any plan the same way).
   */
  private admitAgents(props: AgentAccessProps, name: string, vpcId: string): SecurityGroup[] {
    const perGroup = props.rulesPerSecurityGroup ?? DEFAULT_RULES_PER_SECURITY_GROUP;
    if (!Number.isInteger(perGroup) || perGroup < 1) throw new Error(`${this.node.path}: rulesPerSecurityGroup ${perGroup} must be a whole number ≥ 1`);
    const rules: { peer: Peer; port: number; description: string; facts?: ResourceFacts }[] = [
      ...props.agents.flatMap((agent) => [
        ...agent.cidrs.map((cidr) => ({ peer: { cidr } as Peer, port: this.mcpPort, description: `MCP from agent group ${agent.name}`, facts: { agentGroup: agent.name } })),
        ...agent.securityGroupIds.map((groupId) => ({ peer: { groupId, key: groupId } as Peer, port: this.mcpPort, description: `MCP from agent group ${agent.name} (security group)`, facts: { agentGroup: agent.name } })),
      ]),
      ...(props.gatewayClientCidrs ?? []).map((cidr) => ({ peer: { cidr } as Peer, port: this.gatewayPort, description: "MCP gateway from operators" })),
    ];
    const needed = Math.ceil(rules.length / perGroup);
    if (needed > MAX_LOAD_BALANCER_SECURITY_GROUPS) {
      throw new Error(
        `${this.node.path}: ${rules.length} agent and operator ranges need ${needed} security groups of ${perGroup} inbound rules, and a load balancer takes ${MAX_LOAD_BALANCER_SECURITY_GROUPS}: raise the quota "Inbound or outbound rules per security group" (vpc L-0EA8095F) and set rulesPerSecurityGroup, or merge agent ranges`,
      );
    }
    const extra: SecurityGroup[] = [];
    rules.forEach((rule, i) => {
      const slot = Math.floor(i / perGroup);
      if (slot > extra.length) {
        const n = extra.length + 2;
        extra.push(new SecurityGroup(this, `load-balancer-${n}`, { vpcId, name: `${name}-alb-${n}`, description: `Internal load balancer: MCP from agent hosts (ranges beyond the first group's quota, part ${n})` }));
      }
      (slot === 0 ? this.loadBalancerGroup : extra[slot - 1]).allowFrom(rule.peer, rule.port, rule.description, rule.facts);
    });
    return extra;
  }
}
