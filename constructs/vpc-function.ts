import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, ITerraformDependable, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { bundleFunction, FunctionBundle, functionEntry, LAMBDA_RUNTIME } from "../lib/function-bundle";
import { AuditLogs } from "./audit-logs";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceRole } from "./service-role";

export interface VpcFunctionProps {
  readonly env: AwsEnv;
  /** Directory under functions/ holding index.ts; also names the function `mcp-<env>-<name>`. */
  readonly name: string;
  readonly description: string;
  /** The VPC the function runs in: its private subnets, and the endpoint security group it may call on 443. */
  readonly network: Network;
  /** Where the function's log group is made (KMS-encrypted, the environment's retention). */
  readonly logs: AuditLogs;
  /** Plain configuration (never secrets). @default none */
  readonly environment?: Record<string, string>;
  /**
   * Plain configuration known at synth, packed as files beside index.js (name → content): no size limit, where Lambda
   * refuses more than 4 KB of environment variables. A change is a new package, so it updates the function. @default none
   */
  readonly packageFiles?: Readonly<Record<string, string>>;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMiB?: number;
  /**
   * Concurrent executions reserved for (and capping) the function. AWS refuses a reservation that leaves the account
   * fewer unreserved executions than its minimum (100, or all of them in accounts whose quota is lower: new accounts
   * have 10 and cannot reserve any until the quota is raised), so the kit reserves nothing unless asked
   * (config `functions.reservedConcurrency`; preflight compares it with the account). @default none
   */
  readonly reservedConcurrency?: number;
  /** What its security group allows, for readers of the plan (the group's description). @default "HTTPS to the VPC endpoints only" */
  readonly networkPurpose?: string;
  /**
   * Adds HTTPS to S3 through the VPC's gateway endpoint (its prefix list), e.g. to write an object; part of `ready`.
   * @default false: the VPC endpoints' security group only
   */
  readonly reachesS3?: boolean;
  /** Active X-Ray tracing (the role gets the two X-Ray write actions). @default false */
  readonly tracing?: boolean;
}

/**
 * A Lambda function of the kit, in the VPC's private subnets with its own security group (HTTPS to the VPC
 * endpoints only), its own role, a KMS-encrypted log group with the environment's retention, and a package built
 * in-process (see lib/function-bundle.ts). Grants are added to `role` by the constructs that use the function.
 */
export class VpcFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: ServiceRole;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  /**
   * What anything that runs the function during apply (an invocation, a first rotation, a schedule) waits for: the
   * function, and the VPC endpoints, their rules and routes, and its own egress rules (Network.readyFor).
   */
  readonly ready: readonly ITerraformDependable[];
  /** The deployment package (its zip on disk, hash and size). */
  readonly bundle: FunctionBundle;

  constructor(scope: Construct, id: string, props: VpcFunctionProps) {
    super(scope, id);
    const fnName = `${prefix(props.env)}-${props.name}`;
    if (fnName.length > 64) throw new Error(`${this.node.path}: function name ${fnName} is longer than 64 characters`);
    const reserved = props.reservedConcurrency;
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) throw new Error(`${this.node.path}: reservedConcurrency ${reserved} must be a whole number ≥ 1`);

    this.logGroup = props.logs.logGroup(`lambda-${props.name}`);
    this.securityGroup = new SecurityGroup(this, "security-group", { vpcId: props.network.vpc.id, name: fnName, description: `Lambda ${fnName}: ${props.networkPurpose ?? "HTTPS to the VPC endpoints only"}` });
    this.securityGroup.allowTo({ group: props.network.endpointSecurityGroup }, 443, `${props.name} to AWS APIs through the VPC endpoints`);
    if (props.reachesS3) this.securityGroup.allowTo({ prefixListId: props.network.s3Endpoint.prefixListId, key: "s3" }, 443, `${props.name} to S3 through the gateway endpoint`);

    this.role = new ServiceRole(this, "role", { env: props.env, name: fnName, assumedBy: "lambda.amazonaws.com", description: props.description });
    this.role.addToPolicy({ sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] });
    this.role.addToPolicy({
      sid: "ManageVpcNetworkInterfaces",
      actions: ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"],
      resources: ["*"],
      why: "Lambda attaches network interfaces for VPC functions with the execution role; these EC2 actions do not support resource-level permissions (same set as the AWSLambdaVPCAccessExecutionRole managed policy).",
    });
    if (props.tracing) {
      this.role.addToPolicy({ sid: "WriteTraces", actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], resources: ["*"], why: "X-Ray write actions do not support resource-level permissions." });
    }

    const files = Object.entries(props.packageFiles ?? {}).map(([name, text]) => {
      if (Token.isUnresolved(text)) throw new Error(`${this.node.path}: packageFiles ${name} holds a value known only at apply; the package is built at synth (pass it in environment)`);
      return { name, data: Buffer.from(text, "utf8") };
    });
    const bundle = (this.bundle = bundleFunction(functionEntry(props.name), files));
    const asset = new TerraformAsset(this, "code", { path: bundle.zipPath, type: AssetType.FILE });
    // Lambda checks the ENI permissions when the function is created: the inline policy must exist first.
    const rolePolicy = this.role.policyResource;
    this.fn = new LambdaFunction(this, "function", {
      functionName: fnName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: bundle.sha256,
      timeout: props.timeoutSeconds ?? 30,
      memorySize: props.memoryMiB ?? 256,
      reservedConcurrentExecutions: reserved,
      environment: props.environment ? { variables: props.environment } : undefined,
      vpcConfig: { subnetIds: props.network.subnetIds, securityGroupIds: [this.securityGroup.id] },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      tracingConfig: { mode: props.tracing ? "Active" : "PassThrough" },
      dependsOn: [this.logGroup, ...(rolePolicy ? [rolePolicy] : [])],
    });
    this.ready = [this.fn, ...props.network.readyFor(this.securityGroup)];
  }

  get arn(): string {
    return this.fn.arn;
  }

  get functionName(): string {
    return this.fn.functionName;
  }
}
