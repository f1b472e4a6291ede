import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv } from "../lib/aws-env";
import { containerDefinition, firstValues, HardenedContainer, ReadableSecret } from "../lib/container";
import { ContainerImage, ContainerImages } from "./container-images";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceCluster } from "./service-cluster";
import { ServiceRole } from "./service-role";

/** Volumes backed by something other than task storage (e.g. EFS), and what a task needs before it can mount them. */
export interface TaskStorage {
  readonly volumes: readonly EcsTaskDefinitionVolume[];
  /** Created before the service (e.g. the EFS mount targets in every subnet). */
  readonly ready: readonly ITerraformDependable[];
}

/** Where a service runs and what it runs from: the props McpService and GatewayService pass through unchanged. */
export type FargatePlacement = Pick<FargateServiceProps, "cluster" | "network" | "securityGroup" | "images" | "image" | "logGroup">;

/** The placement props of `p`, for a subclass's `super()` call. */
export function placementOf(p: FargatePlacement): FargatePlacement {
  return { cluster: p.cluster, network: p.network, securityGroup: p.securityGroup, images: p.images, image: p.image, logGroup: p.logGroup };
}

export interface FargateServiceProps {
  readonly env: AwsEnv;
  /** ECS service, task family and role name prefix (`<name>-execution`, `<name>-task`). */
  readonly name: string;
  readonly cluster: ServiceCluster;
  readonly network: Network;
  /** The tasks' security group. */
  readonly securityGroup: SecurityGroup;
  readonly images: ContainerImages;
  /** The one container's image: the execution role may pull it and nothing else. */
  readonly image: ContainerImage;
  /** KMS-encrypted log group of the container (constructs/audit-logs.ts); the execution role writes only there. */
  readonly logGroup: CloudwatchLogGroup;
  /** The one container (lib/container.ts hardens it); its `secrets` are all the execution role may read. */
  readonly container: Omit<HardenedContainer, "image" | "logGroupName" | "region">;
  /** What the execution role is for, in its IAM description. */
  readonly executionRoleDescription: string;
  /** Statement id of the execution role's log grant. */
  readonly logGrantSid: string;
  /**
   * A task role with this description, empty until granted (`taskRole.addToPolicy`). @default no task role: the
   * containers get no AWS credentials at all
   */
  readonly taskRoleDescription?: string;
  /**
   * Storage the task definition mounts besides task storage, created in this construct once the task role exists: the
   * tasks mount it with that role (needs taskRoleDescription), whom the file system's policy names.
   * @default every `container.scratch` volume is Fargate task storage
   */
  readonly storage?: (scope: Construct, taskRole: ServiceRole) => TaskStorage;
  /** Fargate cpu units. @default 512 */
  readonly cpu?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  readonly loadBalancer: LoadBalancer;
  /** The service's target group, created by `loadBalancer` and already used by a listener or rule. */
  readonly targetGroup: LbTargetGroup;
  /** Cloud Map name of the tasks (`<name>.<cluster domain>`) and what it is for. */
  readonly discovery: { readonly name: string; readonly description: string };
  /** @default 1 */
  readonly desiredCount?: number;
  /** Percent of desiredCount kept running during a deployment. @default 100 */
  readonly minimumHealthyPercent?: number;
  /** Percent of desiredCount running at most during a deployment. @default 200 */
  readonly maximumPercent?: number;
  /** Seconds the load balancer's failed health checks are ignored after a task starts. @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** ECS moves tasks to rebalance them across zones (availabilityZoneRebalancing). @default false */
  readonly rebalanceZones?: boolean;
  /** Tags of the task definition, the discovery service and the ECS service. @default none (the provider's defaultTags) */
  readonly tags?: Readonly<Record<string, string>>;
  /** What else must exist before the first task starts. @default nothing more */
  readonly startAfter?: readonly ITerraformDependable[];
}

/**
 * One container in an ECS Fargate service, hardened the same way for every service of the kit: the container as
 * lib/container.ts builds it (non-root, read-only root file system, all capabilities dropped), an execution role that
 * pulls its one image, writes its one log group and reads exactly the secrets the container references, no task role
 * unless asked, tasks in the private subnets without public IP, deployments rolled back by the circuit breaker, no
 * ECS Exec, behind its target group and in Cloud Map. The service waits for its listener, its secrets' first values
 * and the network (VPC endpoints) so its first tasks can start. McpService and GatewayService are such services.
 */
