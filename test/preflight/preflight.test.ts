import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { DescribeSecurityGroupsCommand, DescribeTransitGatewaysCommand, DescribeVpcsCommand, DescribeVpnConnectionsCommand, DescribeVpnGatewaysCommand, SearchTransitGatewayRoutesCommand } from "@aws-sdk/client-ec2";
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { kitImages, PLACEHOLDER_DIGEST } from "../../lib/images";
import { GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import { GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { McpConfig } from "../../config/schema";
import { covers } from "../../preflight/certificate";
import { parseImage } from "../../preflight/images";
import { plannedUsage } from "../../preflight/quotas";
import { formatJson, formatText, PreflightReport, runPreflight } from "../../preflight/run";
import { locationToRegion } from "../../preflight/state";
import { CheckResult, Fetch } from "../../preflight/types";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs, variant } from "../configs";
import { shippedPlan } from "../plans";
import { ACCOUNT, awsError, CERT_ARN, clients, DAY, greenAccount, mocks, NOW, sentCommands, TGW_TABLE } from "./account";

const configs = shippedConfigs();
const prod = configs.prod;

/** A small plan with what the quota checks count: one VPC, 7 interface endpoints, 2 services, one ALB with 2 listeners and 3 rules. */
const PLAN: TerraformJson = {
  resource: {
    aws_vpc: { vpc: { cidr_block: "10.42.0.0/20" } },
    aws_vpc_endpoint: Object.fromEntries(
      ["ecr-api", "ecr-dkr", "logs", "secretsmanager", "kms", "sts", "monitoring"].map((s) => [s, { vpc_id: "${aws_vpc.vpc.id}", vpc_endpoint_type: "Interface" }]).concat([["s3", { vpc_id: "${aws_vpc.vpc.id}", vpc_endpoint_type: "Gateway" }]]),
    ),
    aws_ecs_task_definition: { task: { cpu: "1024", memory: "2048" } },
    aws_ecs_service: { mcp: { desired_count: 2, task_definition: "${aws_ecs_task_definition.task.arn}" }, tier: { desired_count: 1, task_definition: "${aws_ecs_task_definition.task.arn}" } },
    aws_lb: { alb: { internal: true } },
    aws_lb_listener: { mcp: { load_balancer_arn: "${aws_lb.alb.arn}" }, gateway: { load_balancer_arn: "${aws_lb.alb.arn}" } },
    aws_lb_listener_rule: { a: { listener_arn: "${aws_lb_listener.mcp.arn}" }, b: { listener_arn: "${aws_lb_listener.mcp.arn}" }, c: { listener_arn: "${aws_lb_listener.gateway.arn}" } },
    aws_sns_topic: { alerts: { name: "mcp-prod-security-alerts" }, other: { name: "mcp-prod-rotation" } },
    aws_sns_topic_subscription: { secops: { topic_arn: "${aws_sns_topic.alerts.arn}", protocol: "email", endpoint: "secops@example.com" } },
  },
};

/** A plainly fake digest standing in for a reviewed one (the shipped prod config carries the all-zero placeholder). */
const FAKE_DIGEST = `sha256:${"1".repeat(64)}`;

/** A stub of ghcr.io: an anonymous token, then each manifest HEAD answered 200 unless `status` says otherwise. */
function ghcr(status: Record<string, number> = {}) {
  return jest.fn(async (url: string, _init?: { method?: string; headers?: Record<string, string> }) => {
    if (url.startsWith("https://ghcr.io/token")) return { status: 200, json: async () => ({ token: "anonymous-token" }) };
    const repo = /^https:\/\/ghcr\.io\/v2\/(.+)\/manifests\//.exec(url)?.[1] ?? "";
    return { status: status[repo] ?? 200, json: async () => ({}) };
  });
}

/** Runs the preflight as on a ready account: the example's placeholder digests stand for reviewed ones, ghcr.io answers. */
async function run(config: McpConfig = prod, plan?: TerraformJson, fetch: Fetch = ghcr()): Promise<PreflightReport> {
  return runPreflight({ config: pinned(config), clients: clients(), plan, now: NOW, fetch });
}

/** The config with the example's placeholder digests replaced by FAKE_DIGEST. */
function pinned(config: McpConfig): McpConfig {
  const pin = (image: string) => image.replace(`@${PLACEHOLDER_DIGEST}`, `@${FAKE_DIGEST}`);
  return { ...config, mcpServer: { ...config.mcpServer, image: pin(config.mcpServer.image) }, gateway: { ...config.gateway, image: pin(config.gateway.image) } };
}

function find(report: PreflightReport, group: string, status?: CheckResult["status"]): CheckResult[] {
  return report.results.filter((r) => r.group === group && (!status || r.status === status));
}

/** The one FAIL of a report (a broken prerequisite must show as exactly one failure, with a fix). */
function onlyFailure(report: PreflightReport): CheckResult {
  const fails = report.results.filter((r) => r.status === "FAIL");
  expect(fails.map((f) => `${f.group}: ${f.check}: ${f.detail}`)).toHaveLength(1);
  expect(fails[0].fix).toBeTruthy();
  expect(report.passed).toBe(false);
  return fails[0];
}

const commandsSent = new Set<string>();
beforeEach(() => greenAccount());
afterEach(() => sentCommands().forEach((c) => commandsSent.add(c)));

describe("a ready account", () => {
  it("passes every check of prod, with the plan-based quota checks skipped when nothing was synthesized", async () => {
    const report = await run();
    expect(report.results.filter((r) => r.status === "FAIL")).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.accountId).toBe(ACCOUNT);
    expect(new Set(report.results.filter((r) => r.status === "PASS").map((r) => r.group))).toEqual(new Set(["identity", "certificate", "images", "network", "state", "alerts", "quotas", "concurrency", "cloudtrail", "roles"]));
    expect(find(report, "quotas", "SKIP").map((r) => r.check)).toEqual(["plan-based quotas"]);
    // IBM i network, three agent ranges and the operators each get a route check against the default table.
    expect(
      find(report, "network", "PASS")
        .filter((r) => r.check.startsWith("route to "))
        .map((r) => r.check),
    ).toEqual(["route to 10.52.0.0/24", "route to 10.22.1.0/28", "route to 10.22.5.0/28", "route to 10.22.2.0/28", "route to 10.32.0.0/24"]);
    expect(mocks.ec2.commandCalls(SearchTransitGatewayRoutesCommand)[0].args[0].input).toEqual({ TransitGatewayRouteTableId: TGW_TABLE, Filters: [{ Name: "route-search.longest-prefix-match", Values: ["10.52.0.0/24"] }] });
  });

  it("checks the quotas the synthesized plan needs", async () => {
    const report = await run(prod, PLAN);
    expect(report.passed).toBe(true);
    expect(find(report, "quotas").map((r) => `${r.status} ${r.check}: ${r.detail}`)).toEqual([
      "PASS VPCs per Region: 1 existing VPC(s) + 1 new needs 2 of 5",
      "PASS Interface VPC endpoints per VPC: the stack's VPC needs 7 of 50",
      "PASS Fargate On-Demand vCPU resource count: the plan's services (without other workloads of the account) needs 3 of 6",
      "PASS Listeners per Application Load Balancer: aws_lb.alb needs 2 of 50",
      "PASS Rules per Application Load Balancer: aws_lb.alb's listener rules needs 3 of 100",
    ]);
  });

  it("passes dev (VPN gateway with static routes, self-signed certificate, local state)", async () => {
    const report = await run(configs.dev);
    expect(report.results.filter((r) => r.status === "FAIL")).toEqual([]);
    expect(find(report, "certificate")).toEqual([{ group: "certificate", check: "certificate", status: "SKIP", detail: "tls.mode is self-signed: the deploy makes and imports the certificate itself" }]);
    expect(find(report, "state")[0].status).toBe("SKIP");
    expect(find(report, "network", "PASS").map((r) => r.check)).toContain("VPN tunnels");
  });
});

