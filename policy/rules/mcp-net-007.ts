import { defineRule } from "../rule";
import { block, bool, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-NET-007",
    title: "ECS services give their tasks no public IP address",
    severity: "high",
    references: ["CKV_AWS_333", "AWS-0164"],
    remediation: "Set network_configuration.assign_public_ip = false and run the tasks in the private subnets.",
  },
  (plan, _ctx, report) => {
    const services = plan.resources("aws_ecs_service");
    for (const s of services) {
      const v = block(s.body.network_configuration)?.assign_public_ip;
      if (v === undefined || bool(v) === false) continue;
      report(s.address, bool(v) === true ? "sets network_configuration.assign_public_ip = true" : unverifiable("network_configuration.assign_public_ip", v));
    }
    return services.length > 0;
  },
);
