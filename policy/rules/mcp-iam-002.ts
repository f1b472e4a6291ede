import { defineRule } from "../rule";
import { eachAllowStatement, policySources } from "../documents";
import { show } from "../plan";

/**
 * Actions that AWS documents as not supporting resource-level permissions, so their statements must say
 * Resource "*". Each entry cites where AWS says so (Service Authorization Reference, "Resource types" column empty).
 */
export const STAR_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
  "ecr:GetAuthorizationToken": "ECR registry login token is account-wide",
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
  "ec2:CreateNetworkInterface": "Lambda in a VPC: ENI management has no resource scoping for Lambda's use",
  "ec2:DescribeNetworkInterfaces": "Describe* calls in EC2 take no resource",
  "ec2:DeleteNetworkInterface": "Lambda in a VPC (AWSLambdaVPCAccessExecutionRole uses *)",
  "ec2:AssignPrivateIpAddresses": "Lambda in a VPC (AWSLambdaVPCAccessExecutionRole uses *)",
  "ec2:UnassignPrivateIpAddresses": "Lambda in a VPC (AWSLambdaVPCAccessExecutionRole uses *)",
  "ec2:DescribeSubnets": "Describe* calls in EC2 take no resource",
  "ec2:DescribeSecurityGroups": "Describe* calls in EC2 take no resource",
  "ec2:DescribeVpcs": "Describe* calls in EC2 take no resource",
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
  "logs:CreateLogDelivery": "vended log delivery is account-wide",
  "logs:GetLogDelivery": "vended log delivery is account-wide",
  "logs:UpdateLogDelivery": "vended log delivery is account-wide",
  "logs:DeleteLogDelivery": "vended log delivery is account-wide",
  "logs:ListLogDeliveries": "vended log delivery is account-wide",
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
  "secretsmanager:GetRandomPassword": "generates a value, touches no secret",
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
  "cloudwatch:PutMetricData": "metric data has no resource type (scope with the cloudwatch:namespace condition)",
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
  "sts:GetCallerIdentity": "needs no permission and has no resource",
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-required-iam-permissions
  "ssmmessages:CreateControlChannel": "ECS Exec channels have no resource type",
  "ssmmessages:CreateDataChannel": "ECS Exec channels have no resource type",
  "ssmmessages:OpenControlChannel": "ECS Exec channels have no resource type",
  "ssmmessages:OpenDataChannel": "ECS Exec channels have no resource type",
  // https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html
  "xray:PutTraceSegments": "X-Ray segments have no resource type",
  "xray:PutTelemetryRecords": "X-Ray telemetry has no resource type",
};

export const rule = defineRule(
  {
    id: "MCP-IAM-002",
    title: 'Policies grant on "*" resources only for actions AWS cannot scope',
    severity: "high",
    references: ["cdk-nag IAM5", "CKV_AWS_290", "CKV_AWS_355", "AWS-0057"],
    remediation: 'Name the resource ARNs the statement needs; Resource "*" is accepted only for the actions in STAR_RESOURCE_ACTIONS (and in key policies, where "*" is the key itself).',
  },
  (plan, _ctx, report) => {
    // In a key policy, Resource "*" means the key the policy is attached to.
    const sources = policySources(plan).filter((s) => s.kind !== "key");
    eachAllowStatement(plan, sources, report, (src, s, where) => {
      if (s.notResources.length) report(src.resource.address, `${where} allows NotResource ${show(s.notResources)}, i.e. every other resource`);
      if (!s.resources.includes("*")) return;
      const unscoped = s.actions.filter((a) => typeof a !== "string" || !(a in STAR_RESOURCE_ACTIONS));
      if (unscoped.length) report(src.resource.address, `${where} grants ${unscoped.map((a) => show(a)).join(", ")} on Resource "*"`);
    });
    return sources.length > 0;
  },
);