describe("identity", () => {
  it("stops at credentials of another account, naming both", async () => {
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321", Arn: "arn:aws:iam::210987654321:user/someone" });
    const report = await run();
    const f = onlyFailure(report);
    expect(f.detail).toBe("credentials are for account 210987654321 (arn:aws:iam::210987654321:user/someone), but config prod.json deploys to 123456789012");
    expect(report.results.slice(1).every((r) => r.status === "SKIP")).toBe(true);
    expect(mocks.acm.calls()).toHaveLength(0);
  });

  it("reports missing credentials with how to provide them", async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(awsError("CredentialsProviderError", "Could not load credentials from any providers"));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("no AWS credentials were found");
    expect(f.fix).toMatch(/^set AWS_PROFILE/);
  });
});

describe("certificate", () => {
  it("fails when it does not exist", async () => {
    mocks.acm.on(DescribeCertificateCommand).rejects(awsError("ResourceNotFoundException"));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("does not exist in account 123456789012, us-east-1");
    expect(f.fix).toBe("request a certificate for mcp.example.com in ACM (us-east-1) and set tls.certificateArn to its ARN");
  });

  it("fails while validation is pending", async () => {
    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: CERT_ARN, Status: "PENDING_VALIDATION", DomainName: "mcp.example.com", NotAfter: undefined } });
    const f = onlyFailure(await run());
    expect(f.check).toBe("status");
    expect(f.detail).toBe(`${CERT_ARN} is PENDING_VALIDATION, not ISSUED; a listener cannot use it`);
    expect(f.fix).toMatch(/CNAME records/);
  });

  it("fails when it does not cover tls.domainName, and passes a one-label wildcard", async () => {
    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: "ISSUED", DomainName: "api.example.com", SubjectAlternativeNames: ["api.example.com", "*.mcp.example.com"], NotAfter: new Date(NOW.getTime() + 90 * DAY) } });
    const f = onlyFailure(await run());
    expect(f.detail).toBe("covers api.example.com, *.mcp.example.com, not mcp.example.com; clients would reject the TLS handshake");
    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: "ISSUED", DomainName: "*.example.com", NotAfter: new Date(NOW.getTime() + 90 * DAY) } });
    expect(find(await run(), "certificate", "PASS").map((r) => r.detail)).toContain("covers mcp.example.com (as *.example.com)");
  });

  it("fails when it expires within 30 days", async () => {
    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: "ISSUED", Type: "IMPORTED", DomainName: "mcp.example.com", NotAfter: new Date(NOW.getTime() + 10.5 * DAY) } });
    const f = onlyFailure(await run());
    expect(f.detail).toBe("expires in 10 days (2026-12-06); the kit wants at least 30 days left");
    expect(f.fix).toMatch(/^import a renewed certificate into the same ARN/);
  });

  it("fails on a certificate of another region without calling ACM", async () => {
    const f = onlyFailure(await run(variant("prod", (c) => (c.tls.certificateArn = CERT_ARN.replace("us-east-1", "eu-west-1")))));
    expect(f.detail).toMatch(/is in eu-west-1, but the load balancer is in us-east-1/);
    expect(mocks.acm.calls()).toHaveLength(0);
  });

  it.each([
    ["mcp.example.com", "mcp.example.com", true],
    ["*.example.com", "mcp.example.com", true],
    ["*.example.com", "a.mcp.example.com", false],
    ["*.example.com", "example.com", false],
    ["MCP.Example.com", "mcp.example.com", true],
    ["mcp.example.com", "*.example.com", false],
  ])("covers(%s, %s) is %s", (name, domain, expected) => {
    expect(covers(name, domain)).toBe(expected);
  });
});

