import { defineRule } from "../rule";
import { bool, show } from "../plan";
import { caches } from "../databases";

/** Both RDS and ElastiCache default auto_minor_version_upgrade to true: only an explicit false fails. */
export const rule = defineRule(
  {
    id: "MCP-DB-009",
    title: "Databases and caches take minor engine upgrades automatically (security patches)",
    severity: "low",
    references: ["CKV_AWS_226", "CKV_AWS_322"],
    remediation: "Remove auto_minor_version_upgrade = false (the default is true) so engine security patches apply in the maintenance window.",
  },
  (plan, _ctx, report) => {
    const targets = [...plan.resources("aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"), ...caches(plan)];
    for (const t of targets) if (bool(t.body.auto_minor_version_upgrade) === false) report(t.address, `has auto_minor_version_upgrade ${show(t.body.auto_minor_version_upgrade)}: engine security patches wait for a manual upgrade`);
    return targets.length > 0;
  },
);
