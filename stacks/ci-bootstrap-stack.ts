import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BootstrapConfig } from "../bootstrap/config";
import { McpConfig } from "../config/schema";
import { CiRole } from "../constructs/ci-role";
import { GithubOidc } from "../constructs/github-oidc";
import { AwsEnv, PROJECT } from "../lib/aws-env";
import { actionsFor, deployActions, grantServices, mergeTypes, PlanTypes, StateLocation, statementsFor, stateStatements } from "../lib/deploy-permissions";

/** The bootstrap's stack name; kept apart from the environments' `mcp-<env>` stacks. */
export const BOOTSTRAP_STACK = "ci-bootstrap";

/** One Terraform stack of an environment as CI plans and applies it: the types of its plan and where its state is. */
export interface CiStack {
  /** `mcp-<env>-images` or `mcp-<env>`. */
  readonly name: string;
  readonly types: PlanTypes;
  /** Its S3 backend (bootstrap/config.ts refuses environments with local state). */
  readonly state?: StateLocation;
}

/** One environment CI deploys: its config and its stacks, the images stack first (app/synth.ts order). */
export interface CiEnvironment {
  readonly config: McpConfig;
  readonly stacks: readonly CiStack[];
}

/**
 * The roles a team's pipeline assumes (docs/pipeline.md): GitHub's OIDC provider, and per environment a plan role
 * (refresh and plan: read calls, state read and lock) and an apply role (what the environment's plans deploy, and the
 * image push between them). Both cover every stack of the environment: `mcp-<env>-images` and `mcp-<env>`.
 * Their names start with `ci-`, outside the `mcp-<env>-*` names the apply role may manage, so it cannot rewrite
 * its own permissions. Not part of `npm run synth`: `npm run bootstrap` synthesizes it on its own.
 */
export class CiBootstrapStack extends TerraformStack {
  readonly oidc: GithubOidc;
  readonly planRoles: Record<string, CiRole> = {};
  readonly applyRoles: Record<string, CiRole> = {};

  constructor(scope: Construct, config: BootstrapConfig, environments: readonly CiEnvironment[]) {
    super(scope, BOOTSTRAP_STACK);
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { project: PROJECT, environment: "ci", owner: config.owner, "managed-by": "cdktf" } }],
    });
    if (config.state) {
      new S3Backend(this, { bucket: config.state.bucket, key: config.state.key, region: config.state.region ?? config.region, encrypt: true });
      // As in McpStack: cdktf 0.21's S3Backend has no prop for S3 native locking.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      new LocalBackend(this, { path: `../../../terraform.${BOOTSTRAP_STACK}.tfstate` });
    }

    this.oidc = new GithubOidc(this, "github-oidc", { create: config.github.createOidcProvider });
    const { repository: repo, branch } = config.github;
    for (const { config: c, stacks } of environments) {
      const types = mergeTypes(stacks.map((s) => s.types));
      const states = stacks.flatMap((s) => (s.state ? [s.state] : []));
      const via = grantServices(types);
      const env: AwsEnv = { accountId: config.accountId, region: c.region, partition: "aws", environment: c.environment, stage: c.stage };
      const scope = new Construct(this, c.environment);
      const planSubjects = [`repo:${repo}:ref:refs/heads/${branch}`, ...(config.github.planOnPullRequests ? [`repo:${repo}:pull_request`] : [])];
      const read = statementsFor(actionsFor(types, "read"), env, via);
      this.planRoles[c.environment] = new CiRole(scope, "plan", {
        name: `ci-mcp-${c.environment}-plan`,
        description: `Read-only plan of mcp-${c.environment}-images and mcp-${c.environment} from ${repo} (${branch} and pull requests): refresh, state read and lock`,
        trustPolicy: this.oidc.trustPolicy(planSubjects),
        statements: [...stateStatements(states, config.stateKmsKeyArn, "plan"), ...read.scoped],
        unscoped: read.unscoped,
      });
      const write = statementsFor(deployActions(types), env, via);
      this.applyRoles[c.environment] = new CiRole(scope, "apply", {
        name: `ci-mcp-${c.environment}-apply`,
        description: `Deploys mcp-${c.environment}-images, pushes its images and deploys mcp-${c.environment} from ${repo}, GitHub environment ${c.environment} only`,
        trustPolicy: this.oidc.trustPolicy([`repo:${repo}:environment:${c.environment}`]),
        statements: [...stateStatements(states, config.stateKmsKeyArn, "apply"), ...write.scoped],
        unscoped: write.unscoped,
      });
      new TerraformOutput(scope, "plan-role-arn", { value: this.planRoles[c.environment].arn, description: `AWS_PLAN_ROLE_ARN of ${c.environment}` });
      new TerraformOutput(scope, "apply-role-arn", { value: this.applyRoles[c.environment].arn, description: `AWS_APPLY_ROLE_ARN of GitHub environment ${c.environment}` });
    }
  }
}
