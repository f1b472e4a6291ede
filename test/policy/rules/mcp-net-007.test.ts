import { rule } from "../../../policy/rules/mcp-net-007";
import { judge, lines, plan } from "../fixtures";

describe("MCP-NET-007 ECS tasks without public IP", () => {
  it("fails services that assign public IPs or leave it to an expression", () => {
    const r = judge(rule, plan({ aws_ecs_service: { a: { network_configuration: { subnets: [], assign_public_ip: true } }, b: { network_configuration: [{ assign_public_ip: "${var.public}" }] } } }));
    expect(lines(r)).toEqual(["aws_ecs_service.a: sets network_configuration.assign_public_ip = true", "aws_ecs_service.b: network_configuration.assign_public_ip is ${var.public}, which is only known at apply time and cannot be verified"]);
  });

  it("passes services without public IPs", () => {
    expect(judge(rule, plan({ aws_ecs_service: { a: { network_configuration: { assign_public_ip: false } }, b: {} } })).verdict).toBe("pass");
  });

  it("is not applicable without services", () => {
    expect(judge(rule, plan({ aws_vpc: { v: {} } })).verdict).toBe("not-applicable");
  });
});
