/**
 * What Terraform calls in AWS to refresh (plan) and to create, change and delete (apply) each resource type the
 * kit's plans contain, and where each action may be scoped. The CI bootstrap (stacks/ci-bootstrap-stack.ts) builds
 * an environment's plan and apply roles from the resource types of that environment's synthesized plan, so a role
 * holds only what its plan needs; test/pipeline/bootstrap.test.ts fails when a plan gains a type this table does
 * not know.
 *
 * The lists follow the hashicorp/aws 6.x provider's create/read/update/delete calls for each type and AWS's Service
 * Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/). No terraform ran
 * here to prove them: after the first apply, compare with CloudTrail (or IAM Access Analyzer's policy generation)
 * and add what AccessDenied names (docs/pipeline.md, "When a deploy says AccessDenied").
 */
import { AwsEnv, prefix } from "./aws-env";
import { Statement } from "./iam";

export interface TypeActions {
  /** Calls of a refresh: what `terraform plan` needs for this type. */
  readonly read: readonly string[];
  /** Create, update, delete and tag calls: `terraform apply` only. */
  readonly write: readonly string[];
}

/** Resource types that make no AWS call (the tls provider works locally). */
const LOCAL: TypeActions = { read: [], write: [] };

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];
const SG_RULES = [
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
  "ec2:ModifySecurityGroupRules",
  "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
  "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
];
const LOGS_TAGS = ["logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup"];
const S3_BUCKET_READ = [
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:GetBucketTagging",
  "s3:GetBucketPolicy",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketOwnershipControls",
  "s3:GetBucketPublicAccessBlock",
];

