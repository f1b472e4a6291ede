import { defineRule } from "../rule";
import { eachAllowStatement, policySources } from "../documents";
import { isInterpolated, show, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-IAM-001",
    title: 'Policies grant no wildcard actions (no "*", "service:*" or "service:Get*", no NotAction)',
    severity: "high",
    references: ["cdk-nag IAM5", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_289", "AWS-0057"],
    remediation: "List the exact actions the principal needs (grant through the owning construct, e.g. secret.grantRead(role)) instead of wildcards or AWS managed policies; Deny statements may use wildcards.",
  },
  (plan, _ctx, report) => {
    const sources = policySources(plan);
    eachAllowStatement(plan, sources, report, (src, s, where) => {
      if (s.notActions.length) report(src.resource.address, `${where} allows NotAction ${show(s.notActions)}, i.e. every other action`);
      for (const a of s.actions) {
        if (isInterpolated(a)) report(src.resource.address, unverifiable(`${where} action`, a));
        else if (typeof a !== "string") report(src.resource.address, `${where} has action ${show(a)}, not a string`);
        else if (a.includes("*") || a.includes("?")) report(src.resource.address, `${where} allows wildcard action "${a}"`);
      }
    });
    // Attached policies are judged where they are declared; one from outside the plan cannot be read at all.
    const attachments = plan.resources("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment");
    const attached = [
      ...attachments.map((r) => ({ r, arn: r.body.policy_arn as unknown })),
      ...plan.resources("aws_iam_role").flatMap((r) => (Array.isArray(r.body.managed_policy_arns) ? r.body.managed_policy_arns : []).map((arn: unknown) => ({ r, arn }))),
    ];
    for (const { r, arn } of attached) {
      if (plan.target(arn, "aws_iam_policy")) continue;
      report(r.address, /^arn:aws[a-z-]*:iam::aws:policy\//.test(String(arn)) ? `attaches the AWS managed policy ${show(arn)}, whose actions are not in the plan and cannot be verified` : unverifiable("attached policy_arn", arn));
    }
    return sources.length + attached.length > 0;
  },
);
