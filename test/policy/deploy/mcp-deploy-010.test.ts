import { rule } from "../../../policy/deploy/mcp-deploy-010";
import { goodContainer, judge, lines, plan, ref } from "../fixtures";
import { endpoint, endpoints, NETWORK } from "./network";

const service = { name: "mcp", task_definition: ref("aws_ecs_task_definition.td", "arn"), network_configuration: { subnets: [ref("aws_subnet.a")], assign_public_ip: false } };
const TD = { aws_ecs_task_definition: { td: { family: "mcp", container_definitions: JSON.stringify([goodContainer]) } } };

describe("MCP-DEPLOY-010 endpoints of isolated ECS tasks", () => {
  it("fails missing logs/secretsmanager endpoints, the missing S3 gateway endpoint, and an endpoint without private DNS", () => {
    const r = judge(rule, plan({ ...NETWORK, ...TD, aws_ecs_service: { svc: service }, aws_vpc_endpoint: { ...endpoints("ecr.api"), "ecr-dkr": endpoint("ecr.dkr", { private_dns_enabled: false }) } }));
    expect(lines(r)).toEqual([
      "aws_vpc_endpoint.ecr-dkr: is an interface endpoint for com.amazonaws.us-east-1.ecr.dkr without private_dns_enabled; clients keep resolving the public name and time out",
      "aws_ecs_service.svc: runs in aws_vpc.vpc, which has no route to the internet and no logs interface endpoint; the tasks cannot start",
      "aws_ecs_service.svc: runs in aws_vpc.vpc, which has no route to the internet and no secretsmanager interface endpoint; the tasks cannot start",
      "aws_ecs_service.svc: runs in aws_vpc.vpc without an S3 gateway endpoint; ECR serves image layers from S3, so image pulls fail",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html");
  });

  it("passes the kit's endpoint set, and a VPC with a NAT gateway", () => {
    expect(lines(judge(rule, plan({ ...NETWORK, ...TD, aws_ecs_service: { svc: service }, aws_vpc_endpoint: endpoints("ecr.api", "ecr.dkr", "logs", "secretsmanager", "s3") })))).toEqual([]);
    expect(lines(judge(rule, plan({ ...NETWORK, ...TD, aws_ecs_service: { svc: service }, aws_nat_gateway: { nat: { subnet_id: ref("aws_subnet.a") } } })))).toEqual([]);
  });
});