describe("images", () => {
  const kit = (config: McpConfig) => kitImages(pinned(config));

  it("looks up each kit image by its kit tag in the environment's repository", async () => {
    const report = await run(configs.staging);
    const ids = mocks.ecr.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    expect(ids).toEqual(kit(configs.staging).map((i) => ({ repositoryName: i.repositoryName, imageIds: [{ imageTag: i.tag }] })));
    expect(ids.map((i) => i.repositoryName)).toEqual(["mcp-staging/ibmi-mcp-server", "mcp-staging/mcp-gateway"]);
    expect(find(report, "images", "PASS")).toHaveLength(2);
  });

  it("fails when a kit image is not pushed, with the command that pushes it", async () => {
    const gw = kit(prod)[1];
    mocks.ecr.on(DescribeImagesCommand, { repositoryName: "mcp-prod/mcp-gateway" }).rejects(awsError("ImageNotFoundException"));
    const f = onlyFailure(await run());
    expect(f).toMatchObject({ group: "images", check: `mcp-prod/mcp-gateway:${gw.tag}`, detail: `mcp-prod/mcp-gateway:${gw.tag} is not in the registry`, fix: "run npm run images -- prod --push" });
  });

  it("fails when the repository does not exist, naming the images stack to deploy first", async () => {
    mocks.ecr.on(DescribeImagesCommand, { repositoryName: "mcp-prod/ibmi-mcp-server" }).rejects(awsError("RepositoryNotFoundException"));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("repository mcp-prod/ibmi-mcp-server does not exist");
    expect(f.fix).toBe("deploy the image repositories first (npx cdktf deploy mcp-prod-images), then run npm run images -- prod --push");
  });

  it("fails on the example's placeholder digest without asking ghcr.io", async () => {
    const fetch = jest.fn();
    const report = await runPreflight({ config: configs.prod, clients: clients(), now: NOW, fetch });
    const fails = find(report, "images", "FAIL");
    expect(fails.map((f) => [f.check, f.detail])).toEqual([
      ["mcpServer.image base", `ghcr.io/ibm/ibmi-mcp-server:v0.5.1@${PLACEHOLDER_DIGEST} carries the placeholder digest of the example config, not the reviewed image's`],
      ["gateway.image base", `ghcr.io/ibm/mcp-context-forge:v1.0.8@${PLACEHOLDER_DIGEST} carries the placeholder digest of the example config, not the reviewed image's`],
    ]);
    expect(fails[0].fix).toBe("replace it with the digest of the reviewed upstream image (docker buildx imagetools inspect ghcr.io/ibm/ibmi-mcp-server:v0.5.1)");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("asks ghcr.io for a pinned base digest with an anonymous pull token, and fails when it is not there", async () => {
    const fetch = ghcr({ "ibm/mcp-context-forge": 404 });
    const report = await run(prod, undefined, fetch);
    // ghcr.io's token endpoint (scope repository:<name>:pull) and a HEAD of the manifest by digest with that token.
    expect(fetch.mock.calls.map(([url, init]) => [url, init?.method ?? "GET", init?.headers?.Authorization])).toEqual([
      ["https://ghcr.io/token?scope=repository%3Aibm%2Fibmi-mcp-server%3Apull&service=ghcr.io", "GET", undefined],
      [`https://ghcr.io/v2/ibm/ibmi-mcp-server/manifests/${FAKE_DIGEST}`, "HEAD", "Bearer anonymous-token"],
      ["https://ghcr.io/token?scope=repository%3Aibm%2Fmcp-context-forge%3Apull&service=ghcr.io", "GET", undefined],
      [`https://ghcr.io/v2/ibm/mcp-context-forge/manifests/${FAKE_DIGEST}`, "HEAD", "Bearer anonymous-token"],
    ]);
    const f = onlyFailure(report);
    expect(f).toMatchObject({ check: "gateway.image base", detail: `${FAKE_DIGEST} is not in the registry ghcr.io/ibm/mcp-context-forge` });
    expect(find(report, "images", "PASS").map((r) => r.check)).toContain("mcpServer.image base");
  });

  it("skips the ghcr.io lookup when the registry cannot be reached, and never asks for unpinned images", async () => {
    const offline = jest.fn(async () => Promise.reject(new Error("getaddrinfo ENOTFOUND ghcr.io")));
    const report = await run(prod, undefined, offline);
    expect(find(report, "images", "SKIP").map((r) => [r.check, r.detail])).toEqual([
      ["mcpServer.image base", "could not reach ghcr.io (getaddrinfo ENOTFOUND ghcr.io)"],
      ["gateway.image base", "could not reach ghcr.io (getaddrinfo ENOTFOUND ghcr.io)"],
    ]);
    const unpinned = jest.fn();
    await run(configs.staging, undefined, unpinned);
    expect(unpinned).not.toHaveBeenCalled();
  });

  it("parses image references", () => {
    expect(parseImage("ghcr.io/ibm/ibmi-mcp-server:v0.5.1@sha256:abc")).toEqual({ registry: "ghcr.io", repository: "ibm/ibmi-mcp-server", tag: "v0.5.1", digest: "sha256:abc" });
    expect(parseImage("localhost:5000/x/y")).toEqual({ registry: "localhost:5000", repository: "x/y", tag: undefined, digest: undefined });
    expect(parseImage("nginx:1.27")).toEqual({ registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: undefined });
  });
});

describe("network", () => {
  it("fails on an agent security group that does not exist", async () => {
    const config = variant("prod", (c) => (c.agents[1].securityGroupIds = ["sg-0123456789abcdef0"]));
    mocks.ec2.on(DescribeSecurityGroupsCommand).rejects(awsError("InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist"));
    const f = onlyFailure(await run(config));
    expect(f.check).toBe("agent group ops sg-0123456789abcdef0");
    expect(f.detail).toBe("security group sg-0123456789abcdef0 does not exist in us-east-1");
  });

  it("fails when the transit gateway does not exist or is not available", async () => {
    mocks.ec2.on(DescribeTransitGatewaysCommand).rejects(awsError("InvalidTransitGatewayID.NotFound"));
    expect(onlyFailure(await run()).detail).toBe("does not exist in us-east-1 (or is not shared with account 123456789012)");
    mocks.ec2.on(DescribeTransitGatewaysCommand).resolves({ TransitGateways: [{ State: "pending", OwnerId: ACCOUNT }] });
    expect(onlyFailure(await run()).detail).toBe("is pending, not available");
  });

  it("fails when no route reaches the IBM i network, or the route is a blackhole", async () => {
    mocks.ec2.on(SearchTransitGatewayRoutesCommand).resolves({ Routes: [] });
    mocks.ec2.on(SearchTransitGatewayRoutesCommand, { Filters: [{ Name: "route-search.longest-prefix-match", Values: ["10.22.1.0/28"] }] }).resolves({ Routes: [{ DestinationCidrBlock: "10.22.0.0/16", State: "active" }] });
    const fails = find(await run(), "network", "FAIL");
    expect(fails[0]).toEqual(expect.objectContaining({ check: "route to 10.52.0.0/24", detail: `${TGW_TABLE} has no route to the IBM i network (10.52.0.0/24)` }));
    expect(fails).toHaveLength(4);
    mocks.ec2.on(SearchTransitGatewayRoutesCommand).resolves({ Routes: [{ DestinationCidrBlock: "10.52.0.0/16", State: "blackhole" }] });
    expect(find(await run(), "network", "FAIL")[0].detail).toBe(`the route 10.52.0.0/16 in ${TGW_TABLE} is blackhole`);
  });

  it("fails on a shared transit gateway that will not accept the attachment", async () => {
    mocks.ec2
      .on(DescribeTransitGatewaysCommand)
      .resolves({ TransitGateways: [{ State: "available", OwnerId: "210987654321", Options: { DefaultRouteTableAssociation: "enable", AssociationDefaultRouteTableId: TGW_TABLE, AutoAcceptSharedAttachments: "disable" } }] });
    expect(onlyFailure(await run()).check).toBe("attachment acceptance");
  });

  it("fails on a VPN gateway attached to another VPC, with its tunnels down, without a static route", async () => {
    mocks.ec2.on(DescribeVpnGatewaysCommand).resolves({ VpnGateways: [{ State: "available", VpcAttachments: [{ VpcId: "vpc-0ccccccccccccccccc", State: "attached" }] }] });
    mocks.ec2.on(DescribeVpnConnectionsCommand).resolves({
      VpnConnections: [
        { VpnConnectionId: "vpn-0123456789abcdef0", State: "available", Options: { StaticRoutesOnly: true }, Routes: [{ DestinationCidrBlock: "10.20.0.0/16", State: "available" }], VgwTelemetry: [{ Status: "DOWN" }, { Status: "DOWN" }] },
      ],
    });
    const fails = find(await run(configs.dev), "network", "FAIL");
    expect(fails.map((f) => f.check)).toEqual(["VPN gateway attachment", "VPN tunnels", "route to 10.50.0.0/24", "route to 10.30.0.0/24"]);
    expect(fails[2].detail).toBe("no static route of the VPN connection covers the IBM i network (10.50.0.0/24)");
  });

  it("passes a VPN gateway already attached to this stack's VPC (a redeploy)", async () => {
    mocks.ec2.on(DescribeVpnGatewaysCommand).resolves({ VpnGateways: [{ State: "available", VpcAttachments: [{ VpcId: "vpc-0ddddddddddddddddd", State: "attached" }] }] });
    mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: "vpc-0ddddddddddddddddd" }] });
    expect(find(await run(configs.dev), "network", "FAIL")).toEqual([]);
    const tagged = mocks.ec2.commandCalls(DescribeVpcsCommand).find((c) => c.args[0].input.Filters);
    expect(tagged!.args[0].input.Filters).toEqual([
      { Name: "tag:project", Values: ["ibmi-mcp"] },
      { Name: "tag:environment", Values: ["dev"] },
    ]);
  });

  it("fails when the VPN gateway has no VPN connection", async () => {
    mocks.ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [] });
    expect(onlyFailure(await run(configs.dev)).detail).toBe("vgw-0a1b2c3d4e5f60718 has no available site-to-site VPN connection, so nothing reaches the IBM i network");
  });
});

