import { SecurityGroup as AwsSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { canonicalCidr } from "../lib/cidr";
import { recordFacts, ResourceFacts } from "../lib/resource-meta";

/** Where traffic comes from or goes to. `key` names the peer in construct ids, so it must be stable. */
export type Peer = { readonly cidr: string } | { readonly group: SecurityGroup } | { readonly groupId: string; readonly key: string } | { readonly prefixListId: string; readonly key: string };

export interface SecurityGroupProps {
  readonly vpcId: string;
  readonly name: string;
  readonly description: string;
}

/**
 * A security group with no rules but those added through `allowFrom`/`allowTo`: one TCP port per rule, and a
 * description on every rule. Rules are separate resources (aws_vpc_security_group_*_rule), so adding one never
 * rewrites the others.
 */
export class SecurityGroup extends Construct {
  readonly group: AwsSecurityGroup;
  /** Rules added so far, for `dependsOn` of what must not run before its traffic is allowed (Network.readyFor). */
  readonly ingressRules: VpcSecurityGroupIngressRule[] = [];
  readonly egressRules: VpcSecurityGroupEgressRule[] = [];

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.group = new AwsSecurityGroup(this, "group", {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      // Inline rules would fight the separate rule resources; egress must be listed explicitly.
      revokeRulesOnDelete: true,
      tags: { Name: props.name },
    });
  }

  get id(): string {
    return this.group.id;
  }

  /** `facts` are what readers of the plan learn from the rule (lib/resource-meta.ts), never from its description. */
  allowFrom(peer: Peer, port: number, description: string, facts?: ResourceFacts): VpcSecurityGroupIngressRule {
    const rule = new VpcSecurityGroupIngressRule(this, `in-${port}-${peerKey(peer)}`, { securityGroupId: this.group.id, ...ruleBody(peer, port, description) });
    if (facts) recordFacts(rule, facts);
    this.ingressRules.push(rule);
    return rule;
  }

  allowTo(peer: Peer, port: number, description: string): VpcSecurityGroupEgressRule {
    const rule = new VpcSecurityGroupEgressRule(this, `out-${port}-${peerKey(peer)}`, { securityGroupId: this.group.id, ...ruleBody(peer, port, description) });
    this.egressRules.push(rule);
    return rule;
  }
}

function ruleBody(peer: Peer, port: number, description: string) {
  if (!description.trim()) throw new Error("every security group rule needs a description");
  const body = { ipProtocol: "tcp", fromPort: port, toPort: port, description };
  if ("cidr" in peer) {
    const c = canonicalCidr(peer.cidr);
    if (!c || c !== peer.cidr) throw new Error(`"${peer.cidr}" is not a canonical IPv4 CIDR`);
    if (c.endsWith("/0")) throw new Error(`a rule open to ${c} is never allowed (${description})`);
    return { ...body, cidrIpv4: c };
  }
  if ("group" in peer) return { ...body, referencedSecurityGroupId: peer.group.id };
  if ("groupId" in peer) return { ...body, referencedSecurityGroupId: peer.groupId };
  return { ...body, prefixListId: peer.prefixListId };
}

function peerKey(peer: Peer): string {
  if ("cidr" in peer) return peer.cidr.replace(/[./]/g, "-");
  if ("group" in peer) return peer.group.node.id;
  return peer.key;
}
