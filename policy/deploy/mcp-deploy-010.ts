import { containersOf } from "../documents";
import { block, bool, PlanResource, PlanView } from "../plan";
import { defineRule } from "../rule";
import { DOCS } from "./support";

/** The VPC a set of subnet values lies in, when they reference subnets of the plan. */
export function vpcOfSubnets(plan: PlanView, subnets: unknown): PlanResource | undefined {
  for (const s of [subnets ?? []].flat()) {
    const subnet = plan.target(s, "aws_subnet");
    const vpc = subnet && plan.target(subnet.body.vpc_id, "aws_vpc");
    if (vpc) return vpc;
  }
  return undefined;
}

/** The endpoints of a VPC for a service suffix (`ecr.api`, `s3`, …), from `com.amazonaws.<region>.<suffix>`. */
export function endpointsFor(plan: PlanView, vpc: PlanResource, suffix: string): PlanResource[] {
  return plan.resources("aws_vpc_endpoint").filter((e) => plan.refersTo(e.body.vpc_id, vpc) && typeof e.body.service_name === "string" && e.body.service_name.endsWith(`.${suffix}`));
}

/** True when the VPC has a route to the internet, so tasks do not depend on endpoints. */
function hasInternet(plan: PlanView, vpc: PlanResource): boolean {
  return plan.resources("aws_internet_gateway", "aws_nat_gateway").some((g) => plan.refersTo(g.body.vpc_id, vpc) || !!plan.target(g.body.subnet_id, "aws_subnet"));
}

/**
 * Fargate tasks in private subnets without internet pull images through the ecr.api and ecr.dkr interface
 * endpoints and image layers through the S3 gateway endpoint, send awslogs through the logs endpoint, and fetch
 * `secrets` through the secretsmanager endpoint. Interface endpoints must have private DNS, or the SDKs keep
 * resolving the public service names. https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-010",
    title: "Isolated ECS tasks have the endpoints they need, with private DNS, and the S3 gateway endpoint",
    severity: "critical",
    references: [],
    remediation: `Keep Network's interface endpoints (ecr.api, ecr.dkr, logs, secretsmanager) with private_dns_enabled = true and the S3 gateway endpoint on the private route table; see ${DOCS.ecrEndpoints}`,
  },
  (plan, _ctx, report) => {
    for (const e of plan.resources("aws_vpc_endpoint")) {
      if (e.body.vpc_endpoint_type === "Interface" && bool(e.body.private_dns_enabled) !== true) {
        report(e.address, `is an interface endpoint for ${String(e.body.service_name)} without private_dns_enabled; clients keep resolving the public name and time out`);
      }
    }
    const services = plan.resources("aws_ecs_service");
    for (const svc of services) {
      const net = block(svc.body.network_configuration);
      const vpc = net && vpcOfSubnets(plan, net.subnets);
      if (!vpc || hasInternet(plan, vpc)) continue;
      const needed = new Set(["ecr.api", "ecr.dkr"]);
      const td = plan.target(svc.body.task_definition, "aws_ecs_task_definition");
      const containers = td ? containersOf(plan, td) : undefined;
      if (containers?.ok) {
        for (const c of containers.value) {
          if (block(c.logConfiguration)?.logDriver === "awslogs" || c.logConfiguration?.logDriver === "awslogs") needed.add("logs");
          if ([c.secrets ?? []].flat().some((s: any) => typeof s?.valueFrom === "string" && !s.valueFrom.includes(":ssm:"))) needed.add("secretsmanager");
        }
      }
      for (const suffix of [...needed].sort()) {
        const eps = endpointsFor(plan, vpc, suffix).filter((e) => e.body.vpc_endpoint_type === "Interface");
        if (!eps.length) report(svc.address, `runs in ${vpc.address}, which has no route to the internet and no ${suffix} interface endpoint; the tasks cannot start`);
      }
      const s3 = endpointsFor(plan, vpc, "s3").filter((e) => e.body.vpc_endpoint_type === "Gateway");
      if (!s3.length) report(svc.address, `runs in ${vpc.address} without an S3 gateway endpoint; ECR serves image layers from S3, so image pulls fail`);
      else if (!s3.some((e) => [e.body.route_table_ids ?? []].flat().length > 0)) report(s3[0].address, "is an S3 gateway endpoint on no route table; it carries no traffic");
    }
    return services.length > 0 || plan.resources("aws_vpc_endpoint").length > 0;
  },
);
