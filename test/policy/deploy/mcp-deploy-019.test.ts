import { rule } from "../../../policy/deploy/mcp-deploy-019";
import { judge, lines, plan, ref } from "../fixtures";

const ingress = (n: number, group = "alb") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, { security_group_id: ref(`aws_security_group.${group}`), cidr_ipv4: `10.100.${i}.0/28`, from_port: 3010, to_port: 3010, ip_protocol: "tcp", description: "agents" }]));
const lb = (groups: number) => ({ aws_lb: { alb: { internal: true, security_groups: Array.from({ length: groups }, (_, i) => ref(`aws_security_group.g${i}`)) } } });
const listenerRules = (n: number, values = 1) => ({
  aws_lb_listener: { mcp: { load_balancer_arn: ref("aws_lb.alb", "arn"), port: 3010 } },
  aws_lb_listener_rule: Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`r${i}`, { listener_arn: ref("aws_lb_listener.mcp", "arn"), priority: i + 1, condition: [{ source_ip: { values: Array.from({ length: values }, (_, j) => `10.${i}.${j}.0/28`) } }] }]),
  ),
});
const secrets = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { name: `mcp/dev/agent-token/agent-${String(i).padStart(3, "0")}` }]));
const rolePolicy = (n: number) => ({
  aws_iam_role: { rotate: { name: "rotate", assume_role_policy: "{}" } },
  aws_iam_role_policy: {
    p: {
      role: ref("aws_iam_role.rotate"),
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:PutSecretValue"], Resource: Array.from({ length: n }, (_, i) => ref(`aws_secretsmanager_secret.s${i}`, "arn")) }] }),
    },
  },
  aws_secretsmanager_secret: secrets(n),
});
const provider = { provider: { aws: [{ region: "us-east-1", default_tags: [{ tags: { project: "p", environment: "e", owner: "o", "managed-by": "cdktf" } }] }] } };

