/** The `project` default tag of every resource the kit creates; the preflight finds them by it. */
export const PROJECT = "ibmi-mcp";

/** Where a stack deploys. Constructs build ARNs from it instead of each looking the account up again. */
export interface AwsEnv {
  /** Literal account id from config, or a token of the caller-identity data source. */
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** Environment name, used in resource names: `mcp-<environment>-…`. */
  readonly environment: string;
  readonly stage: "dev" | "staging" | "prod";
}

export function arn(env: AwsEnv, service: string, resource: string, opts: { region?: boolean } = {}): string {
  return `arn:${env.partition}:${service}:${opts.region === false ? "" : env.region}:${env.accountId}:${resource}`;
}

/** The common name prefix of every named resource of an environment. */
export function prefix(env: AwsEnv): string {
  return `mcp-${env.environment}`;
}

/**
 * ARN of an ECS service of the environment's cluster (ServiceCluster names it `mcp-<env>`), built from names. For
 * grants and tags that must not reference the service itself: a service whose task definition reads a secret cannot
 * also be referenced from that secret's tags or its rotation role (a cycle).
 */
export function ecsServiceArn(env: AwsEnv, serviceName: string): string {
  return arn(env, "ecs", `service/${prefix(env)}/${serviceName}`);
}
