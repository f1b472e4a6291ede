import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { suppress } from "../policy/suppress";
import { ServiceRole } from "./service-role";

/** ECR's name for each upstream it can cache, by registry host. */
const UPSTREAMS: Readonly<Record<string, string>> = { "ghcr.io": "github-container-registry" };

export interface ContainerImagesProps {
  readonly env: AwsEnv;
}

/** An image as the tasks pull it: from this account's private ECR, never from the internet. */
export interface ContainerImage {
  /** The reference as configured, e.g. `ghcr.io/ibm/ibmi-mcp-server:0.5.1@sha256:…`. */
  readonly source: string;
  /** What the task definition pulls: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]`. */
  readonly uri: string;
  /** The private repository name, e.g. `mcp-prod-ghcr/ibm/ibmi-mcp-server`. */
  readonly repository: string;
  readonly repositoryArn: string;
  /** True when the pull-through cache creates the repository on the first pull. */
  readonly pullThrough: boolean;
}

/**
 * Where the tasks get their images. The VPC has no internet route, so images come from ECR through its endpoints:
 * a ghcr.io image is served by an ECR pull-through cache rule (ECR, not the VPC, fetches from ghcr.io), an image
 * already in this account's ECR (the documented mirror step) is used as it is.
 *
 * ghcr.io needs credentials even for public packages: the rule reads them from a Secrets Manager secret whose name
 * must start with `ecr-pullthroughcache/`. Terraform creates the empty secret; a person puts
 * `{"username": …, "accessToken": <GitHub PAT with read:packages>}` into it once (docs/service.md).
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html
 */
export class ContainerImages extends Construct {
  /** ECR repository prefix of the cached images, unique per environment because the rule is registry-wide. */
  readonly cachePrefix: string;
  readonly upstreamCredential: SecretsmanagerSecret;
  readonly pullThroughRule: EcrPullThroughCacheRule;
  private readonly env: AwsEnv;

  constructor(scope: Construct, id: string, props: ContainerImagesProps) {
    super(scope, id);
    this.env = props.env;
    this.cachePrefix = `${prefix(props.env)}-ghcr`;
    this.upstreamCredential = new SecretsmanagerSecret(this, "ghcr-credential", {
      name: `ecr-pullthroughcache/${this.cachePrefix}`,
      description: `ghcr.io read-only credential for the ECR pull-through cache of ${prefix(props.env)}; value put by a person, see docs/service.md`,
      // The AWS managed key on purpose: ECR reads this secret through its service-linked role, whose policy has no
      // kms:Decrypt, and that role exists only after the first rule, so a customer key policy could not name it.
      // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSECRPullThroughCache_ServiceRolePolicy.html
      recoveryWindowInDays: 7,
    });
    suppress(this.upstreamCredential, "MCP-SEC-001", "ECR reads this secret through its service-linked role, which has no kms:Decrypt and exists only after the first rule: a customer key would break image pulls");
    suppress(this.upstreamCredential, "MCP-SEC-002", "a ghcr.io read-only token that only a person can issue (docs/service.md); GitHub enforces its expiry and ECR only reads it");
    this.pullThroughRule = new EcrPullThroughCacheRule(this, "ghcr", {
      ecrRepositoryPrefix: this.cachePrefix,
      upstreamRegistryUrl: "ghcr.io",
      credentialArn: this.upstreamCredential.arn,
    });
  }

  /** The private ECR image a configured reference is pulled as; throws for registries the tasks cannot reach. */
  resolve(source: string): ContainerImage {
    const m = /^([^/]+)\/(.+?)(?::([\w][\w.-]{0,127}))?(@sha256:[a-f0-9]{64})?$/.exec(source);
    if (!m) throw new Error(`${this.node.path}: "${source}" is not an image reference`);
    const [, host, path, tag, digest] = m;
    const registry = `${this.env.accountId}.dkr.ecr.${this.env.region}.amazonaws.com`;
    // A digest names exactly one image; ECS would otherwise resolve a tag at each deployment.
    const ref = digest ?? `:${tag ?? "latest"}`;
    if (UPSTREAMS[host]) {
      const repository = `${this.cachePrefix}/${path}`;
      return { source, uri: `${registry}/${repository}${ref}`, repository, repositoryArn: this.repositoryArn(repository), pullThrough: true };
    }
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
    if (ecr && (ecr[1] === this.env.accountId || !/^\d{12}$/.test(this.env.accountId)) && ecr[2] === this.env.region) {
      return { source, uri: `${registry}/${path}${ref}`, repository: path, repositoryArn: this.repositoryArn(path), pullThrough: false };
    }
    throw new Error(`${this.node.path}: image "${source}" is on ${host}, which the isolated tasks cannot reach; use ghcr.io (pull-through cache) or mirror it into this account's ECR in ${this.env.region}`);
  }

  /**
   * Lets a task execution role pull these images: the registry token (AWS requires resource "*"), layers and
   * manifests of exactly these repositories, and, for cached ones, the two actions the first pull needs to create
   * the repository and import the image.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
   */
  grantPull(role: ServiceRole, images: readonly ContainerImage[]): void {
    const arns = [...new Set(images.map((i) => i.repositoryArn))].sort();
    role.addToPolicy({
      sid: "EcrAuthorizationToken",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
      why: "ecr:GetAuthorizationToken is account-wide and supports no resource-level permission (ECR IAM reference); the token alone grants no repository.",
    });
    role.addToPolicy({ sid: "EcrPullImages", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: arns });
    const cached = [...new Set(images.filter((i) => i.pullThrough).map((i) => i.repositoryArn))].sort();
    if (cached.length) role.addToPolicy({ sid: "EcrPullThroughCacheFirstPull", actions: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"], resources: cached });
  }

  private repositoryArn(repository: string): string {
    return arn(this.env, "ecr", `repository/${repository}`);
  }
}