describe("state bucket", () => {
  it("fails when it does not exist, with how to create it", async () => {
    mocks.s3.on(GetBucketLocationCommand).rejects(awsError("NoSuchBucket"));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("does not exist; Terraform does not create its own state bucket");
    expect(f.fix).toMatch(/^create it first \(docs\/deploy\.md, step 1\): aws s3api create-bucket --bucket acme-terraform-state-123456789012 --region us-east-1/);
  });

  it("fails when it is in another region than the backend names", async () => {
    mocks.s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: "eu-central-1" });
    expect(onlyFailure(await run()).fix).toBe('set state.region to "eu-central-1" in the config');
  });

  it("fails when versioning is off, encryption missing or public access not blocked", async () => {
    mocks.s3.on(GetBucketVersioningCommand).resolves({});
    mocks.s3.on(GetBucketEncryptionCommand).rejects(awsError("ServerSideEncryptionConfigurationNotFoundError"));
    mocks.s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false } });
    const fails = find(await run(), "state", "FAIL");
    expect(fails.map((f) => `${f.check}: ${f.detail}`)).toEqual([
      "encryption: has no default encryption",
      "versioning: is off; a corrupted or deleted state could not be recovered",
      "public access block: BlockPublicPolicy, RestrictPublicBuckets not on; state holds resource ids and may hold secrets",
    ]);
    mocks.s3.on(GetPublicAccessBlockCommand).rejects(awsError("NoSuchPublicAccessBlockConfiguration"));
    expect(find(await run(), "state", "FAIL").map((f) => f.check)).toContain("public access block");
  });

  it("reads GetBucketLocation's answers as regions", () => {
    expect([undefined, "", "EU", "eu-central-1"].map((l) => locationToRegion(l))).toEqual(["us-east-1", "us-east-1", "eu-west-1", "eu-central-1"]);
  });
});

