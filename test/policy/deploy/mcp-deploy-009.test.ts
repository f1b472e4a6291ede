import { rule } from "../../../policy/deploy/mcp-deploy-009";
import { goodContainer, judge, lines, plan, ref } from "../fixtures";

const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const DIGEST = "@sha256:" + "a".repeat(64);
const td = (image: string, role = "exec") => ({ family: "mcp", requires_compatibilities: ["FARGATE"], execution_role_arn: ref(`aws_iam_role.${role}`, "arn"), container_definitions: JSON.stringify([{ ...goodContainer, image }]) });
const rolePolicy = (role: string, actions: string[]) => ({
  role: ref(`aws_iam_role.${role}`),
  policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Action: actions, Resource: `arn:aws:ecr:us-east-1:123456789012:repository/mcp-prod-ghcr/ibm/ibmi-mcp-server` }] }),
});
const PTC = { ecr_repository_prefix: "mcp-prod-ghcr", upstream_registry_url: "ghcr.io", credential_arn: ref("aws_secretsmanager_secret.ghcr", "arn") };
const PROVIDER = { provider: { aws: [{ region: "us-east-1" }] } };

describe("MCP-DEPLOY-009 images reachable from the isolated VPC", () => {
  it("fails ghcr.io and other-Region images, a badly named cache credential, and an execution role that cannot make the first pull", () => {
    const r = judge(
      rule,
      plan(
        {
          aws_secretsmanager_secret: { ghcr: { name: "ghcr-token" } },
          aws_ecr_pull_through_cache_rule: { ghcr: PTC, anon: { ecr_repository_prefix: "gh", upstream_registry_url: "ghcr.io" } },
          aws_iam_role: { exec: { name: "exec" } },
          aws_iam_role_policy: { exec: rolePolicy("exec", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) },
          aws_ecs_task_definition: {
            upstream: td(`ghcr.io/ibm/ibmi-mcp-server:0.5.1${DIGEST}`),
            west: td(`123456789012.dkr.ecr.us-west-2.amazonaws.com/mcp${DIGEST}`),
            cached: td(`${ECR}/mcp-prod-ghcr/ibm/ibmi-mcp-server${DIGEST}`),
          },
        },
        PROVIDER,
      ),
    );
    expect(lines(r)).toEqual([
      'aws_ecr_pull_through_cache_rule.ghcr: uses credential secret "ghcr-token"; ECR accepts only secrets named ecr-pullthroughcache/…',
      "aws_ecr_pull_through_cache_rule.anon: caches ghcr.io without credential_arn; ECR requires a credential for GitHub Container Registry",
      `aws_ecs_task_definition.upstream: container "mcp-server" pulls ghcr.io/ibm/ibmi-mcp-server:0.5.1${DIGEST}, which is not ECR; tasks without an internet route cannot reach it`,
      'aws_ecs_task_definition.west: container "mcp-server" pulls from ECR in us-west-2, but the VPC endpoints reach only ECR of us-east-1',
      "aws_ecs_task_definition.cached: pulls through the cache (mcp-prod-ghcr) but its execution role aws_iam_role.exec lacks ecr:BatchImportUpstreamImage on those repositories, so the first pull fails",
      "aws_ecs_task_definition.cached: pulls through the cache (mcp-prod-ghcr) but its execution role aws_iam_role.exec lacks ecr:CreateRepository on those repositories, so the first pull fails",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html");
  });

  it("passes cached images with a well-named credential and first-pull permissions, and mirrored ECR images", () => {
    const r = judge(
      rule,
      plan(
        {
          aws_secretsmanager_secret: { ghcr: { name: "ecr-pullthroughcache/mcp-prod-ghcr" } },
          aws_ecr_pull_through_cache_rule: { ghcr: PTC },
          aws_iam_role: { exec: { name: "exec" } },
          aws_iam_role_policy: { exec: rolePolicy("exec", ["ecr:BatchGetImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]) },
          aws_ecs_task_definition: { cached: td(`${ECR}/mcp-prod-ghcr/ibm/ibmi-mcp-server${DIGEST}`), mirrored: td(`${ECR}/mirror/gateway:1.0`) },
        },
        PROVIDER,
      ),
    );
    expect(lines(r)).toEqual([]);
  });

  it("leaves other registries alone when the plan has a route to the internet", () => {
    const r = judge(rule, plan({ aws_nat_gateway: { nat: { subnet_id: "subnet-1" } }, aws_iam_role: { exec: { name: "exec" } }, aws_ecs_task_definition: { hub: td("nginx:1.27") } }, PROVIDER));
    expect(lines(r)).toEqual([]);
  });
});
