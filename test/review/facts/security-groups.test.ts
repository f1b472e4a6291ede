/** review/facts/security-groups.ts: what each security group is attached to, from a small hand-written plan. */
import { securityGroupFacts } from "../../../review/facts/security-groups";
import { PlanIndex } from "../../../review/plan-index";

const plan = {
  resource: {
    aws_security_group: { alb: { name: "mcp-alb", description: "load balancer" }, tasks: { name: "mcp-tasks" }, endpoints: { name: "mcp-endpoints" }, db: { name: "mcp-db" }, spare: {} },
    aws_lb: { alb: { name: "mcp-alb-lb", security_groups: ["${aws_security_group.alb.id}"] } },
    aws_ecs_service: { mcp: { name: "mcp", network_configuration: { security_groups: ["${aws_security_group.tasks.id}"] } } },
    aws_vpc_endpoint: Object.fromEntries(["logs", "kms", "sts"].map((s) => [s, { service_name: `com.amazonaws.eu-west-1.${s}`, security_group_ids: ["${aws_security_group.endpoints.id}"] }])),
    aws_db_instance: { gateway: { vpc_security_group_ids: ["${aws_security_group.db.id}"] } },
    aws_efs_mount_target: { a: { security_groups: ["${aws_security_group.db.id}"] } },
  },
};

describe("securityGroupFacts", () => {
  const sg = securityGroupFacts(new PlanIndex(plan));
  const attached = (address: string) => sg.groups.find((g) => g.address === address)!.attachedTo;

  it("names load balancers and services by their names, more than two endpoints by their count", () => {
    expect(attached("aws_security_group.alb")).toEqual(["load balancer mcp-alb-lb"]);
    expect(attached("aws_security_group.tasks")).toEqual(["ECS service mcp"]);
    expect(attached("aws_security_group.endpoints")).toEqual(["3 VPC endpoints"]);
  });

  it("names any other holder by its type, sorted, and a group nothing uses by nothing", () => {
    expect(attached("aws_security_group.db")).toEqual(["DB instance", "EFS mount target"]);
    expect(attached("aws_security_group.spare")).toEqual([]);
  });

  it("labels groups by name, knows the task groups", () => {
    expect(sg.label("aws_security_group.alb")).toBe("mcp-alb");
    expect(sg.label("aws_security_group.spare")).toBe("aws_security_group.spare");
    expect(sg.label("sg-0123")).toBe("sg-0123");
    expect(sg.isTasks("aws_security_group.tasks")).toBe(true);
    expect(sg.isTasks("aws_security_group.alb")).toBe(false);
  });
});