describe("alert subscriptions", () => {
  it("fails on a subscription still pending confirmation, with how to confirm", async () => {
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: "email", Endpoint: "secops@example.com", SubscriptionArn: "PendingConfirmation" }] });
    const f = onlyFailure(await run());
    expect(f).toEqual(expect.objectContaining({ group: "alerts", check: "secops@example.com", detail: "has not confirmed its subscription to mcp-prod-security-alerts; alerts to it are dropped" }));
    expect(f.fix).toMatch(/^open the "AWS Notification - Subscription Confirmation" e-mail sent to secops@example\.com/);
  });

  it("fails when an address has no subscription at all", async () => {
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    expect(onlyFailure(await run()).detail).toBe("has no subscription to mcp-prod-security-alerts");
  });

  it("skips before the first deploy, when the topic does not exist", async () => {
    mocks.sns.on(ListTopicsCommand).resolves({ Topics: [] });
    const report = await run();
    expect(report.passed).toBe(true);
    expect(find(report, "alerts")).toEqual([expect.objectContaining({ status: "SKIP", check: "mcp-prod-security-alerts", detail: "topic not found: first deploy" })]);
  });

  it("takes the topic from the plan's e-mail subscriptions and follows pagination", async () => {
    mocks.sns
      .on(ListTopicsCommand)
      .resolvesOnce({ Topics: [{ TopicArn: "arn:aws:sns:us-east-1:123456789012:x" }], NextToken: "t1" })
      .resolves({ Topics: [{ TopicArn: "arn:aws:sns:us-east-1:123456789012:mcp-prod-security-alerts" }] });
    const report = await run(prod, PLAN);
    expect(find(report, "alerts").map((r) => `${r.status} ${r.check}`)).toEqual(["PASS secops@example.com"]);
    expect(mocks.sns.commandCalls(ListTopicsCommand)).toHaveLength(2);
  });
});

