import { defineRule } from "../rule";
import { blocks, bool, isInterpolated, show } from "../plan";
import { caches } from "../databases";

/**
 * Without AUTH or RBAC anyone who reaches the port runs any command. Accepted: a user group (RBAC, `user_group_ids`),
 * or an `auth_token` that comes from Secrets Manager (a reference; Terraform keeps a copy in its state, which is why
 * RBAC with IAM-authenticated users is preferred). A literal token or user password is in cdk.tf.json and fails.
 * A user with `no_password_required` passes only when its access string starts "off" (the disabled default user).
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html
 */
export const rule = defineRule(
  {
    id: "MCP-CACHE-002",
    title: "Caches authenticate every client (RBAC user group or AUTH token from Secrets Manager; no literal secret)",
    severity: "critical",
    references: ["CKV_AWS_31", "cdk-nag AEC6"],
    remediation:
      'Attach an aws_elasticache_user_group (user_group_ids) whose users authenticate with IAM (authentication_mode { type = "iam" }) or a disabled default user, or pass auth_token from a Secrets Manager secret the kit generates; never write a token or password in config or code.',
  },
  (plan, _ctx, report) => {
    const list = caches(plan).filter((c) => c.type === "aws_elasticache_replication_group" || c.body.engine !== "memcached");
    for (const c of list) {
      const token = c.body.auth_token;
      const groups = c.body.user_group_ids;
      const hasGroups = isInterpolated(groups) || (Array.isArray(groups) && groups.length > 0);
      if (token !== undefined && !isInterpolated(token)) report(c.address, "sets auth_token to a literal: the token is in cdk.tf.json; read it from Secrets Manager or use RBAC users");
      else if (token === undefined && !hasGroups) report(c.address, "sets neither auth_token nor user_group_ids: any client that reaches the port may run every command");
    }
    const users = plan.resources("aws_elasticache_user");
    for (const u of users) {
      const mode = blocks(u.body.authentication_mode)[0];
      const passwords = [...(Array.isArray(u.body.passwords) ? u.body.passwords : []), ...(Array.isArray(mode?.passwords) ? mode!.passwords : [])];
      if (passwords.some((p) => !isInterpolated(p))) report(u.address, "has a literal password: it is in cdk.tf.json; authenticate the user with IAM or a password the kit generates in AWS");
      const access = typeof u.body.access_string === "string" ? u.body.access_string.trim() : "";
      if ((bool(u.body.no_password_required) === true || mode?.type === "no-password-required") && !access.startsWith("off"))
        report(u.address, `needs no password and is enabled (access_string ${show(u.body.access_string)}): anyone may connect as ${show(u.body.user_name)}`);
    }
    return list.length + users.length > 0;
  },
);
