import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { isObject, show } from "../plan";

/**
 * ECS has no allowPrivilegeEscalation switch, and Docker's no-new-privileges security option is not available on
 * Fargate; what a task definition can do to escalate is add kernel capabilities, lift seccomp/AppArmor, or share
 * the host's namespaces. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
 */
export const rule = defineRule(
  {
    id: "MCP-ECS-006",
    title: "Containers cannot escalate privileges: no added capabilities, unconfined profiles or host namespaces",
    severity: "high",
    references: ["CKV_AWS_335"],
    remediation: "Remove linuxParameters.capabilities.add, unconfined dockerSecurityOptions and host pid/ipc/network modes.",
  },
  (plan, _ctx, report) => {
    for (const td of plan.resources("aws_ecs_task_definition")) {
      for (const attr of ["pid_mode", "ipc_mode", "network_mode"]) if (td.body[attr] === "host") report(td.address, `sets ${attr} = "host", sharing the host's namespace with the containers`);
    }
    return eachContainer(plan, report, (td, c, label) => {
      const add = isObject(c.linuxParameters) && isObject(c.linuxParameters.capabilities) ? c.linuxParameters.capabilities.add : undefined;
      if (Array.isArray(add) ? add.length > 0 : add !== undefined) report(td.address, `${label} adds kernel capabilities ${show(add)}`);
      const opts = Array.isArray(c.dockerSecurityOptions) ? c.dockerSecurityOptions : [];
      for (const o of opts) if (/unconfined/i.test(String(o))) report(td.address, `${label} sets docker security option ${show(o)}`);
    });
  },
);