describe("quotas", () => {
  it("fails when the new VPC would exceed VPCs per Region", async () => {
    mocks.ec2.on(DescribeVpcsCommand).callsFake((input) => ({ Vpcs: input.Filters ? [] : Array.from({ length: 5 }, (_, i) => ({ VpcId: `vpc-${i}` })) }));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("5 existing VPC(s) + 1 new needs 6, the quota is 5");
    expect(f.fix).toBe("request an increase of vpc L-F678F1CE (VPCs per Region) in the Service Quotas console, or shrink the plan");
  });

  it("fails when the plan's listener rules exceed the ALB's rule quota, and falls back to the AWS default", async () => {
    mocks.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-7EED9B64" }).rejects(awsError("NoSuchResourceException"));
    const many: TerraformJson = { resource: { ...PLAN.resource, aws_lb_listener_rule: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`r${i}`, { listener_arn: "${aws_lb_listener.mcp.arn}" }])) } };
    const f = onlyFailure(await run(prod, many));
    expect(f.detail).toBe("aws_lb.alb's listener rules needs 101, the quota is 100");
  });

  it("fails when the services need more Fargate vCPU than the quota", async () => {
    mocks.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-3032A538" }).resolves({ Quota: { Value: 2 } });
    expect(onlyFailure(await run(prod, PLAN)).detail).toBe("the plan's services (without other workloads of the account) needs 3, the quota is 2");
  });

  it("fails when a security group would hold more rules in one direction than the quota, naming the way out", async () => {
    const rules = Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`r${i}`, { security_group_id: "${aws_security_group.alb.id}", cidr_ipv4: `10.100.${i}.0/28` }]));
    const many: TerraformJson = { resource: { ...PLAN.resource, aws_security_group: { alb: { name: "alb" } }, aws_vpc_security_group_ingress_rule: rules } };
    const f = onlyFailure(await run(prod, many));
    expect(f.check).toBe("Inbound or outbound rules per security group");
    expect(f.detail).toBe("aws_security_group.alb's inbound rules needs 61, the quota is 60");
    expect(f.fix).toBe("request an increase of vpc L-0EA8095F (Inbound or outbound rules per security group) in the Service Quotas console, or spread the rules over more security groups (the kit spreads agent ranges by itself: MCP-DEPLOY-019)");
  });

  it("fails when the load balancer would carry more security groups than the per-interface quota", async () => {
    mocks.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-2AFB9258" }).resolves({ Quota: { Value: 2 } });
    const three: TerraformJson = { resource: { ...PLAN.resource, aws_lb: { alb: { internal: true, security_groups: ["${aws_security_group.a.id}", "${aws_security_group.b.id}", "${aws_security_group.c.id}"] } } } };
    const f = onlyFailure(await run(prod, three));
    expect(f.detail).toBe("aws_lb.alb needs 3, the quota is 2");
    expect(f.fix).toBe("request an increase of vpc L-2AFB9258 (Security groups per network interface) in the Service Quotas console, or merge agent ranges so fewer groups hold them");
  });

  it("counts what a plan needs", () => {
    expect(plannedUsage(PLAN)).toEqual({
      vpcs: 1,
      interfaceEndpointsPerVpc: 7,
      fargateVcpu: 3,
      albRules: { lb: "aws_lb.alb", count: 3 },
      albListeners: { lb: "aws_lb.alb", count: 2 },
      securityGroupRules: { count: 0 },
      securityGroupsPerInterface: { count: 0 },
    });
    // Inline blocks count per CIDR block, like the rules AWS makes of them.
    const inline: TerraformJson = { resource: { aws_security_group: { g: { ingress: [{ cidr_blocks: ["10.0.0.0/24", "10.0.1.0/24"] }], egress: [{ cidr_blocks: ["10.0.2.0/24"] }] } } } };
    expect(plannedUsage(inline).securityGroupRules).toEqual({ group: "aws_security_group.g", direction: "inbound", count: 2 });
  });

  it("counts what the synthesized prod stack needs, and passes a ready account with it", async () => {
    const plan = shippedPlan("prod");
    // Two MCP tiers × 2 tasks × 1 vCPU and the gateway's 1 × 0.5 vCPU; one listener rule per agent group.
    const usage = plannedUsage(plan);
    // Endpoints: the six defaults, ecs (jwt mode restarts tiers), monitoring (the auth canary's metrics) and elasticache
    // (the cache-password function of managed gateway state). vCPU: 0.5 per task, the gateway's 2 included. Rules: the load balancer group's inbound ones. Listener rules: per tier's ranges a forwarding rule and, in oauth mode, its
    // RFC 9728 metadata rule.
    expect({ ...usage, albRules: usage.albRules.count, albListeners: usage.albListeners.count, securityGroupRules: usage.securityGroupRules.count, securityGroupsPerInterface: usage.securityGroupsPerInterface.count }).toEqual({
      vpcs: 1,
      interfaceEndpointsPerVpc: 9,
      fargateVcpu: 5,
      albRules: 4,
      albListeners: 2,
      securityGroupRules: expect.any(Number),
      // One group each: the load balancer, every task, every function.
      securityGroupsPerInterface: 1,
    });
    expect(usage.securityGroupRules.count).toBeLessThanOrEqual(60);
    const report = await run(prod, plan);
    expect(report.results.filter((r) => r.status !== "PASS" && r.check !== "audit bucket data events")).toEqual([]);
    expect(find(report, "alerts").map((r) => r.detail)).toEqual(["confirmed on mcp-prod-security-alerts"]);
  });
});

