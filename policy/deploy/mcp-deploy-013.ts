import { readPolicy } from "../documents";
import { defineRule } from "../rule";
import { actionMatches, DOCS, namesPrincipal, rolePolicies } from "./support";

export const FLOW_LOGS_PRINCIPAL = "vpc-flow-logs.amazonaws.com";
const DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];

/**
 * Flow logs to CloudWatch Logs are delivered by vpc-flow-logs.amazonaws.com assuming the flow log's IAM role: the
 * role must trust that principal and may create streams and put events. Otherwise the flow log is created, shows
 * an error status, and records nothing. https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-013",
    title: "Flow logs to CloudWatch have a role trusted by vpc-flow-logs.amazonaws.com that can write",
    severity: "high",
    references: [],
    remediation: `Set iam_role_arn to a ServiceRole assumed by ${FLOW_LOGS_PRINCIPAL} with logs:CreateLogStream, logs:PutLogEvents (and logs:DescribeLogStreams) on the log group (Network does); see ${DOCS.flowLogRole}`,
  },
  (plan, _ctx, report) => {
    const flowLogs = plan.resources("aws_flow_log").filter((f) => (f.body.log_destination_type ?? "cloud-watch-logs") === "cloud-watch-logs");
    const policies = rolePolicies(plan);
    for (const f of flowLogs) {
      if (f.body.iam_role_arn === undefined) {
        report(f.address, "delivers to CloudWatch Logs without iam_role_arn; AWS refuses it");
        continue;
      }
      const role = plan.target(f.body.iam_role_arn, "aws_iam_role");
      if (!role) continue; // A role outside the plan cannot be read here.
      const trust = readPolicy(plan, { resource: role, attr: "assume_role_policy", value: role.body.assume_role_policy, kind: "resource" });
      if (!trust.ok) report(f.address, `uses ${role.address}, whose ${trust.why}`);
      else if (!trust.statements.some((s) => s.effect === "Allow" && namesPrincipal(plan, s.principal, { service: FLOW_LOGS_PRINCIPAL }) && s.actions.some((a) => actionMatches(a, "sts:AssumeRole")))) {
        report(f.address, `uses ${role.address}, which ${FLOW_LOGS_PRINCIPAL} may not assume; no flow log record is delivered`);
      }
      const statements = (policies.get(role) ?? []).filter((s) => s.effect === "Allow");
      const missing = DELIVERY_ACTIONS.filter((a) => !statements.some((s) => s.actions.some((x) => actionMatches(x, a))));
      if (missing.length) report(f.address, `uses ${role.address}, which lacks ${missing.join(", ")}; no flow log record is delivered`);
    }
    return flowLogs.length > 0;
  },
);
