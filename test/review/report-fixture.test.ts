import { extractFacts, Facts } from "../../review/facts";
import { renderReport, reviewStack } from "../../review/report";
import { FIXTURE_POLICY, fixturePlan } from "./fixture";

/** The table rows of one section ("## 2. Secrets" …) of a report. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe("report of the fixture plan", () => {
  let facts: Facts;
  let markdown: string;
  beforeAll(() => {
    facts = extractFacts("mcp-fixture", fixturePlan());
    markdown = renderReport("mcp-fixture", fixturePlan(), { policy: FIXTURE_POLICY, source: "fixtures/plan.json" });
  });

  test("matches the snapshot", () => {
    expect(markdown).toMatchSnapshot();
  });

  test("is deterministic and carries no timestamp", () => {
    expect(renderReport("mcp-fixture", fixturePlan(), { policy: FIXTURE_POLICY, source: "fixtures/plan.json" })).toBe(markdown);
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  test("names the agent group of each source on 3010 and what the rule is attached to", () => {
    const ops = facts.ingress.find((f) => f.peer === "10.20.2.0/28")!;
    expect(ops).toMatchObject({ agentGroup: "ops", ports: "3010", groupLabel: "mcp-fixture-alb", flags: [] });
    expect(facts.groups.find((g) => g.label === "mcp-fixture-alb")!.attachedTo).toEqual(["load balancer mcp-fixture"]);
    expect(facts.groups.find((g) => g.label === "mcp-fixture-tasks")!.attachedTo).toEqual(["ECS service mcp-fixture-ro", "ECS service mcp-fixture-rw"]);
    expect(facts.ingress.find((f) => f.peer === "sg-0123456789abcdef0")).toMatchObject({ peerKind: "security-group", agentGroup: "batch" });
    const plan = fixturePlan() as any;
    plan.resource.aws_efs_mount_target = { m: { file_system_id: "${aws_efs_file_system.fs.id}", security_groups: ["${aws_security_group.alb.id}"] } };
    expect(extractFacts("mcp-fixture", plan).groups.find((g) => g.label === "mcp-fixture-alb")!.attachedTo).toEqual(["EFS mount target", "load balancer mcp-fixture"]);
  });

  test("follows container secrets to the Secrets Manager entries, never printing a value", () => {
    const ibmi = facts.secrets.find((s) => s.name === "mcp/fixture/ibmi-service-credentials")!;
    expect(ibmi.readers).toEqual(["mcp-fixture-ro/ibmi-mcp-server as DB2i_PASS", "mcp-fixture-ro/ibmi-mcp-server as DB2i_USER"]);
    expect(ibmi.grantees).toEqual(["mcp-fixture-execution"]);
    expect(ibmi.kmsKey).toBe("alias/mcp-fixture");
    expect(ibmi.alerts).toEqual(["mcp-fixture-stale-secrets (aws_cloudwatch_metric_alarm.stale)"]);
    expect(facts.secrets.find((s) => s.name === "mcp/fixture/mcp-auth-secret")!.rotation).toEqual({ address: "aws_secretsmanager_secret_rotation.auth", days: 30, schedule: undefined });
  });

  test("flags a secret without a customer key and a rotation above 90 days", () => {
    const secrets = section(markdown, "2. Secrets");
    const row = secrets.split("\n").find((l) => l.includes("agent-token/ops"))!;
    expect(row).toContain("aws/secretsmanager (AWS managed)");
    expect(row).toContain("**high** not encrypted with a customer-managed key");
    expect(row).toContain("rotates every 120 days (&gt; 90)");
  });

  test("reads TLS policies, their TLS floor and the certificate source", () => {
    const [mcp, gateway] = [facts.listeners.find((l) => l.port === 3010)!, facts.listeners.find((l) => l.port === 4444)!];
    expect(mcp).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", minTls: "1.2", defaultAction: "fixed response 403", flags: [] });
    expect(mcp.certificate).toMatch(/^self-signed \(tls provider tls_self_signed_cert\.cert, valid 90 days\)/);
    expect(gateway).toMatchObject({ minTls: "1.3", certificate: "existing ACM certificate arn:aws:acm:us-east-1:123456789012:certificate/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d" });
  });

  test("reads plans written with the older aws_alb* type names", () => {
    const plan = JSON.parse(
      JSON.stringify(fixturePlan())
        .replace(/aws_lb_listener_rule/g, "aws_alb_listener_rule")
        .replace(/"aws_lb":/g, '"aws_alb":')
        .replace(/aws_lb\.alb/g, "aws_alb.alb"),
    );
    const f = extractFacts("mcp-fixture", plan);
    expect(f.listeners.find((l) => l.port === 3010)).toMatchObject({ loadBalancer: "mcp-fixture", minTls: "1.2" });
    expect(f.tiers).toHaveLength(2);
  });

  test("builds the tier table from listener rules, target groups and SELECTED_TOOLSETS", () => {
    expect(facts.tiers.map((t) => [t.agentGroups.join(), t.sources.join(), t.targetGroup, t.toolsets.join(), t.risk, t.readOnlySql])).toEqual([
      ["monitoring", "10.20.1.0/28", "mcp-fixture-ro-1a2b3c", "performance,sysadmin_discovery", "low", "true"],
      ["ops", "10.20.2.0/28", "mcp-fixture-rw-4d5e6f", "job_control,performance", "high", "false"],
    ]);
    expect(markdown).toContain("- Any other source on mcp-fixture:3010: fixed response 403.");
    const plan = fixturePlan() as any;
    plan.resource.aws_lb_listener_rule.ops.condition[0].source_ip.values.push("10.99.0.0/16");
    const wider = extractFacts("mcp-fixture", plan).tiers.find((t) => t.sources.includes("10.99.0.0/16"))!;
    expect(wider).toMatchObject({ agentGroups: ["?", "ops"], flags: [{ severity: "medium", text: "10.99.0.0/16 is in no agent group's ingress rule" }] });
  });

  test("names a rule's groups from its agent-group tag: one name (plans from before packing) or several, space-separated", () => {
    const plan = fixturePlan() as any;
    const rules = plan.resource.aws_lb_listener_rule;
    rules.ops.tags = { "agent-group": "ops" };
    // A rule packing two groups of one tier (lib/tiers.ts routingRules); capacity has no ingress rule in this plan,
    // so only the tag can name it.
    rules.monitoring.condition[0].source_ip.values.push("10.20.3.0/28");
    rules.monitoring.tags = { "agent-group": "monitoring capacity" };
    const agents = [
      { name: "monitoring", cidrs: ["10.20.1.0/28"], toolsets: ["performance", "sysadmin_discovery"], readOnly: true },
      { name: "capacity", cidrs: ["10.20.3.0/28"], toolsets: ["performance"], readOnly: true },
      { name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["job_control", "performance"], readOnly: false },
    ];
    const tiers = reviewStack("mcp-fixture", plan, { context: { agents } }).facts.tiers;
    expect(tiers.map((t) => [t.agentGroups, t.sources, t.flags])).toEqual([
      [["capacity", "monitoring"], ["10.20.1.0/28", "10.20.3.0/28"], [{ severity: "high", text: "config grants capacity performance" }]],
      [["ops"], ["10.20.2.0/28"], []],
    ]);
  });

  test("a read-only agent group routed to high-risk toolsets is critical, and the checklist says so", () => {
    const agents = [
      { name: "monitoring", cidrs: ["10.20.1.0/28"], toolsets: ["performance", "sysadmin_discovery"], readOnly: true },
      { name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["job_control", "performance"], readOnly: true },
    ];
    const review = reviewStack("mcp-fixture", fixturePlan(), { context: { agents } });
    expect(review.facts.tiers.find((t) => t.agentGroups.includes("ops"))!.flags).toEqual([{ severity: "critical", text: "read-only agent group reaches high-risk toolsets" }]);
    expect(review.markdown.split("\n").find((l) => l.startsWith("| No destructive operations in monitoring agents"))).toContain("| ❌ not met | ops reach job\\_control, performance |");
    const granted = reviewStack("mcp-fixture", fixturePlan(), { context: { agents: [agents[0], { ...agents[1], readOnly: false, allowCritical: true, reason: "change-window automation | CHG-1234" }] } });
    expect(granted.markdown).toContain("- Agent group **ops** may use critical toolsets: change-window automation \\| CHG-1234");
    expect(granted.markdown.split("\n").find((l) => l.startsWith("| No destructive operations in monitoring agents"))).toContain("| ✅ met | monitoring: read-only tier, highest risk low");
  });

  test("lists the tools each group can call from the catalogue recorded in the plan, and flags a server without TOOLS_YAML_PATH", () => {
    expect(facts.tiers.map((t) => [t.agentGroups.join(), t.tools!.map((x) => `${x.name}${x.destructive ? "!" : x.readOnly ? "" : "+"}`).join(",")])).toEqual([
      ["monitoring", "describe_sql_object,system_identity,top_cpu_jobs"],
      ["ops", "describe_sql_object,hold_job+,top_cpu_jobs"],
    ]);
    expect(markdown).toContain("| **ops** | `mcp-fixture-rw-4d5e6f` | 3 | `describe_sql_object`, `top_cpu_jobs` | `hold_job` | none |");
    const plan = fixturePlan() as any;
    plan.resource.aws_ecs_task_definition.rw.container_definitions = plan.resource.aws_ecs_task_definition.rw.container_definitions.replace(/\{"name":"TOOLS_YAML_PATH","value":"\/app\/tools"\},/, "");
    const ops = extractFacts("mcp-fixture", plan).tiers.find((t) => t.agentGroups.includes("ops"))!;
    expect([ops.toolsYaml, ops.tools!.map((x) => x.name), ops.flags]).toEqual([false, ["describe_sql_object"], [{ severity: "high", text: "no TOOLS_YAML_PATH: the server loads no IBM i tool of its toolsets, only its built-in ones" }]]);
    // A plan that records no catalogue (not synthesized by this kit): tools unknown, risk unknown.
    delete plan["//"].policy;
    expect(extractFacts("mcp-fixture", plan).tiers.map((t) => [t.tools, t.risk])).toEqual([
      [undefined, "unknown"],
      [undefined, "unknown"],
    ]);
  });

  test("lists log groups, the bucket's controls and where alerts go", () => {
    const logs = section(markdown, "4. Logs and retention");
    expect(logs).toMatch(/`\/mcp\/fixture\/vpc-flow-logs` .* \| 30 days \| CloudWatch Logs default encryption/);
    expect(facts.buckets[0]).toMatchObject({ versioning: "Enabled", encryption: "SSE-KMS with alias/mcp-fixture", expirationDays: 365, noncurrentDays: 365, publicAccessBlocked: 4, tlsOnly: true, accessLogging: "off" });
    expect(logs).toContain("email: secops@example.com");
    expect(facts.alarms.find((a) => a.name === "mcp-fixture-destructive-tool-calls")).toMatchObject({
      condition: "Sum ≥ 1 over 300 s",
      topics: ["mcp-fixture-security-alerts"],
      source: "filter mcp-fixture-destructive-tool-calls on /mcp/fixture/mcp-server",
    });
  });

  test("shows policy results with suppressions and escapes pipes inside cells", () => {
    const policy = section(markdown, "6. Policy result");
    expect(policy.indexOf("MCP-LOG-001")).toBeLessThan(policy.indexOf("MCP-TLS-001"));
    expect(policy).toContain("| `MCP-SEC-002` | `aws_secretsmanager_secret.token_ops` | The agent vendor accepts one token change per quarter \\| approved in CHG-1234 | resource |");
    expect(markdown).toContain("Tasks from the load balancer \\| 3010");
  });

  test("flags on a resource whose finding is suppressed are shown as accepted, not open", () => {
    const { summary, markdown: md } = reviewStack("mcp-fixture", fixturePlan(), { policy: FIXTURE_POLICY });
    expect(summary.accepted).toBe(2);
    expect(summary.flags).toEqual({ critical: 0, high: 1, medium: 1, low: 0 });
    expect(md).toContain("| **high** | `aws_secretsmanager_secret.token_ops` | rotates every 120 days (&gt; 90) | suppressed `MCP-SEC-002` (see Policy result) |");
    expect(reviewStack("mcp-fixture", fixturePlan()).summary).toMatchObject({ accepted: 0, flags: { high: 3 } });
  });

  test("a failing policy rule that backs a checklist item turns it to not met", () => {
    const { markdown: md } = reviewStack("mcp-fixture", fixturePlan(), { policy: FIXTURE_POLICY });
    const row = md.split("\n").find((l) => l.startsWith("| Log retention policy defined (90+ days)"))!;
    expect(row).toContain("❌ not met");
    expect(row).toContain("MCP-LOG-001 fail");
  });

  test("flags an ingress rule open to every address, and one not in the config", () => {
    const plan = fixturePlan() as any;
    plan.resource.aws_vpc_security_group_ingress_rule.open = { security_group_id: "${aws_security_group.alb.id}", cidr_ipv4: "0.0.0.0/0", from_port: 3010, to_port: 3010, ip_protocol: "tcp", description: "debugging" };
    const review = reviewStack("mcp-fixture", plan, { context: { agents: [{ name: "monitoring", cidrs: ["10.20.1.0/28"], toolsets: ["performance"], readOnly: true }], egressCidrs: ["10.51.0.0/24"] } });
    expect(review.facts.egress.find((f) => f.peer === "10.50.0.0/24")!.flags).toEqual([{ severity: "medium", text: "destination not in the config (network.ibmi.cidr)" }]);
    const open = review.facts.ingress.find((f) => f.peer === "0.0.0.0/0")!;
    expect(open.flags.map((f) => f.text)).toEqual(["open to every address (0.0.0.0/0)", "names no agent group in its description", "not an agent range in the config"]);
    expect(review.facts.ingress.find((f) => f.peer === "10.20.2.0/28")!.flags.map((f) => f.text)).toEqual(["not an agent range in the config"]);
    expect(review.summary.flags.critical).toBe(1);
    expect(review.markdown).toMatch(/### Flags\n\n\| Severity \| Where \| What \| Accepted \|\n\|---\|---\|---\|---\|\n\| \*\*critical\*\* \| `ingress aws_vpc_security_group_ingress_rule\.open` \| open to every address/);
    expect(review.markdown).toMatch(/classDef flagged/);
  });
});
