import { rule } from "../../../policy/deploy/mcp-deploy-018";
import { judge, lines, plan, ref } from "../fixtures";

/** The network a runner needs: one VPC, a subnet with its route association, an interface and a gateway endpoint, their rules. */
const network = {
  aws_vpc: { v: { cidr_block: "10.40.0.0/20" } },
  aws_subnet: { a: { vpc_id: ref("aws_vpc.v"), cidr_block: "10.40.0.0/22" } },
  aws_route_table: { rt: { vpc_id: ref("aws_vpc.v") } },
  aws_route_table_association: { a: { subnet_id: ref("aws_subnet.a"), route_table_id: ref("aws_route_table.rt") } },
  aws_security_group: { endpoints: { vpc_id: ref("aws_vpc.v") }, fn: { vpc_id: ref("aws_vpc.v") }, other: { vpc_id: ref("aws_vpc.v") } },
  aws_vpc_endpoint: {
    sm: { vpc_id: ref("aws_vpc.v"), vpc_endpoint_type: "Interface", service_name: "com.amazonaws.us-east-1.secretsmanager", security_group_ids: [ref("aws_security_group.endpoints")] },
    s3: { vpc_id: ref("aws_vpc.v"), vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.us-east-1.s3", route_table_ids: [ref("aws_route_table.rt")] },
  },
  aws_vpc_security_group_ingress_rule: { https: { security_group_id: ref("aws_security_group.endpoints"), cidr_ipv4: "10.40.0.0/20", from_port: 443, to_port: 443, ip_protocol: "tcp" } },
  aws_vpc_security_group_egress_rule: {
    out: { security_group_id: ref("aws_security_group.fn"), referenced_security_group_id: ref("aws_security_group.endpoints"), from_port: 443, to_port: 443, ip_protocol: "tcp" },
    s3: { security_group_id: ref("aws_security_group.fn"), prefix_list_id: ref("aws_vpc_endpoint.s3", "prefix_list_id"), from_port: 443, to_port: 443, ip_protocol: "tcp" },
    // Another group's rule: not what the function needs.
    other: { security_group_id: ref("aws_security_group.other"), referenced_security_group_id: ref("aws_security_group.endpoints"), from_port: 443, to_port: 443, ip_protocol: "tcp" },
  },
};
const EVERYTHING = ["aws_vpc_endpoint.sm", "aws_vpc_endpoint.s3", "aws_vpc_security_group_ingress_rule.https", "aws_vpc_security_group_egress_rule.out", "aws_vpc_security_group_egress_rule.s3", "aws_route_table_association.a"];
const fn = (vpc = true) => ({
  aws_lambda_function: { rotate: { function_name: "rotate", ...(vpc ? { vpc_config: { subnet_ids: [ref("aws_subnet.a")], security_group_ids: [ref("aws_security_group.fn")] } } : {}) } },
});
const invocation = (dependsOn?: string[]) => ({ aws_lambda_invocation: { gen: { function_name: ref("aws_lambda_function.rotate", "function_name"), input: "{}", ...(dependsOn ? { depends_on: dependsOn } : {}) } } });

describe("MCP-DEPLOY-018 what runs in the VPC during apply waits for the endpoints, rules and routes", () => {
  it("fails an invocation of a VPC function that waits for nothing, listing what it lacks", () => {
    expect(lines(judge(rule, plan({ ...network, ...fn(), ...invocation() })))).toEqual([
      "aws_lambda_invocation.gen: runs aws_lambda_function.rotate in the VPC during apply but does not wait for aws_vpc_endpoint.sm, aws_vpc_endpoint.s3, aws_vpc_security_group_ingress_rule.https, aws_vpc_security_group_egress_rule.out and 2 more; it can start before it can reach AWS and time out",
    ]);
  });

  it("passes when everything is waited for, directly or through another resource", () => {
    expect(judge(rule, plan({ ...network, ...fn(), ...invocation(EVERYTHING) })).verdict).toBe("pass");
    const chain = { ...network, ...fn(), aws_cloudwatch_log_group: { ready: { name: "x", depends_on: EVERYTHING } } };
    expect(judge(rule, plan({ ...chain, ...invocation(["aws_cloudwatch_log_group.ready"]) })).verdict).toBe("pass");
  });

  it("names the one missing piece: a route table association", () => {
    const r = judge(rule, plan({ ...network, ...fn(), ...invocation(EVERYTHING.filter((a) => a !== "aws_route_table_association.a")) }));
    expect(lines(r)).toEqual(["aws_lambda_invocation.gen: runs aws_lambda_function.rotate in the VPC during apply but does not wait for aws_route_table_association.a; it can start before it can reach AWS and time out"]);
  });

  it("judges first rotations (unless rotate_immediately is false), schedules and ECS services the same way", () => {
    const rotation = (body: Record<string, unknown>) => ({ aws_secretsmanager_secret_rotation: { r: { secret_id: "s", rotation_lambda_arn: ref("aws_lambda_function.rotate", "arn"), ...body } } });
    expect(judge(rule, plan({ ...network, ...fn(), ...rotation({}) })).verdict).toBe("fail");
    expect(judge(rule, plan({ ...network, ...fn(), ...rotation({ depends_on: EVERYTHING }) })).verdict).toBe("pass");
    expect(judge(rule, plan({ ...network, ...fn(), ...rotation({ rotate_immediately: false }) })).verdict).toBe("not-applicable");
    const target = { aws_cloudwatch_event_target: { t: { rule: "daily", arn: ref("aws_lambda_function.rotate", "arn") } } };
    expect(lines(judge(rule, plan({ ...network, ...fn(), ...target })))[0]).toMatch(/^aws_cloudwatch_event_target.t: runs aws_lambda_function.rotate in the VPC/);
    const service = (dependsOn?: string[]) => ({
      aws_ecs_service: { svc: { name: "svc", network_configuration: { subnets: [ref("aws_subnet.a")], security_groups: [ref("aws_security_group.fn")] }, ...(dependsOn ? { depends_on: dependsOn } : {}) } },
    });
    expect(lines(judge(rule, plan({ ...network, ...service() })))[0]).toMatch(/^aws_ecs_service.svc: starts tasks in the VPC during apply but does not wait for aws_vpc_endpoint.sm,/);
    expect(judge(rule, plan({ ...network, ...service(EVERYTHING) })).verdict).toBe("pass");
  });

  it("does not apply to functions outside a VPC or plans that run nothing", () => {
    expect(judge(rule, plan({ ...network, ...fn(false), ...invocation() })).verdict).toBe("not-applicable");
    expect(judge(rule, plan(network)).verdict).toBe("not-applicable");
  });
});