/** Resource type → the calls Terraform makes for it. */
export const RESOURCE_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_acm_certificate: { read: ["acm:DescribeCertificate", "acm:GetCertificate", "acm:ListTagsForCertificate"], write: ["acm:ImportCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"] },
  aws_cloudwatch_event_rule: { read: ["events:DescribeRule", "events:ListTagsForResource"], write: ["events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource"] },
  aws_cloudwatch_event_target: { read: ["events:ListTargetsByRule"], write: ["events:PutTargets", "events:RemoveTargets"] },
  aws_cloudwatch_log_group: {
    read: ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    write: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", ...LOGS_TAGS],
  },
  aws_cloudwatch_log_metric_filter: { read: ["logs:DescribeMetricFilters"], write: ["logs:PutMetricFilter", "logs:DeleteMetricFilter"] },
  aws_cloudwatch_log_subscription_filter: { read: ["logs:DescribeSubscriptionFilters"], write: ["logs:PutSubscriptionFilter", "logs:DeleteSubscriptionFilter", "iam:PassRole"] },
  aws_cloudwatch_metric_alarm: { read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], write: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"] },
  aws_default_security_group: { read: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"], write: [...SG_RULES, ...EC2_TAGS] },
  aws_ec2_transit_gateway_vpc_attachment: { read: ["ec2:DescribeTransitGatewayVpcAttachments"], write: ["ec2:CreateTransitGatewayVpcAttachment", "ec2:ModifyTransitGatewayVpcAttachment", "ec2:DeleteTransitGatewayVpcAttachment", ...EC2_TAGS] },
  // The gateway's managed state (constructs/gateway-database.ts): RDS makes grants on the environment key as the caller
  // (storage, Performance Insights) and, with manage_master_user_password, creates and tags its rds!db-… secret and
  // encrypts it with the key through Secrets Manager, also as the caller (RDS user guide, "Password management with
  // Amazon RDS and AWS Secrets Manager", "Required permissions").
  aws_db_instance: {
    read: ["rds:DescribeDBInstances", "rds:ListTagsForResource"],
    write: [
      "rds:CreateDBInstance",
      "rds:ModifyDBInstance",
      "rds:DeleteDBInstance",
      "rds:RebootDBInstance",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
      "kms:DescribeKey",
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:GenerateDataKey",
      "secretsmanager:CreateSecret",
      "secretsmanager:TagResource",
      "secretsmanager:RotateSecret",
      "secretsmanager:DeleteSecret",
      "iam:CreateServiceLinkedRole",
    ],
  },
  aws_db_parameter_group: {
    read: ["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:ListTagsForResource"],
    write: ["rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"],
  },
  aws_db_subnet_group: { read: ["rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"], write: ["rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"] },
  aws_ecr_lifecycle_policy: { read: ["ecr:GetLifecyclePolicy"], write: ["ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy"] },
  // Encrypted with the images stack's key: ECR makes two grants on it as the caller when it creates a repository and
  // retires them when it deletes one; the caller needs CreateGrant, RetireGrant and DescribeKey (ECR user guide,
  // "Encryption at rest", Required IAM permissions when using a customer managed key).
  aws_ecr_repository: {
    read: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
    write: ["ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration", "ecr:TagResource", "ecr:UntagResource", "kms:DescribeKey", "kms:CreateGrant", "kms:RetireGrant"],
  },
  aws_ecs_cluster: { read: ["ecs:DescribeClusters", "ecs:ListTagsForResource"], write: ["ecs:CreateCluster", "ecs:UpdateCluster", "ecs:DeleteCluster", "ecs:TagResource", "ecs:UntagResource"] },
  aws_ecs_service: { read: ["ecs:DescribeServices", "ecs:ListTagsForResource"], write: ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource", "iam:CreateServiceLinkedRole"] },
  aws_ecs_task_definition: {
    read: ["ecs:DescribeTaskDefinition", "ecs:ListTagsForResource"],
    write: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions", "ecs:TagResource", "ecs:UntagResource", "iam:PassRole"],
  },
  // The gateway's cache (constructs/gateway-cache.ts): grants on the key for encryption at rest, and CloudWatch Logs
  // log deliveries for its slow and engine logs, which ElastiCache sets up as the caller (ElastiCache user guide, "Log
  // delivery", permissions).
  aws_elasticache_replication_group: {
    read: ["elasticache:DescribeReplicationGroups", "elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource"],
    write: [
      "elasticache:CreateReplicationGroup",
      "elasticache:ModifyReplicationGroup",
      "elasticache:DeleteReplicationGroup",
      "elasticache:AddTagsToResource",
      "elasticache:RemoveTagsFromResource",
      "kms:DescribeKey",
      "kms:CreateGrant",
      "iam:CreateServiceLinkedRole",
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
    ],
  },
  aws_elasticache_subnet_group: {
    read: ["elasticache:DescribeCacheSubnetGroups", "elasticache:ListTagsForResource"],
    write: ["elasticache:CreateCacheSubnetGroup", "elasticache:ModifyCacheSubnetGroup", "elasticache:DeleteCacheSubnetGroup", "elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource"],
  },
  aws_elasticache_user: {
    read: ["elasticache:DescribeUsers", "elasticache:ListTagsForResource"],
    write: ["elasticache:CreateUser", "elasticache:ModifyUser", "elasticache:DeleteUser", "elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource"],
  },
  aws_elasticache_user_group: {
    read: ["elasticache:DescribeUserGroups", "elasticache:ListTagsForResource"],
    write: ["elasticache:CreateUserGroup", "elasticache:ModifyUserGroup", "elasticache:DeleteUserGroup", "elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource"],
  },
  aws_efs_access_point: {
    read: ["elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:ListTagsForResource"],
    write: ["elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"],
  },
  aws_efs_backup_policy: { read: ["elasticfilesystem:DescribeBackupPolicy"], write: ["elasticfilesystem:PutBackupPolicy"] },
  aws_efs_file_system: {
    read: ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeLifecycleConfiguration", "elasticfilesystem:ListTagsForResource"],
    write: [
      "elasticfilesystem:CreateFileSystem",
      "elasticfilesystem:UpdateFileSystem",
      "elasticfilesystem:DeleteFileSystem",
      "elasticfilesystem:PutLifecycleConfiguration",
      "elasticfilesystem:TagResource",
      "elasticfilesystem:UntagResource",
      "kms:DescribeKey",
      "kms:CreateGrant",
      "iam:CreateServiceLinkedRole",
    ],
  },
  aws_efs_file_system_policy: { read: ["elasticfilesystem:DescribeFileSystemPolicy"], write: ["elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DeleteFileSystemPolicy"] },
  aws_efs_mount_target: {
    read: ["elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces"],
    write: ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:ModifyMountTargetSecurityGroups", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
  },
  aws_flow_log: { read: ["ec2:DescribeFlowLogs"], write: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "iam:PassRole", ...EC2_TAGS] },
  aws_iam_role: {
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"],
    write: ["iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListInstanceProfilesForRole"],
  },
  aws_iam_role_policy: { read: ["iam:GetRolePolicy"], write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"] },
  aws_kinesis_firehose_delivery_stream: {
    read: ["firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream"],
    write: [
      "firehose:CreateDeliveryStream",
      "firehose:UpdateDestination",
      "firehose:DeleteDeliveryStream",
      "firehose:StartDeliveryStreamEncryption",
      "firehose:StopDeliveryStreamEncryption",
      "firehose:TagDeliveryStream",
      "firehose:UntagDeliveryStream",
      "iam:PassRole",
    ],
  },
  aws_kms_alias: { read: ["kms:ListAliases"], write: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] },
  aws_kms_key: {
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    write: ["kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource"],
  },
  aws_lambda_function: {
    read: ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction", "lambda:ListTags", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
    write: ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction", "lambda:TagResource", "lambda:UntagResource", "iam:PassRole"],
  },
  aws_lambda_invocation: { read: [], write: ["lambda:InvokeFunction"] },
  aws_lambda_permission: { read: ["lambda:GetPolicy"], write: ["lambda:AddPermission", "lambda:RemovePermission"] },
  aws_lb: {
    read: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeCapacityReservation", "elasticloadbalancing:DescribeTags"],
    write: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
      "iam:CreateServiceLinkedRole",
    ],
  },
  aws_lb_listener: {
    read: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"],
    write: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
  },
  aws_lb_listener_rule: {
    read: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"],
    write: ["elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
  },
  aws_lb_target_group: {
    read: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"],
    write: [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ],
  },
  aws_route: { read: ["ec2:DescribeRouteTables"], write: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"] },
  aws_route_table: { read: ["ec2:DescribeRouteTables"], write: ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", ...EC2_TAGS] },
  aws_route_table_association: { read: ["ec2:DescribeRouteTables"], write: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"] },
  aws_s3_bucket: { read: S3_BUCKET_READ, write: ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:PutBucketObjectLockConfiguration"] },
  aws_s3_bucket_lifecycle_configuration: { read: ["s3:GetLifecycleConfiguration"], write: ["s3:PutLifecycleConfiguration"] },
  aws_s3_bucket_logging: { read: ["s3:GetBucketLogging"], write: ["s3:PutBucketLogging"] },
  aws_s3_bucket_ownership_controls: { read: ["s3:GetBucketOwnershipControls"], write: ["s3:PutBucketOwnershipControls"] },
  aws_s3_bucket_policy: { read: ["s3:GetBucketPolicy"], write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"] },
  aws_s3_bucket_public_access_block: { read: ["s3:GetBucketPublicAccessBlock"], write: ["s3:PutBucketPublicAccessBlock"] },
  aws_s3_bucket_server_side_encryption_configuration: { read: ["s3:GetEncryptionConfiguration"], write: ["s3:PutEncryptionConfiguration"] },
  aws_s3_bucket_versioning: { read: ["s3:GetBucketVersioning"], write: ["s3:PutBucketVersioning"] },
  aws_rolesanywhere_profile: {
    read: ["rolesanywhere:GetProfile", "rolesanywhere:ListTagsForResource"],
    write: ["rolesanywhere:CreateProfile", "rolesanywhere:UpdateProfile", "rolesanywhere:DeleteProfile", "rolesanywhere:EnableProfile", "rolesanywhere:DisableProfile", "rolesanywhere:TagResource", "rolesanywhere:UntagResource", "iam:PassRole"],
  },
  aws_rolesanywhere_trust_anchor: {
    read: ["rolesanywhere:GetTrustAnchor", "rolesanywhere:ListTagsForResource"],
    write: ["rolesanywhere:CreateTrustAnchor", "rolesanywhere:UpdateTrustAnchor", "rolesanywhere:DeleteTrustAnchor", "rolesanywhere:EnableTrustAnchor", "rolesanywhere:DisableTrustAnchor", "rolesanywhere:TagResource", "rolesanywhere:UntagResource"],
  },
  aws_secretsmanager_secret: {
    read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
    write: ["secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:DeleteResourcePolicy"],
  },
  aws_secretsmanager_secret_policy: { read: ["secretsmanager:GetResourcePolicy"], write: ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"] },
  // RotateSecret starts the first rotation at once, invoking the rotation function.
  aws_secretsmanager_secret_rotation: { read: ["secretsmanager:DescribeSecret"], write: ["secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "lambda:InvokeFunction"] },
  aws_security_group: { read: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces"], write: ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", ...SG_RULES, ...EC2_TAGS] },
  // What CreatePrivateDnsNamespace needs besides itself: https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html
  aws_service_discovery_private_dns_namespace: {
    read: ["servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:ListTagsForResource", "route53:GetHostedZone"],
    write: [
      "servicediscovery:CreatePrivateDnsNamespace",
      "servicediscovery:UpdatePrivateDnsNamespace",
      "servicediscovery:DeleteNamespace",
      "servicediscovery:TagResource",
      "servicediscovery:UntagResource",
      "route53:CreateHostedZone",
      "route53:ListHostedZonesByName",
      "ec2:DescribeVpcs",
      "ec2:DescribeRegions",
    ],
  },
  aws_service_discovery_service: {
    read: ["servicediscovery:GetService", "servicediscovery:ListTagsForResource"],
    write: ["servicediscovery:CreateService", "servicediscovery:UpdateService", "servicediscovery:DeleteService", "servicediscovery:TagResource", "servicediscovery:UntagResource"],
  },
  aws_sns_topic: { read: ["sns:GetTopicAttributes", "sns:GetDataProtectionPolicy", "sns:ListTagsForResource"], write: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource"] },
  aws_sns_topic_policy: { read: ["sns:GetTopicAttributes"], write: ["sns:SetTopicAttributes"] },
  aws_sns_topic_subscription: { read: ["sns:GetSubscriptionAttributes"], write: ["sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"] },
  aws_subnet: { read: ["ec2:DescribeSubnets"], write: ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", ...EC2_TAGS] },
  // The provider also reads the VPC's main route table, default network ACL and default security group.
  aws_vpc: { read: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups"], write: ["ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", ...EC2_TAGS] },
  aws_vpc_endpoint: {
    read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices"],
    // Interface endpoints with private DNS associate the VPC with a hosted zone AWS owns, on the caller's behalf.
    write: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "route53:AssociateVPCWithHostedZone", ...EC2_TAGS],
  },
  aws_vpc_security_group_egress_rule: { read: ["ec2:DescribeSecurityGroupRules"], write: ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", ...EC2_TAGS] },
  aws_vpc_security_group_ingress_rule: { read: ["ec2:DescribeSecurityGroupRules"], write: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", ...EC2_TAGS] },
  aws_vpn_gateway_attachment: { read: ["ec2:DescribeVpnGateways"], write: ["ec2:AttachVpnGateway", "ec2:DetachVpnGateway"] },
  tls_private_key: LOCAL,
  tls_self_signed_cert: LOCAL,
};

/** Data sources: read on plan and apply alike. */
export const DATA_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // GetCallerIdentity needs no permission (STAR_RESOURCE_ACTIONS says why); listed so the type is known.
  aws_caller_identity: [],
  // The kit image's digest behind its tag (constructs/container-images.ts).
  aws_ecr_image: ["ecr:DescribeImages"],
};

/**
 * What `npm run images -- <env> --push` calls (images/commands.ts), for the apply role of an environment whose plans
 * hold its image repositories: the registry login (`aws ecr get-login-password`), the check whether a kit tag is
 * already pushed (`aws ecr describe-images`), and `docker push`. The push list is the ECR user guide's policy for
 * one repository ("IAM permissions for pushing an image to an Amazon ECR private repository"): CompleteLayerUpload,
 * UploadLayerPart, InitiateLayerUpload, BatchCheckLayerAvailability, PutImage and BatchGetImage on the repository,
 * GetAuthorizationToken on "*". No KMS action: that guide asks none for a push, and the ECR user guide's "Encryption
 * at rest" asks the caller for KMS permissions only to create or delete a repository (aws_ecr_repository's entry);
 * the pushed layers are encrypted through the grants ECR made on the key at creation.
 */
export const IMAGE_PUSH_ACTIONS: readonly string[] = [
  "ecr:GetAuthorizationToken",
  "ecr:DescribeImages",
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
  "ecr:BatchGetImage",
];

/**
 * The AWS service that makes KMS grants on a customer key for a resource type, as the caller (kms:ViaService): the
 * grant actions of the type's entry (`kms:CreateGrant`, and ECR's `kms:RetireGrant`) are allowed only through it.
 */
export const KMS_GRANTS_VIA: Readonly<Record<string, string>> = {
  aws_efs_file_system: "elasticfilesystem",
  aws_db_instance: "rds",
  aws_elasticache_replication_group: "elasticache",
  aws_ecr_repository: "ecr",
};

const GRANT_ACTIONS = ["kms:CreateGrant", "kms:RetireGrant"] as const;

/** Per KMS grant action, the services (KMS_GRANTS_VIA) of the plan's types that call it, sorted. */
export function grantServices(types: PlanTypes): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, string[]> = {};
  for (const action of GRANT_ACTIONS) {
    const services = types.resources.filter((t) => t in KMS_GRANTS_VIA && RESOURCE_ACTIONS[t]?.write.includes(action)).map((t) => KMS_GRANTS_VIA[t]);
    if (services.length) out[action] = [...new Set(services)].sort();
  }
  return out;
}

/**
 * Actions AWS lets no policy scope to a resource (the Service Authorization Reference lists no resource type for
 * them, or the resource does not exist before the call), with why. Everything else is scoped by `scopeOf`.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = {
  "acm:ImportCertificate": "a first import has no certificate ARN yet",
  "ecs:CreateCluster": "the cluster has no ARN before it is created",
  "ecs:RegisterTaskDefinition": "task definition registration takes no resource",
  "ecs:DescribeTaskDefinition": "takes no resource",
  "ecs:DeregisterTaskDefinition": "takes no resource",
  "ecs:DeleteTaskDefinitions": "takes no resource",
  "ecr:GetAuthorizationToken": "the registry login token is for the account's whole registry: the Service Authorization Reference lists no resource type for it",
  "kms:CreateKey": "the key has no ARN before it is created",
  "rolesanywhere:CreateProfile": "the profile has no ARN before it is created",
  "rolesanywhere:CreateTrustAnchor": "the trust anchor has no ARN before it is created",
  "kms:ListAliases": "lists the account's aliases",
  "elasticloadbalancing:DescribeLoadBalancers": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeLoadBalancerAttributes": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeCapacityReservation": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeListeners": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeListenerAttributes": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeRules": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeTargetGroups": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeTargetGroupAttributes": "Describe calls of Elastic Load Balancing take no resource",
  "elasticloadbalancing:DescribeTags": "Describe calls of Elastic Load Balancing take no resource",
  "servicediscovery:CreatePrivateDnsNamespace": "the namespace has no ARN before it is created",
  "servicediscovery:GetOperation": "operations have no resource type",
  "route53:CreateHostedZone": "the hosted zone has no ARN before it is created",
  "route53:ListHostedZonesByName": "lists the account's hosted zones",
  "route53:AssociateVPCWithHostedZone": "the private DNS zone of an interface endpoint is owned by AWS; its id is not known in advance",
  "logs:CreateLogDelivery": "vended log deliveries (ElastiCache's slow and engine logs) have no resource type",
  "logs:GetLogDelivery": "vended log deliveries have no resource type",
  "logs:UpdateLogDelivery": "vended log deliveries have no resource type",
  "logs:DeleteLogDelivery": "vended log deliveries have no resource type",
  "logs:ListLogDeliveries": "lists the account's log deliveries",
  "logs:PutResourcePolicy": "CloudWatch Logs resource policies belong to the account and region, not to a log group",
  "logs:DescribeResourcePolicies": "lists the account's CloudWatch Logs resource policies",
};

/** EC2's Describe calls take no resource (Service Authorization Reference, Amazon EC2). */
const isEc2Describe = (action: string) => action.startsWith("ec2:Describe");

/**
 * The ARNs an environment's resources of a service can have, from the names the kit gives them
 * (`mcp-<env>-…`, `/mcp/<env>/…`, `mcp/<env>/…`). Services whose resources AWS names (EC2 ids, KMS key ids, EFS
 * ids, Cloud Map ids, hosted zones) are scoped to the account and region only.
 */
export function scopeOf(service: string, env: AwsEnv): readonly string[] {
  const { partition: p, region: r, accountId: a } = env;
  const name = prefix(env);
  const at = (svc: string, res: string, withRegion = true) => `arn:${p}:${svc}:${withRegion ? r : ""}:${a}:${res}`;
  switch (service) {
    case "acm":
      return [at("acm", "certificate/*")];
    case "events":
      return [at("events", `rule/${name}-*`)];
    // The kit's own groups, and those RDS and ElastiCache write to by name (constructs/gateway-database.ts, gateway-cache.ts).
    case "logs":
      return [`/mcp/${env.environment}/`, `/aws/rds/instance/${name}-`, `/aws/elasticache/${name}-`].flatMap((g) => [at("logs", `log-group:${g}*`), at("logs", `log-group:${g}*:*`)]);
    case "cloudwatch":
      return [at("cloudwatch", `alarm:${name}-*`)];
    case "ec2":
      return [at("ec2", "*")];
    case "ecr":
      return [at("ecr", `repository/${name}/*`)];
    case "rolesanywhere":
      return [at("rolesanywhere", "trust-anchor/*"), at("rolesanywhere", "profile/*")];
    case "ecs":
      return [at("ecs", `cluster/${name}`), at("ecs", `service/${name}/*`), at("ecs", `task-definition/${name}-*:*`)];
    case "elasticfilesystem":
      return [at("elasticfilesystem", "file-system/*"), at("elasticfilesystem", "access-point/*")];
    case "iam":
      return [`arn:${p}:iam::${a}:role/${name}-*`];
    case "firehose":
      return [at("firehose", `deliverystream/${name}-*`)];
    // The environment key's alias, and the images stack key's (constructs/image-repositories.ts).
    case "kms":
      return [at("kms", "key/*"), at("kms", `alias/${name}`), at("kms", `alias/${name}-images`)];
    case "lambda":
      return [at("lambda", `function:${name}-*`)];
    case "elasticloadbalancing":
      return [at("elasticloadbalancing", `loadbalancer/app/${name}/*`), at("elasticloadbalancing", `listener/app/${name}/*`), at("elasticloadbalancing", `listener-rule/app/${name}/*`), at("elasticloadbalancing", `targetgroup/${name}-*/*`)];
    case "s3":
      return [`arn:${p}:s3:::${name}-*`];
    // rds!db-…: the master password secret RDS creates for the gateway database (its name is RDS's, not the kit's).
    case "secretsmanager":
      return [at("secretsmanager", `secret:mcp/${env.environment}/*`), at("secretsmanager", "secret:rds!db-*")];
    // The default option and parameter groups RDS and ElastiCache attach are AWS's (og:default:…, default.valkey8).
    case "rds":
      return [at("rds", `db:${name}-*`), at("rds", `pg:${name}-*`), at("rds", `subgrp:${name}-*`), at("rds", `snapshot:${name}-*`), at("rds", "og:default:*")];
    case "elasticache":
      return ["replicationgroup", "cluster", "subnetgroup", "user", "usergroup", "snapshot"].map((k) => at("elasticache", `${k}:${name}-*`)).concat(at("elasticache", "parametergroup:default.*"));
    case "servicediscovery":
      return [at("servicediscovery", "namespace/*"), at("servicediscovery", "service/*")];
    case "route53":
      return [`arn:${p}:route53:::hostedzone/*`];
    case "sns":
      return [at("sns", `${name}-*`)];
    default:
      throw new Error(`no resource scope for service "${service}": add it to scopeOf in lib/deploy-permissions.ts`);
  }
}

/** The service-linked roles the kit's resources need on first use in an account. */
export const SERVICE_LINKED_ROLES: readonly string[] = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "elasticfilesystem.amazonaws.com", "rds.amazonaws.com", "elasticache.amazonaws.com"];

export interface PlanTypes {
  readonly resources: readonly string[];
  readonly data: readonly string[];
}

/** The resource and data source types of a synthesized plan (Terraform JSON). */
export function typesOf(plan: { resource?: Record<string, unknown>; data?: Record<string, unknown> }): PlanTypes {
  return { resources: Object.keys(plan.resource ?? {}).sort(), data: Object.keys(plan.data ?? {}).sort() };
}

/** Throws one error naming every type the table does not know, with the fix. */
export function assertKnown(types: PlanTypes, where: string): void {
  const unknown = [...types.resources.filter((t) => !(t in RESOURCE_ACTIONS)), ...types.data.filter((t) => !(t in DATA_ACTIONS)).map((t) => `data.${t}`)];
  if (unknown.length) throw new Error(`${where}: the plan has resource types the CI roles cannot be derived for: ${unknown.join(", ")}. Fix: add their Terraform calls to RESOURCE_ACTIONS (or DATA_ACTIONS) in lib/deploy-permissions.ts.`);
}

/** Merges the types of several plans (an environment's stacks) into one sorted set. */
export function mergeTypes(list: readonly PlanTypes[]): PlanTypes {
  const all = (pick: (t: PlanTypes) => readonly string[]) => [...new Set(list.flatMap(pick))].sort();
  return { resources: all((t) => t.resources), data: all((t) => t.data) };
}

/**
 * Everything the apply role calls: the plan's create, change, delete and tag calls, and where the plan holds image
 * repositories, the image push of `npm run images -- <env> --push` (IMAGE_PUSH_ACTIONS).
 */
export function deployActions(types: PlanTypes): string[] {
  const actions = new Set(actionsFor(types, "write"));
  if (types.resources.includes("aws_ecr_repository")) for (const a of IMAGE_PUSH_ACTIONS) actions.add(a);
  return [...actions].sort();
}

/** The sorted, deduplicated actions a plan needs: `read` for `terraform plan`, `write` added for apply. */
export function actionsFor(types: PlanTypes, mode: "read" | "write"): string[] {
  assertKnown(types, "deploy permissions");
  const out = new Set<string>();
  for (const t of types.resources) {
    for (const a of RESOURCE_ACTIONS[t].read) out.add(a);
    if (mode === "write") for (const a of RESOURCE_ACTIONS[t].write) out.add(a);
  }
  for (const t of types.data) for (const a of DATA_ACTIONS[t]) out.add(a);
  return [...out].sort();
}

const sidOf = (s: string) => s.replace(/(^|[^A-Za-z0-9])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");

/** Actions that get a statement of their own, with conditions (statementsFor). */
const SPECIAL = new Set(["iam:PassRole", "iam:CreateServiceLinkedRole", "kms:CreateGrant", "kms:RetireGrant"]);

/**
 * Statements granting `actions` for one environment: per service, the scoped actions on that service's ARNs, and
 * the actions AWS cannot scope on "*" (in `unscoped`, each with its reason). PassRole and service-linked-role
 * creation get their own conditions; KMS grants are allowed only through `grantVia` (grantServices of the plan).
 */
export function statementsFor(actions: readonly string[], env: AwsEnv, grantVia: Readonly<Record<string, readonly string[]>> = {}): { scoped: Statement[]; unscoped: Statement[] } {
  const byService = new Map<string, string[]>();
  const star: string[] = [];
  const special: Statement[] = [];
  for (const a of actions) {
    if (SPECIAL.has(a)) continue;
    if (a in UNSCOPED_ACTIONS || isEc2Describe(a)) {
      star.push(a);
      continue;
    }
    const service = a.split(":")[0];
    byService.set(service, [...(byService.get(service) ?? []), a]);
  }
  const { partition: p, accountId: acct, region } = env;
  if (actions.includes("iam:PassRole"))
    special.push({
      sid: "PassOwnRolesToServices",
      actions: ["iam:PassRole"],
      resources: [`arn:${p}:iam::${acct}:role/${prefix(env)}-*`],
      // Roles Anywhere's CreateProfile passes the profile's roles to rolesanywhere.amazonaws.com (Service
      // Authorization Reference, Roles Anywhere, "API operations": CreateProfile → iam:PassRole, iam:PassedToService).
      condition: {
        StringEquals: {
          "iam:PassedToService": [
            "ecs-tasks.amazonaws.com",
            "lambda.amazonaws.com",
            "firehose.amazonaws.com",
            "logs.amazonaws.com",
            "vpc-flow-logs.amazonaws.com",
            ...(actions.includes("rolesanywhere:CreateProfile") ? ["rolesanywhere.amazonaws.com"] : []),
          ],
        },
      },
    });
  if (actions.includes("iam:CreateServiceLinkedRole"))
    special.push({
      sid: "CreateServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${p}:iam::${acct}:role/aws-service-role/*`],
      condition: { StringEquals: { "iam:AWSServiceName": [...SERVICE_LINKED_ROLES] } },
    });
  const via = (action: string) => {
    const services = grantVia[action] ?? [];
    if (services.length === 0) throw new Error(`${action} without a service to make the grants through: add the resource type to KMS_GRANTS_VIA in lib/deploy-permissions.ts`);
    return services.length === 1 ? `${services[0]}.${region}.amazonaws.com` : services.map((s) => `${s}.${region}.amazonaws.com`);
  };
  if (actions.includes("kms:CreateGrant"))
    special.push({
      sid: "KeyGrantsThroughServices",
      actions: ["kms:CreateGrant"],
      resources: [`arn:${p}:kms:${region}:${acct}:key/*`],
      condition: { StringEquals: { "kms:ViaService": via("kms:CreateGrant") }, Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  // kms:GrantIsForAWSResource holds for CreateGrant, ListGrants and RevokeGrant only (AWS KMS developer guide,
  // "Controlling access to grants"): RetireGrant is limited to the service alone.
  if (actions.includes("kms:RetireGrant"))
    special.push({
      sid: "RetireKeyGrantsThroughServices",
      actions: ["kms:RetireGrant"],
      resources: [`arn:${p}:kms:${region}:${acct}:key/*`],
      condition: { StringEquals: { "kms:ViaService": via("kms:RetireGrant") } },
    });
  const scoped = [...byService.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([service, list]) => ({ sid: sidOf(service), actions: list, resources: scopeOf(service, env) }));
  // Route 53 is a global service (its calls go to us-east-1), so only the regional ones are pinned to the region.
  const global = star.filter((a) => a.startsWith("route53:"));
  const regional = star.filter((a) => !a.startsWith("route53:"));
  const why = (list: string[]) => list.map((a) => `${a}: ${UNSCOPED_ACTIONS[a] ?? "EC2 Describe calls take no resource"}`).join("; ");
  const unscoped: Statement[] = [];
  if (regional.length) unscoped.push({ sid: "RegionalActionsWithoutResourceScope", actions: regional, resources: ["*"], condition: { StringEquals: { "aws:RequestedRegion": region } }, why: why(regional) });
  if (global.length) unscoped.push({ sid: "GlobalActionsWithoutResourceScope", actions: global, resources: ["*"], why: why(global) });
  return { scoped: [...scoped, ...special], unscoped };
}

/** Where a stack's S3 backend keeps its state. */
export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
}

/** The S3 backend of a synthesized plan (`terraform.backend.s3`), or undefined for a local state. */
export function backendState(plan: { terraform?: Record<string, any> }): StateLocation | undefined {
  const s3 = plan.terraform?.backend?.s3;
  if (!s3) return undefined;
  if (typeof s3.bucket !== "string" || typeof s3.key !== "string" || typeof s3.region !== "string") throw new Error(`an S3 backend without bucket, key and region: ${JSON.stringify(s3)}`);
  return { bucket: s3.bucket, key: s3.key, region: s3.region };
}

/**
 * The S3 backend's calls (https://developer.hashicorp.com/terraform/language/backend/s3, "Permissions Required")
 * for each of an environment's states (the main stack's and the images stack's): list the bucket, read the state,
 * and with `use_lockfile` read, write and delete `<key>.tflock`. Only apply writes the state. With an SSE-KMS bucket,
 * its key through S3 only.
 */
export function stateStatements(states: readonly StateLocation[], kmsKeyArn: string | undefined, mode: "plan" | "apply"): Statement[] {
  if (states.length === 0) return [];
  const one = (list: string[]) => [...new Set(list)];
  const buckets = one(states.map((s) => `arn:aws:s3:::${s.bucket}`));
  const objects = one(states.map((s) => `arn:aws:s3:::${s.bucket}/${s.key}`));
  const locks = one(states.map((s) => `arn:aws:s3:::${s.bucket}/${s.key}.tflock`));
  const regions = one(states.map((s) => `s3.${s.region}.amazonaws.com`));
  const out: Statement[] = [
    // No s3:prefix condition: the backend also lists workspace states (workspace_key_prefix) when it starts.
    { sid: "StateList", actions: ["s3:ListBucket"], resources: buckets },
    { sid: mode === "apply" ? "StateReadWrite" : "StateRead", actions: mode === "apply" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"], resources: objects },
    { sid: "StateLock", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: locks },
  ];
  if (kmsKeyArn)
    out.push({
      sid: "StateEncryption",
      actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      resources: [kmsKeyArn],
      condition: { StringEquals: { "kms:ViaService": regions.length === 1 ? regions[0] : regions } },
    });
  return out;
}
