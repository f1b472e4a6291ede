import { defineRule } from "../rule";
import { policySources, readPolicy, statementName } from "../documents";
import { isInterpolated, show, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-IAM-001",
    title: "Policies grant no wildcard actions (no \"*\", \"service:*\" or \"service:Get*\", no NotAction)",
    severity: "high",
    references: ["cdk-nag IAM5", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_289", "AWS-0057"],
    remediation: "List the exact actions the principal needs (grant through the owning construct, e.g. secret.grantRead(role)); Deny statements may use wildcards.",
  },
  (plan, _ctx, report) => {
    const sources = policySources(plan);
    for (const src of sources) {
      const read = readPolicy(plan, src);
      if (!read.ok) {
        report(src.resource.address, read.why);
        continue;
      }
      read.statements.forEach((s, i) => {
        if (s.effect !== "Allow") return;
        const where = `${src.attr} ${statementName(s, i)}`;
        if (s.notActions.length) report(src.resource.address, `${where} allows NotAction ${show(s.notActions)}, i.e. every other action`);
        for (const a of s.actions) {
          if (isInterpolated(a)) report(src.resource.address, unverifiable(`${where} action`, a));
          else if (typeof a !== "string") report(src.resource.address, `${where} has action ${show(a)}, not a string`);
          else if (a.includes("*") || a.includes("?")) report(src.resource.address, `${where} allows wildcard action "${a}"`);
        }
      });
    }
    return sources.length > 0;
  },
);