describe("MCP-DEPLOY-019 AWS per-resource limits", () => {
  it("passes 60 inbound rules on a group and fails the 61st, naming quota and fix", () => {
    const sg = { aws_security_group: { alb: { name: "alb" } } };
    expect(judge(rule, plan({ ...sg, aws_vpc_security_group_ingress_rule: ingress(60) })).verdict).toBe("pass");
    expect(lines(judge(rule, plan({ ...sg, aws_vpc_security_group_ingress_rule: ingress(61) })))).toEqual([
      "aws_security_group.alb: holds 61 inbound rules; AWS allows 60 per security group and direction (vpc L-0EA8095F, adjustable): spread the rules over more security groups, or raise the quota",
    ]);
    // A legacy rule with several CIDR blocks is one AWS rule per block.
    const legacy = { aws_security_group_rule: { wide: { type: "ingress", security_group_id: ref("aws_security_group.alb"), cidr_blocks: Array.from({ length: 61 }, (_, i) => `10.0.${i}.0/24`), from_port: 443, to_port: 443, protocol: "tcp" } } };
    expect(judge(rule, plan({ ...sg, ...legacy })).verdict).toBe("fail");
  });

  it("fails a load balancer with more than 5 security groups or more than 100 listener rules", () => {
    expect(judge(rule, plan(lb(5))).verdict).toBe("pass");
    expect(lines(judge(rule, plan(lb(6))))).toEqual([
      "aws_lb.alb: puts 6 security groups on each of its nodes' network interfaces; AWS allows 5 per network interface (vpc L-2AFB9258, adjustable): merge agent ranges, or raise the rules-per-group quota (vpc L-0EA8095F) so fewer groups hold them",
    ]);
    expect(judge(rule, plan({ ...lb(1), ...listenerRules(100) })).verdict).toBe("pass");
    expect(lines(judge(rule, plan({ ...lb(1), ...listenerRules(101) })))).toEqual([
      "aws_lb.alb: has 101 listener rules; AWS allows 100 per Application Load Balancer, default rules aside (elasticloadbalancing L-7EED9B64, adjustable): merge agent groups whose hosts can share ranges (the kit already packs up to 4 ranges of one tier and prefix length per rule), split the estate over more environments, or raise the quota",
    ]);
  });

  it("fails a listener rule with more than 5 condition values", () => {
    expect(judge(rule, plan({ ...lb(1), ...listenerRules(1, 5) })).verdict).toBe("pass");
    expect(lines(judge(rule, plan({ ...lb(1), ...listenerRules(1, 6) })))).toEqual(["aws_lb_listener_rule.r0: matches 6 condition values; AWS allows 5 per listener rule (fixed): split the rule in several with the same action"]);
  });

  it("fails more than 5 security groups on a task's or function's network interface", () => {
    const groups = Array.from({ length: 6 }, (_, i) => ref(`aws_security_group.g${i}`));
    const svc = { aws_ecs_service: { svc: { name: "svc", network_configuration: { subnets: ["subnet-1"], security_groups: groups } } } };
    expect(lines(judge(rule, plan({ ...lb(1), ...svc })))).toEqual([
      "aws_ecs_service.svc: puts 6 security groups on each task's network interface; AWS allows 5 per network interface (vpc L-2AFB9258, adjustable): use fewer security groups per task, or raise the quota",
    ]);
  });

  it("estimates a role's inline policy as AWS will store it: each secret reference as the ARN it becomes", () => {
    // Each ARN: arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp/dev/agent-token/agent-000-XXXXXX (87 characters).
    expect(judge(rule, plan(rolePolicy(100), provider)).verdict).toBe("pass");
    const [line] = lines(judge(rule, plan(rolePolicy(120), provider)));
    expect(line).toMatch(/^aws_iam_role\.rotate: would carry about 1\d{4} characters of inline policy; AWS allows 10240 per role, whitespace aside \(IAM, fixed\): name resources by prefix/);
  });

  it("counts the provider's default tags with a resource's own against the 50 tags AWS allows", () => {
    const tagged = (n: number) => ({ aws_secretsmanager_secret: { s: { name: "s", tags: Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"])) } } });
    expect(judge(rule, plan(tagged(46), provider)).verdict).toBe("pass");
    expect(lines(judge(rule, plan(tagged(47), provider)))).toEqual([
      "aws_secretsmanager_secret.s: carries 51 tags with the provider's default tags; AWS allows 50 per resource (fixed): carry fewer tags (e.g. fewer agent groups per tier), or move the data elsewhere",
    ]);
  });

  it("fails a function whose environment would pass Lambda's 4 KB, counting a certificate reference as 2 KB", () => {
    const fn = (variables: Record<string, string>) => ({ aws_lambda_function: { f: { function_name: "f", environment: [{ variables }] } } });
    // 4 + 4,092 bytes: exactly the limit.
    expect(judge(rule, plan(fn({ CONF: "x".repeat(4092) }))).verdict).toBe("pass");
    expect(lines(judge(rule, plan(fn({ CONF: "x".repeat(4093) }))))).toEqual([
      "aws_lambda_function.f: would carry about 4097 bytes of environment variables; AWS allows 4096 bytes of environment variables per function, names and values (Lambda, fixed): pack what is known at synth beside the code (VpcFunction packageFiles) and keep only what apply resolves in the environment",
    ]);
    // A PEM reference is short in the plan and about 2 KB once applied: two of them and a little more do not fit.
    const pem = ref("tls_self_signed_cert.ca", "cert_pem");
    expect(judge(rule, plan(fn({ A: pem }))).verdict).toBe("pass");
    expect(judge(rule, plan(fn({ A: pem, B: pem, C: "x".repeat(10) }))).verdict).toBe("fail");
  });

  it("does not apply to a plan without security groups, load balancers or roles", () => {
    expect(judge(rule, plan({ aws_s3_bucket: { b: { bucket: "b" } } })).verdict).toBe("not-applicable");
  });
});
