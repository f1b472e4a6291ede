import { defineRule } from "../rule";
import { bool, isInterpolated, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-DB-002",
    title: "Database instances are not publicly accessible",
    severity: "critical",
    references: ["CKV_AWS_17", "AWS-0180"],
    remediation: "Remove publicly_accessible (or set it false) and place the database in the private subnets' DB subnet group.",
  },
  (plan, _ctx, report) => {
    const instances = plan.resources("aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster");
    for (const r of instances) {
      const v = r.body.publicly_accessible;
      if (isInterpolated(v)) report(r.address, unverifiable("publicly_accessible", v));
      else if (bool(v) === true) report(r.address, "is publicly_accessible: it gets a public DNS name and address");
    }
    return instances.length > 0;
  },
);
