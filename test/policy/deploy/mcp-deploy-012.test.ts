import { rule } from "../../../policy/deploy/mcp-deploy-012";
import { judge, lines, plan, ref } from "../fixtures";
import { endpoint, NETWORK } from "./network";

const FN = {
  aws_lambda_function: { rotate: { function_name: "rotate", vpc_config: { subnet_ids: [ref("aws_subnet.a")], security_group_ids: [ref("aws_security_group.rotation")] } } },
  aws_secretsmanager_secret: { s: { name: "s" } },
  aws_secretsmanager_secret_rotation: { s: { secret_id: ref("aws_secretsmanager_secret.s", "arn"), rotation_lambda_arn: ref("aws_lambda_function.rotate", "arn") } },
  aws_security_group: { rotation: { name: "rotation" }, endpoints: { name: "endpoints" } },
};
const egress = { security_group_id: ref("aws_security_group.rotation"), ip_protocol: "tcp", from_port: 443, to_port: 443, referenced_security_group_id: ref("aws_security_group.endpoints") };
const ingress = { security_group_id: ref("aws_security_group.endpoints"), ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.42.0.0/20" };

describe("MCP-DEPLOY-012 network path from a rotation function to Secrets Manager", () => {
  it("fails without a secretsmanager endpoint, and without the security group rules", () => {
    expect(lines(judge(rule, plan({ ...NETWORK, ...FN, aws_vpc_endpoint: { kms: endpoint("kms") } })))).toEqual([
      "aws_lambda_function.rotate: rotates secrets from inside aws_vpc.vpc, which has no secretsmanager interface endpoint with private DNS; rotation times out",
    ]);
    const r = judge(rule, plan({ ...NETWORK, ...FN, aws_vpc_endpoint: { sm: endpoint("secretsmanager") }, aws_vpc_security_group_egress_rule: { e: { ...egress, from_port: 80, to_port: 80 } } }));
    expect(lines(r)).toEqual([
      "aws_lambda_function.rotate: may not send HTTPS (443) to the secretsmanager endpoint: none of its security groups has a matching egress rule",
      "aws_lambda_function.rotate: is not admitted by the secretsmanager endpoint: its security groups have no ingress rule for 443 from the function",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-network-rotation.html");
  });

  it("also fails another function in the VPC whose role calls Secrets Manager", () => {
    const ageCheck = {
      aws_lambda_function: { ...FN.aws_lambda_function, age: { function_name: "age", role: ref("aws_iam_role.age", "arn"), vpc_config: { subnet_ids: [ref("aws_subnet.a")], security_group_ids: [ref("aws_security_group.age")] } } },
      aws_security_group: { ...FN.aws_security_group, age: { name: "age" } },
      aws_iam_role: { age: { name: "age" } },
      aws_iam_role_policy: { age: { role: ref("aws_iam_role.age"), policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "List", Effect: "Allow", Action: "secretsmanager:ListSecretVersionIds", Resource: "*" }] }) } },
    };
    const r = judge(rule, plan({ ...NETWORK, ...FN, ...ageCheck, aws_vpc_endpoint: { sm: endpoint("secretsmanager") }, aws_vpc_security_group_egress_rule: { e: egress }, aws_vpc_security_group_ingress_rule: { i: ingress } }));
    expect(lines(r)).toEqual(["aws_lambda_function.age: may not send HTTPS (443) to the secretsmanager endpoint: none of its security groups has a matching egress rule"]);
  });

  it("passes an endpoint with private DNS and matching rules, and a function outside any VPC", () => {
    expect(lines(judge(rule, plan({ ...NETWORK, ...FN, aws_vpc_endpoint: { sm: endpoint("secretsmanager") }, aws_vpc_security_group_egress_rule: { e: egress }, aws_vpc_security_group_ingress_rule: { i: ingress } })))).toEqual([]);
    expect(judge(rule, plan({ ...FN, aws_lambda_function: { rotate: { function_name: "rotate" } } })).verdict).toBe("not-applicable");
  });
});