describe("permissions", () => {
  it("names the IAM action a denied read needs", async () => {
    mocks.ec2.on(DescribeTransitGatewaysCommand).rejects(awsError("UnauthorizedOperation", "You are not authorized to perform this operation."));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("cannot read: ec2:DescribeTransitGateways was denied");
    expect(f.fix).toBe("grant ec2:DescribeTransitGateways to the identity that runs the preflight (docs/deploy.md lists the read-only policy)");
  });

  it("turns an unexpected error in a group into a FAIL of that group only", async () => {
    mocks.s3.on(GetBucketLocationCommand).rejects(awsError("SlowDown", "Please reduce your request rate."));
    const f = onlyFailure(await run());
    expect(f.detail).toBe("could not check (s3:GetBucketLocation): SlowDown: Please reduce your request rate.");
  });
});

describe("output", () => {
  it("prints a line per result, a fix under each FAIL, and a summary; JSON carries the same", async () => {
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: "email", Endpoint: "secops@example.com", SubscriptionArn: "PendingConfirmation" }] });
    const report = await run();
    const text = formatText(report).split("\n");
    expect(text[0]).toBe("preflight mcp-prod: account 123456789012, us-east-1, plan not synthesized (npm run synth enables the plan-based checks)");
    const at = text.findIndex((l) => l.startsWith("FAIL  alerts"));
    expect(text[at]).toBe("FAIL  alerts       secops@example.com: has not confirmed its subscription to mcp-prod-security-alerts; alerts to it are dropped");
    expect(text[at + 1]).toMatch(/^ {19}fix: open the "AWS Notification/);
    // Skipped: the plan-based quotas (nothing synthesized) and the optional audit-bucket data events.
    expect(text[text.length - 1]).toMatch(/^\d+ passed, 1 failed, 2 skipped: fix every FAIL before npx cdktf deploy mcp-prod$/);
    const json = JSON.parse(formatJson(report));
    expect(json).toEqual(expect.objectContaining({ stack: "mcp-prod", passed: false, summary: report.summary }));
    expect(json.results).toHaveLength(report.results.length);
  });
});

describe("read-only", () => {
  // Runs last in this file: by then every scenario above has sent its commands.
  it("sends only Describe/Get/List commands (plus one read-only one named otherwise), and never reads a secret value", () => {
    // Not Describe/Get/List by name, but read-only by its IAM access level (Service Authorization Reference):
    // ec2:SearchTransitGatewayRoutes (List).
    const READ_ONLY_OTHERWISE_NAMED = ["SearchTransitGatewayRoutesCommand"];
    const sent = [...commandsSent].sort();
    expect(sent.length).toBeGreaterThanOrEqual(15);
    const writes = sent.filter((c) => !/^(Describe|Get|List)[A-Z]/.test(c) && !READ_ONLY_OTHERWISE_NAMED.includes(c));
    expect(writes).toEqual([]);
    expect(sent).not.toContain("GetSecretValueCommand");
  });

  it("constructs no command in its source but read-only ones", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const dir = path.join(__dirname, "..", "..", "preflight");
    const used = fs.readdirSync(dir).flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/new (\w+Command)\(/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter((c) => !/^(Describe|Get|List)[A-Z]/.test(c) && c !== "SearchTransitGatewayRoutesCommand")).toEqual([]);
  });
});
