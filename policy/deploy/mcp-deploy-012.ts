import { block, bool, PlanResource } from "../plan";
import { defineRule } from "../rule";
import { coversPort, owningGroup, sgRules } from "../security-groups";
import { endpointsFor, vpcOfSubnets } from "./mcp-deploy-010";
import { DOCS, rolePolicies } from "./support";

/**
 * A rotation function (or any function calling Secrets Manager) attached to a VPC reaches Secrets Manager only through a secretsmanager interface endpoint
 * with private DNS (there is no internet route), and only if its security group may send HTTPS there and the
 * endpoint's group admits it. Otherwise the rotation times out and the secret keeps its value.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-012",
    title: "Rotation functions (and other functions calling Secrets Manager) in a VPC have a network path to it",
    severity: "high",
    references: [],
    remediation: `Give the function's VPC a secretsmanager interface endpoint with private DNS, let the function's security group send TCP 443 to the endpoint's group and the endpoint's group admit it; see ${DOCS.rotationNetwork}`,
  },
  (plan, _ctx, report) => {
    const rules = sgRules(plan);
    const fns = new Set<PlanResource>();
    for (const rot of plan.resources("aws_secretsmanager_secret_rotation")) {
      const fn = plan.target(rot.body.rotation_lambda_arn, "aws_lambda_function");
      if (fn) fns.add(fn);
    }
    // Any other function whose role calls Secrets Manager (e.g. the secret age check) needs the same path.
    const roles = rolePolicies(plan);
    for (const fn of plan.resources("aws_lambda_function")) {
      const role = plan.target(fn.body.role, "aws_iam_role");
      if (role && (roles.get(role) ?? []).some((s) => s.effect === "Allow" && s.actions.some((a) => typeof a === "string" && a.toLowerCase().startsWith("secretsmanager:")))) fns.add(fn);
    }
    let applicable = false;
    for (const fn of fns) {
      const vpcConfig = block(fn.body.vpc_config);
      if (!vpcConfig) continue; // Outside a VPC the function reaches the public endpoint.
      applicable = true;
      const vpc = vpcOfSubnets(plan, vpcConfig.subnet_ids);
      if (!vpc) continue;
      const endpoints = endpointsFor(plan, vpc, "secretsmanager").filter((e) => e.body.vpc_endpoint_type === "Interface" && bool(e.body.private_dns_enabled) === true);
      if (!endpoints.length) {
        report(fn.address, `rotates secrets from inside ${vpc.address}, which has no secretsmanager interface endpoint with private DNS; rotation times out`);
        continue;
      }
      const fnGroups = [vpcConfig.security_group_ids ?? []]
        .flat()
        .map((g) => plan.target(g, "aws_security_group"))
        .filter((g): g is PlanResource => !!g);
      const epGroups = endpoints.flatMap((e) =>
        [e.body.security_group_ids ?? []]
          .flat()
          .map((g) => plan.target(g, "aws_security_group"))
          .filter((g): g is PlanResource => !!g),
      );
      if (!fnGroups.length || !epGroups.length) continue;
      const towards = (r: (typeof rules)[number], groups: PlanResource[]) => r.cidrs.length > 0 || r.prefixLists.length > 0 || r.groups.some((g) => groups.some((x) => plan.refersTo(g, x)));
      const egress = rules.some((r) => r.direction === "egress" && fnGroups.includes(owningGroup(plan, r)!) && coversPort(r, 443) !== false && towards(r, epGroups));
      if (!egress) report(fn.address, "may not send HTTPS (443) to the secretsmanager endpoint: none of its security groups has a matching egress rule");
      const ingress = rules.some((r) => r.direction === "ingress" && epGroups.includes(owningGroup(plan, r)!) && coversPort(r, 443) !== false && towards(r, fnGroups));
      if (!ingress) report(fn.address, "is not admitted by the secretsmanager endpoint: its security groups have no ingress rule for 443 from the function");
    }
    return applicable;
  },
);
