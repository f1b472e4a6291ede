import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpnGatewayAttachment } from "@cdktf/provider-aws/lib/vpn-gateway-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { subnet, toCidr } from "../lib/cidr";
import { SecurityGroup } from "./security-group";
import { ServiceRole } from "./service-role";

/** Interface endpoints every isolated Fargate task needs: image pulls, logs, secrets, their key, and STS. */
export const DEFAULT_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "sts"] as const;

export interface NetworkProps {
  readonly env: AwsEnv;
  /** RFC 1918 block for the VPC, /16 to /24. */
  readonly vpcCidr: string;
  /** Two or three zones; one private subnet each. */
  readonly availabilityZones: readonly string[];
  /** Encrypted log group that receives the VPC flow logs (all traffic). */
  readonly flowLogGroup: CloudwatchLogGroup;
  /** Interface endpoint service names (after `com.amazonaws.<region>.`). @default DEFAULT_INTERFACE_ENDPOINTS */
  readonly interfaceEndpoints?: readonly string[];
  /** Remote networks (IBM i, agents, operators) reached through the gateway below. @default none */
  readonly remoteCidrs?: readonly string[];
  /** Transit gateway that reaches the remote networks; the VPC is attached to it. @default none */
  readonly transitGatewayId?: string;
  /** Virtual private gateway that reaches the remote networks; it is attached to the VPC. @default none */
  readonly vpnGatewayId?: string;
}

/**
 * An isolated VPC: private subnets only, no internet or NAT gateway, no public addresses, AWS services through
 * VPC endpoints, the default security group emptied, every flow logged. Remote networks come in only through
 * the configured transit or VPN gateway.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly routeTable: RouteTable;
  /** Guards the interface endpoints: HTTPS from inside the VPC only. */
  readonly endpointSecurityGroup: SecurityGroup;
  /** The S3 gateway endpoint: ECR image layers are served from S3. */
  readonly s3Endpoint: VpcEndpoint;
  readonly interfaceEndpoints: Record<string, VpcEndpoint> = {};
  /** The private subnets' route table associations: until one exists, its subnet has no route to the S3 endpoint. */
  readonly routeAssociations: RouteTableAssociation[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const env = props.env;
    const name = prefix(env);
    const vpcCidr = toCidr(props.vpcCidr);
    if (!vpcCidr) throw new Error(`${this.node.path}: vpcCidr "${props.vpcCidr}" is not an IPv4 CIDR`);
    if (props.availabilityZones.length < 2 || props.availabilityZones.length > 3) throw new Error(`${this.node.path}: availabilityZones needs 2 or 3 zones, got ${props.availabilityZones.length}`);
    if (props.transitGatewayId && props.vpnGatewayId) throw new Error(`${this.node.path}: set transitGatewayId or vpnGatewayId, not both`);

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      // Private DNS of interface endpoints needs both.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });

    // Strip every rule AWS puts on the default group, so nothing placed in it by mistake can talk.
    new DefaultSecurityGroup(this, "default-security-group", { vpcId: this.vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default-deny` } });

    this.routeTable = new RouteTable(this, "private-routes", { vpcId: this.vpc.id, tags: { Name: `${name}-private` } });
    // Four equal subnets leave one spare for a third zone added later without renumbering.
    this.subnets = props.availabilityZones.map((az, i) => {
      const s = new Subnet(this, `private-${az}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnet(vpcCidr, 2, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-private-${az}`, tier: "private" },
      });
      this.routeAssociations.push(new RouteTableAssociation(this, `private-${az}-routes`, { subnetId: s.id, routeTableId: this.routeTable.id }));
      return s;
    });

    this.endpointSecurityGroup = new SecurityGroup(this, "endpoints", { vpcId: this.vpc.id, name: `${name}-endpoints`, description: "HTTPS to AWS service endpoints from inside the VPC" });
    this.endpointSecurityGroup.allowFrom({ cidr: props.vpcCidr }, 443, "HTTPS from workloads in the VPC to AWS APIs");

    for (const service of props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS) {
      this.interfaceEndpoints[service] = new VpcEndpoint(this, `endpoint-${service.replace(/\./g, "-")}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${env.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.subnets.map((s) => s.id),
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: { Name: `${name}-${service}` },
      });
    }
    this.s3Endpoint = new VpcEndpoint(this, "endpoint-s3", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${env.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [this.routeTable.id],
      tags: { Name: `${name}-s3` },
    });

    const flowLogRole = new ServiceRole(this, "flow-log-role", { env, name: `${name}-flow-logs`, assumedBy: "vpc-flow-logs.amazonaws.com", description: "Delivers VPC flow logs to CloudWatch Logs" });
    flowLogRole.addToPolicy({
      sid: "DeliverFlowLogs",
      actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      resources: [props.flowLogGroup.arn, `${props.flowLogGroup.arn}:*`],
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: props.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${name}-flow-log` },
    });

    this.routeRemoteNetworks(props);
  }

  get subnetIds(): string[] {
    return this.subnets.map((s) => s.id);
  }

  /**
   * What must exist before anything in the VPC calls an AWS API: every endpoint, the endpoint group's ingress rules
   * and the subnets' route table associations. Terraform creates independent resources in parallel, and a function
   * or task that starts first finds no private DNS name or no route and times out (MCP-DEPLOY-018). All of them, not
   * the few a workload is thought to call: waiting costs only ordering, a missed one costs a failed first apply.
   */
  get ready(): ITerraformDependable[] {
    return [...Object.values(this.interfaceEndpoints), this.s3Endpoint, ...this.endpointSecurityGroup.ingressRules, ...this.routeAssociations];
  }

  /** `ready`, plus the egress rules of `group` (the security group of the workload): its own way to the endpoints. */
  readyFor(group: SecurityGroup): ITerraformDependable[] {
    return [...this.ready, ...group.egressRules];
  }

  /** Routes to the IBM i, agent and operator networks through the one gateway that reaches them. */
  private routeRemoteNetworks(props: NetworkProps): void {
    const cidrs = [...new Set(props.remoteCidrs ?? [])].sort();
    let target: { transitGatewayId: string } | { gatewayId: string } | undefined;
    let dependsOn;
    if (props.transitGatewayId) {
      // A route to a transit gateway is refused until the VPC is attached to it.
      const attachment = new Ec2TransitGatewayVpcAttachment(this, "transit-gateway-attachment", {
        transitGatewayId: props.transitGatewayId,
        vpcId: this.vpc.id,
        subnetIds: this.subnetIds,
        dnsSupport: "enable",
        tags: { Name: prefix(props.env) },
      });
      target = { transitGatewayId: props.transitGatewayId };
      dependsOn = [attachment];
    } else if (props.vpnGatewayId) {
      const attachment = new VpnGatewayAttachment(this, "vpn-gateway-attachment", { vpcId: this.vpc.id, vpnGatewayId: props.vpnGatewayId });
      target = { gatewayId: props.vpnGatewayId };
      dependsOn = [attachment];
    }
    if (!target) return;
    for (const cidr of cidrs) {
      new Route(this, `route-${cidr.replace(/[./]/g, "-")}`, { routeTableId: this.routeTable.id, destinationCidrBlock: cidr, ...target, dependsOn });
    }
  }
}