export class FargateService extends Construct {
  readonly executionRole: ServiceRole;
  /** Present only when `taskRoleDescription` is given. */
  readonly taskRole?: ServiceRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly targetGroup: LbTargetGroup;
  readonly discovery: ServiceDiscoveryService;
  readonly service: EcsService;
  /** The container definition as rendered into the task definition (for tests and the review report). */
  readonly container: Record<string, unknown>;
  /** The container's port: the target group's, and the one callers inside the VPC reach. */
  readonly port: number;
  protected readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { env, name, container } = props;
    this.port = container.port;
    this.securityGroup = props.securityGroup;
    this.targetGroup = props.targetGroup;

    // Not "task-role": secret scanners read "…sk-role_policy…" in its Terraform address as an API key.
    this.taskRole = props.taskRoleDescription === undefined ? undefined : new ServiceRole(this, "app-role", { env, name: `${name}-task`, assumedBy: "ecs-tasks.amazonaws.com", description: props.taskRoleDescription });
    if (props.storage && !this.taskRole) throw new Error(`${this.node.path}: storage is mounted with the task role: give taskRoleDescription`);
    const storage: TaskStorage = props.storage && this.taskRole ? props.storage(this, this.taskRole) : { volumes: [], ready: [] };
    const stored = new Set(storage.volumes.map((v) => v.name));
    for (const v of stored) if (!container.scratch.some((s) => s.volume === v)) throw new Error(`${this.node.path}: volume "${v}" is mounted nowhere in container ${container.name}`);

    this.executionRole = new ServiceRole(this, "execution-role", { env, name: `${name}-execution`, assumedBy: "ecs-tasks.amazonaws.com", description: props.executionRoleDescription });
    props.images.grantPull(this.executionRole, [props.image]);
    this.executionRole.addToPolicy({ sid: props.logGrantSid, actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${props.logGroup.arn}:log-stream:*`] });
    const readable: ReadableSecret[] = [...new Set(Object.values(container.secrets).map((ref) => ref.secret))];
    for (const s of readable) s.grantRead(this.executionRole);

    this.container = containerDefinition({ ...container, image: props.image.uri, logGroupName: props.logGroup.name, region: env.region });
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu ?? 512),
      memory: String(props.memoryMiB ?? 1024),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole?.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      // A named volume without a host path is Fargate task storage: with the read-only root, the only writable places.
      volume: [...container.scratch.filter((s) => !stored.has(s.volume)).map((s) => ({ name: s.volume })), ...storage.volumes],
      containerDefinitions: JSON.stringify([this.container]),
      tags: props.tags,
    });

    this.discovery = new ServiceDiscoveryService(this, "discovery", {
      name: props.discovery.name,
      description: props.discovery.description,
      dnsConfig: { namespaceId: props.cluster.namespace.id, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
      tags: props.tags,
    });

    this.service = new EcsService(this, "service", {
      name,
      cluster: props.cluster.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: props.desiredCount ?? 1,
      deploymentMinimumHealthyPercent: props.minimumHealthyPercent ?? 100,
      deploymentMaximumPercent: props.maximumPercent ?? 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      // Off everywhere: ECS Exec needs the ssmmessages endpoint and task-role rights these isolated services lack.
      enableExecuteCommand: false,
      availabilityZoneRebalancing: props.rebalanceZones ? "ENABLED" : undefined,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      networkConfiguration: { subnets: props.network.subnetIds, securityGroups: [props.securityGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: this.targetGroup.arn, containerName: container.name, containerPort: container.port }],
      serviceRegistries: { registryArn: this.discovery.arn },
      tags: props.tags,
      // ECS refuses a target group no listener uses yet; the tasks' secrets have their first values before the first
      // task starts (ReadableSecret.firstValue); tasks pull images, read secrets and write logs through the VPC
      // endpoints: wait for them (MCP-DEPLOY-018).
      dependsOn: [...props.loadBalancer.attachmentsOf(this.targetGroup), ...storage.ready, ...firstValues(readable), ...props.network.readyFor(props.securityGroup), ...(props.startAfter ?? [])],
    });
  }
}
