/**
 * A mocked AWS account for the preflight tests (aws-sdk-client-mock; nothing leaves the process). `greenAccount`
 * answers every read as a ready account would for the shipped prod config; tests then break one prerequisite.
 * Every command any client receives is recorded, so the read-only test can inspect all of them.
 */
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { DescribeSecurityGroupsCommand, DescribeTransitGatewaysCommand, DescribeVpcsCommand, DescribeVpnConnectionsCommand, DescribeVpnGatewaysCommand, EC2Client, SearchTransitGatewayRoutesCommand } from "@aws-sdk/client-ec2";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { PreflightClients } from "../../preflight/types";

export const ACCOUNT = "123456789012";
export const NOW = new Date("2026-11-26T00:00:00Z");
export const DAY = 86_400_000;
export const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
export const TGW_TABLE = "tgw-rtb-0123456789abcdef0";
export const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:mcp-prod-security-alerts";

/** An SDK-style error: the SDK tells errors apart by `name`. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

export const mocks = {
  sts: mockClient(STSClient),
  acm: mockClient(ACMClient),
  ec2: mockClient(EC2Client),
  ecr: mockClient(ECRClient),
  s3: mockClient(S3Client),
  sns: mockClient(SNSClient),
  quotas: mockClient(ServiceQuotasClient),
  secrets: mockClient(SecretsManagerClient),
  lambda: mockClient(LambdaClient),
  cloudtrail: mockClient(CloudTrailClient),
  iam: mockClient(IAMClient),
};

/** Real clients (no credentials needed: the mocks answer before any request is signed). */
export function clients(): PreflightClients {
  const region = "us-east-1";
  return {
    sts: new STSClient({ region }),
    acm: new ACMClient({ region }),
    ec2: new EC2Client({ region }),
    ecr: new ECRClient({ region }),
    s3: new S3Client({ region }),
    sns: new SNSClient({ region }),
    quotas: new ServiceQuotasClient({ region }),
    secrets: new SecretsManagerClient({ region }),
    lambda: new LambdaClient({ region }),
    cloudtrail: new CloudTrailClient({ region }),
    iam: new IAMClient({ region }),
  };
}

/** Names of every command sent since the last reset, across all clients. */
export function sentCommands(): string[] {
  return Object.values(mocks).flatMap((m) => m.calls().map((c) => (c.args[0] as object).constructor.name));
}

export const QUOTA_VALUES: Record<string, number> = { "L-F678F1CE": 5, "L-29B6F2EB": 50, "L-3032A538": 6, "L-7EED9B64": 100, "L-B6DF7632": 50, "L-0EA8095F": 60, "L-2AFB9258": 5 };
export const TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/account-audit";

/** Resets every mock to a ready account for config/prod.json (transit gateway, ACM, S3 state, ghcr images). */
export function greenAccount(): void {
  for (const m of Object.values(mocks)) m.reset();
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:role/deployer` });
  mocks.acm.on(DescribeCertificateCommand).resolves({
    Certificate: { CertificateArn: CERT_ARN, Status: "ISSUED", Type: "AMAZON_ISSUED", DomainName: "mcp.example.com", SubjectAlternativeNames: ["mcp.example.com"], NotAfter: new Date(NOW.getTime() + 200 * DAY) },
  });
  // Every kit image pushed (npm run images -- <env> --push).
  mocks.ecr.on(DescribeImagesCommand).callsFake((input) => ({ imageDetails: [{ repositoryName: input.repositoryName, imageTags: [input.imageIds[0].imageTag], imageDigest: "sha256:" + "a".repeat(64) }] }));
  mocks.ec2.on(DescribeTransitGatewaysCommand).resolves({
    TransitGateways: [{ TransitGatewayId: "tgw-0f1e2d3c4b5a69788", State: "available", OwnerId: ACCOUNT, Options: { DefaultRouteTableAssociation: "enable", AssociationDefaultRouteTableId: TGW_TABLE, AutoAcceptSharedAttachments: "disable" } }],
  });
  mocks.ec2.on(SearchTransitGatewayRoutesCommand).resolves({ Routes: [{ DestinationCidrBlock: "10.0.0.0/8", State: "active", Type: "propagated" }] });
  // Unfiltered: the account's VPCs; filtered by the stack's tags: none yet (first deploy).
  mocks.ec2.on(DescribeVpcsCommand).callsFake((input) => ({ Vpcs: input.Filters ? [] : [{ VpcId: "vpc-0aaaaaaaaaaaaaaaa" }] }));
  mocks.ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => ({ SecurityGroups: input.GroupIds.map((id: string) => ({ GroupId: id, GroupName: "agents", VpcId: "vpc-0bbbbbbbbbbbbbbbb" })) }));
  mocks.ec2.on(DescribeVpnGatewaysCommand).resolves({ VpnGateways: [{ VpnGatewayId: "vgw-0a1b2c3d4e5f60718", State: "available", VpcAttachments: [] }] });
  mocks.ec2.on(DescribeVpnConnectionsCommand).resolves({
    VpnConnections: [{ VpnConnectionId: "vpn-0123456789abcdef0", State: "available", Options: { StaticRoutesOnly: true }, Routes: [{ DestinationCidrBlock: "10.0.0.0/8", State: "available" }], VgwTelemetry: [{ Status: "UP" }, { Status: "DOWN" }] }],
  });
  mocks.s3.on(GetBucketLocationCommand).resolves({});
  mocks.s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] } });
  mocks.s3.on(GetBucketVersioningCommand).resolves({ Status: "Enabled" });
  mocks.s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
  mocks.sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: "arn:aws:sns:us-east-1:123456789012:other" }, { TopicArn: TOPIC_ARN }] });
  mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: "email", Endpoint: "secops@example.com", SubscriptionArn: `${TOPIC_ARN}:0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e` }] });
  mocks.quotas.on(GetServiceQuotaCommand).callsFake((input) => ({ Quota: { QuotaCode: input.QuotaCode, Value: QUOTA_VALUES[input.QuotaCode] } }));
  mocks.quotas.on(GetAWSDefaultServiceQuotaCommand).callsFake((input) => ({ Quota: { QuotaCode: input.QuotaCode, Value: QUOTA_VALUES[input.QuotaCode] } }));
  mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  mocks.lambda.on(GetFunctionConcurrencyCommand).resolves({});
  mocks.cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: "account-audit", TrailARN: TRAIL_ARN, HomeRegion: "us-east-1", IsMultiRegionTrail: true, IsOrganizationTrail: false }] });
  mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  mocks.cloudtrail.on(GetEventSelectorsCommand).resolves({ TrailARN: TRAIL_ARN, EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] });
  // Every role the config names exists, at the root path.
  mocks.iam.on(GetRoleCommand).callsFake((input) => ({ Role: { RoleName: input.RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${input.RoleName}`, Path: "/" } }));
}
