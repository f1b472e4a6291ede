import { StackResult } from "../../policy/types";
import { diffPlans, DiffResult, renderDiff } from "../../review/diff";
import { synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";
import { FIXTURE_POLICY, fixturePlan } from "./fixture";

const STACK = "mcp-fixture";
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe("change report on crafted plans", () => {
  let result: DiffResult;
  let markdown: string;
  beforeAll(() => {
    const before = fixturePlan() as any;
    const after = clone(before);
    const r = after.resource;
    // Added last in the object, so its being reported first is the sort's doing.
    r.aws_vpc_security_group_ingress_rule.alb_ops.from_port = 3011;
    r.aws_vpc_security_group_ingress_rule.alb_ops.to_port = 3011;
    r.aws_cloudwatch_log_group.mcp.retention_in_days = 90;
    delete r.aws_cloudwatch_log_group.mcp.kms_key_id;
    delete r.aws_secretsmanager_secret.model;
    r.aws_secretsmanager_secret.gateway_jwt = { name: "mcp/fixture/gateway-jwt-secret", kms_key_id: "${aws_kms_key.key.arn}" };
    r.aws_secretsmanager_secret_rotation.auth.rotation_rules.automatically_after_days = 60;
    r.aws_iam_role_policy.rotate.policy = r.aws_iam_role_policy.rotate.policy.replace('"secretsmanager:DescribeSecret"', '"secretsmanager:*"');
    r.aws_s3_bucket_server_side_encryption_configuration.audit.rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" };
    r.aws_lb_listener.mcp.ssl_policy = "ELBSecurityPolicy-2016-08";
    r.aws_lb_listener_rule.ops.condition[0].source_ip.values.push("10.20.9.0/28");
    r.aws_ecs_task_definition.ro.container_definitions = r.aws_ecs_task_definition.ro.container_definitions.replace("performance,sysadmin_discovery", "config_management,performance");
    r.aws_vpc_security_group_ingress_rule.open = { security_group_id: "${aws_security_group.alb.id}", cidr_ipv4: "0.0.0.0/0", from_port: 3010, to_port: 3010, ip_protocol: "tcp", description: "temporary" };
    const weakened: StackResult = clone(FIXTURE_POLICY);
    (weakened.results[1] as any).verdict = "fail";
    (weakened.results[1] as any).violations = [{ address: "aws_lb_listener.mcp", message: "TLS 1.0" }];
    result = diffPlans({ plans: { [STACK]: before }, policy: { [STACK]: FIXTURE_POLICY } }, { plans: { [STACK]: after, "mcp-new": { resource: { aws_kms_key: { k: {} } } } }, policy: { [STACK]: weakened } });
    markdown = renderDiff(result, { before: "main/cdktf.out", after: "pr/cdktf.out" });
  });

  test("reports the added 0.0.0.0/0 ingress first", () => {
    expect(result.security[0]).toEqual({
      severity: "critical",
      kind: "reachability",
      stack: STACK,
      address: "aws_vpc_security_group_ingress_rule.open",
      text: "new ingress source: 0.0.0.0/0 → mcp-fixture-alb on 3010/tcp (temporary) [open to every address (0.0.0.0/0); names no agent group in its description]",
    });
    const firstRow = markdown.split("\n").find((l) => l.startsWith("| **"));
    expect(firstRow).toContain("new ingress source: 0.0.0.0/0");
    expect(markdown.indexOf("## Security-relevant changes")).toBeLessThan(markdown.indexOf("## Resources"));
  });

  test("calls out each security-relevant change with its severity", () => {
    const texts = result.security.map((c) => `${c.severity}: ${c.text}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        "critical: encryption of /mcp/fixture/mcp-server: alias/mcp-fixture → CloudWatch Logs default encryption (AWS owned key) (customer key removed)",
        "critical: encryption of bucket mcp-fixture-audit-123456789012: SSE-KMS with alias/mcp-fixture → SSE-S3 (AES256)",
        "critical: IAM wildcard action added: secretsmanager:* in Rotate",
        "critical: TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 → ELBSecurityPolicy-2016-08 (lowest TLS 1.2 → 1.0)",
        "critical: policy weakened: MCP-TLS-001 (HTTPS listeners use a TLS 1.2+ policy) passed, now fails: aws_lb_listener.mcp",
        "high: ingress port changed from 3010 to 3011: 10.20.2.0/28 → mcp-fixture-alb on 3011/tcp (agent group ops)",
        "high: retention of /mcp/fixture/mcp-server changed from 365 to 90 days",
        "high: secret removed: mcp/fixture/model-api-key (whoever reads it fails; a scheduled deletion starts)",
        "high: rotation of mcp/fixture/mcp-auth-secret changed from 30 to 60 days",
        "medium: secret added: mcp/fixture/gateway-jwt-secret, not rotated",
        "high: tier route now also from 10.20.9.0/28: 10.20.2.0/28, 10.20.9.0/28 → mcp-fixture-rw-4d5e6f (job_control, performance, risk high)",
        "critical: toolsets for monitoring changed from performance, sysadmin_discovery to config_management, performance (risk low → critical)",
      ]),
    );
    const order = ["critical", "high", "medium", "low"];
    expect(result.security.map((c) => order.indexOf(c.severity))).toEqual([...result.security.map((c) => order.indexOf(c.severity))].sort((a, b) => a - b));
  });

  test("lists resources added, removed and changed per stack, new stacks included", () => {
    const fixture = result.stacks.find((s) => s.stack === STACK)!;
    expect(fixture.status).toBe("changed");
    expect(fixture.added).toEqual(["aws_secretsmanager_secret.gateway_jwt", "aws_vpc_security_group_ingress_rule.open"]);
    expect(fixture.removed).toEqual(["aws_secretsmanager_secret.model"]);
    expect(fixture.changed.find((c) => c.address === "aws_cloudwatch_log_group.mcp")!.attributes).toEqual(["kms_key_id", "retention_in_days"]);
    expect(result.stacks.find((s) => s.stack === "mcp-new")).toMatchObject({ status: "added", added: ["aws_kms_key.k"] });
    expect(markdown).toContain("| mcp-new | added | 1 | 0 | 0 |");
  });

  test("says so when nothing security-relevant changed, and ignores key order and construct metadata", () => {
    const a = fixturePlan() as any;
    const b = clone(a);
    b.resource.aws_kms_key.key = { "//": { metadata: { path: "elsewhere" } }, rotation_period_in_days: 365, enable_key_rotation: true, description: "environment key" };
    const same = diffPlans({ plans: { x: a } }, { plans: { x: b } });
    expect(same.security).toEqual([]);
    expect(same.stacks[0].status).toBe("unchanged");
    expect(renderDiff(same, { before: "a", after: "b" })).toContain("_No security-relevant change._");
  });

  test("a removed stack is a high-severity change", () => {
    const gone = diffPlans({ plans: { x: fixturePlan() } }, { plans: {} });
    expect(gone.security).toEqual([{ severity: "high", kind: "stack", stack: "x", text: "stack x removed: everything it deploys is destroyed" }]);
    expect(gone.stacks[0]).toMatchObject({ status: "removed", removed: expect.arrayContaining(["aws_lb.alb"]) });
  });
});

test("ranges of one tier moving between listener rules (rules packed per tier) are no change of reach", () => {
  const before = fixturePlan() as any;
  const rules = before.resource.aws_lb_listener_rule;
  rules.capacity = { ...clone(rules.monitoring), priority: 3, condition: [{ source_ip: { values: ["10.20.3.0/28"] } }] };
  const packed = clone(before);
  delete packed.resource.aws_lb_listener_rule.capacity;
  packed.resource.aws_lb_listener_rule.monitoring.condition[0].source_ip.values.push("10.20.3.0/28");
  const tierChanges = (x: any, y: any) =>
    diffPlans({ plans: { [STACK]: x } }, { plans: { [STACK]: y } })
      .security.filter((c) => c.text.includes("tier route"))
      .map((c) => `${c.severity}: ${c.text}`);
  expect(tierChanges(before, packed)).toEqual([]);
  expect(tierChanges(packed, before)).toEqual(["low: tier route regrouped, same reach: 10.20.3.0/28 → mcp-fixture-ro-1a2b3c (performance, sysadmin_discovery, risk low)"]);
  // A range that reached another tier before is a new route all the same.
  const moved = clone(packed);
  moved.resource.aws_lb_listener_rule.ops.condition[0].source_ip.values.push("10.20.3.0/28");
  moved.resource.aws_lb_listener_rule.monitoring.condition[0].source_ip.values.pop();
  expect(tierChanges(packed, moved)).toEqual(["high: tier route now also from 10.20.3.0/28: 10.20.2.0/28, 10.20.3.0/28 → mcp-fixture-rw-4d5e6f (job_control, performance, risk high)", "low: tier route no longer from 10.20.3.0/28"]);
});

test("a bucket that stops logging its access is a medium-severity change", () => {
  const before = shippedPlan("prod") as any;
  const after = clone(before);
  delete after.resource.aws_s3_bucket_logging;
  const { security } = diffPlans({ plans: { "mcp-prod": before } }, { plans: { "mcp-prod": after } });
  expect(security.map((c) => `${c.severity}: ${c.text}`)).toEqual(["medium: bucket mcp-prod-audit-123456789012-us-east-1 no longer logs access", "medium: bucket mcp-prod-jwks-123456789012-us-east-1 no longer logs access"]);
});

test("a new operator is a new writer of the secrets people put and a new reader of every token", () => {
  const before = synthStack(variant("prod", () => undefined)).plan;
  const after = synthStack(variant("prod", (c) => c.access.operators.push("arn:aws:iam::123456789012:role/mcp-prod-break-glass"))).plan;
  const { security } = diffPlans({ plans: { "mcp-prod": before } }, { plans: { "mcp-prod": after } });
  const added = "arn:aws:iam::123456789012:role/mcp-prod-break-glass";
  expect(
    security
      .filter((c) => c.text.includes(added))
      .map((c) => `${c.severity}: ${c.text}`)
      .sort(),
  ).toEqual([
    `high: mcp/prod/gateway-admin-password can now be written by ${added}`,
    `high: mcp/prod/gateway-encryption-secret can now be written by ${added}`,
    `high: mcp/prod/ibmi-service-credentials can now be written by ${added}`,
    `high: mcp/prod/model-api-key can now be written by ${added}`,
    `medium: mcp/prod/agent-token/monitoring can now be read by ${added}`,
    `medium: mcp/prod/agent-token/ops can now be read by ${added}`,
    `medium: mcp/prod/gateway-admin-password can now be read by ${added}`,
    `medium: mcp/prod/ibmi-service-credentials can now be read by ${added}`,
    `medium: mcp/prod/model-api-key can now be read by ${added}`,
  ]);
});
