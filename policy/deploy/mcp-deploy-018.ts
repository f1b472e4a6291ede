import { block, bool, PlanResource, PlanView } from "../plan";
import { defineRule } from "../rule";
import { dependencyClosure, DOCS, referencesIn } from "./support";

/**
 * What runs inside an isolated VPC during apply (an ECS service's first tasks, a Lambda invocation, a first rotation
 * of a secret by a VPC function, a schedule that invokes one) reaches AWS APIs only through the VPC endpoints: the
 * interface endpoints (private DNS), their security groups' ingress rules, its own egress rules, and for S3 (ECR image
 * layers) the gateway endpoint on the route table its subnets are associated with. Terraform creates resources
 * that do not depend on each other in parallel, so a function or task that starts before them times out: the
 * invocation fails the apply, the rotation fails and leaves the secret empty, the service's first deployment fails.
 * A plan cannot know which APIs a runtime calls, so the rule asks for every endpoint of the VPC.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-018",
    title: "What runs in the VPC during apply waits for the VPC endpoints, their security-group rules and the route table associations",
    severity: "high",
    references: [],
    remediation: `Add the VPC's endpoints, the endpoints' ingress rules, the workload's egress rules and its subnets' route table associations to its depends_on (the kit does so through Network.readyFor / VpcFunction.ready); see ${DOCS.rotationNetwork} and ${DOCS.ecrEndpoints}`,
  },
  (plan, _ctx, report) => {
    const after = dependencyClosure(plan);
    // Every rotation of one function shares its placement: work out what it needs once.
    const needsOf = new Map<string, PlanResource[]>();
    let applicable = false;
    for (const { runner, placement } of runners(plan)) {
      applicable = true;
      const key = JSON.stringify([placement.subnets, placement.groups]);
      if (!needsOf.has(key)) needsOf.set(key, needs(plan, placement));
      const needed = needsOf.get(key)!;
      const upstream = after(runner.address);
      const missing = needed.filter((n) => !upstream.has(n.address) && n.address !== runner.address);
      if (!missing.length) continue;
      const shown = missing.slice(0, 4).map((m) => m.address);
      const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : "";
      report(runner.address, `${placement.what} in the VPC during apply but does not wait for ${shown.join(", ")}${more}; it can start before it can reach AWS and time out`);
    }
    return applicable;
  },
);

/** Where a runner's network interfaces go: subnets and security groups (references), and what it is, for messages. */
interface Placement {
  readonly what: string;
  readonly subnets: readonly unknown[];
  readonly groups: readonly unknown[];
}

/** Everything that starts code in a VPC while the plan applies, with where that code runs. */
function runners(plan: PlanView): { runner: PlanResource; placement: Placement }[] {
  const out: { runner: PlanResource; placement: Placement }[] = [];
  const fnPlacement = (value: unknown): Placement | undefined => {
    const fn = plan.target(value, "aws_lambda_function");
    const vpc = fn && block(fn.body.vpc_config);
    if (!fn || !vpc) return undefined;
    return { what: `runs ${fn.address}`, subnets: list(vpc.subnet_ids), groups: list(vpc.security_group_ids) };
  };
  for (const s of plan.resources("aws_ecs_service")) {
    const net = block(s.body.network_configuration);
    if (net) out.push({ runner: s, placement: { what: "starts tasks", subnets: list(net.subnets), groups: list(net.security_groups) } });
  }
  for (const i of plan.resources("aws_lambda_invocation")) {
    const p = fnPlacement(i.body.function_name);
    if (p) out.push({ runner: i, placement: p });
  }
  // rotate_immediately defaults to true: Secrets Manager runs the function as soon as the rotation is configured.
  for (const r of plan.resources("aws_secretsmanager_secret_rotation")) {
    if (bool(r.body.rotate_immediately) === false) continue;
    const p = fnPlacement(r.body.rotation_lambda_arn);
    if (p) out.push({ runner: r, placement: p });
  }
  for (const t of plan.resources("aws_cloudwatch_event_target")) {
    const p = fnPlacement(t.body.arn);
    if (p) out.push({ runner: t, placement: p });
  }
  return out;
}

/** The endpoints of the runner's VPC, their ingress rules, the runner's egress rules and its subnets' route associations. */
function needs(plan: PlanView, placement: Placement): PlanResource[] {
  const subnets = placement.subnets.map((s) => plan.target(s, "aws_subnet")).filter((s): s is PlanResource => !!s);
  const vpcs = new Set(subnets.map((s) => plan.target(s.body.vpc_id, "aws_vpc")?.address).filter(Boolean));
  const endpoints = plan.resources("aws_vpc_endpoint").filter((e) => vpcs.has(plan.target(e.body.vpc_id, "aws_vpc")?.address));
  const endpointGroups = new Set(endpoints.flatMap((e) => list(e.body.security_group_ids).flatMap(referencesIn)));
  const ownGroups = new Set(placement.groups.flatMap(referencesIn));
  const gatewayPrefixLists = new Set(endpoints.filter((e) => e.body.vpc_endpoint_type === "Gateway").map((e) => e.address));
  const subnetAddresses = new Set(subnets.map((s) => s.address));
  const groupOf = (r: PlanResource) => referencesIn(r.body.security_group_id)[0];
  const ingress = [...plan.resources("aws_vpc_security_group_ingress_rule"), ...plan.resources("aws_security_group_rule").filter((r) => r.body.type === "ingress")].filter((r) => endpointGroups.has(groupOf(r)));
  // Its own way out to the endpoints: to an endpoint's group, or to a gateway endpoint's prefix list.
  const egress = [...plan.resources("aws_vpc_security_group_egress_rule"), ...plan.resources("aws_security_group_rule").filter((r) => r.body.type === "egress")].filter((r) => {
    if (!ownGroups.has(groupOf(r))) return false;
    const to = [...referencesIn(r.body.referenced_security_group_id), ...referencesIn(r.body.source_security_group_id)];
    const prefix = [r.body.prefix_list_id, ...list(r.body.prefix_list_ids)].flatMap(referencesIn);
    return to.some((g) => endpointGroups.has(g)) || prefix.some((p) => gatewayPrefixLists.has(p));
  });
  const associations = plan.resources("aws_route_table_association").filter((a) => referencesIn(a.body.subnet_id).some((s) => subnetAddresses.has(s)));
  return [...endpoints, ...ingress, ...egress, ...associations];
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
