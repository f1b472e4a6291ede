import { Testing } from "cdktf";
import { evaluate, checkStack, formatViolations, resolveContext, rulesOf, PolicyError } from "../../policy/engine";
import { SECURITY_PACK } from "../../policy/rules/index";
import { rule as net001 } from "../../policy/rules/mcp-net-001";
import { rule as net004 } from "../../policy/rules/mcp-net-004";
import { suppress } from "../../policy/suppress";
import { policyContextOf } from "../../app/policy-step";
import { Rule, TerraformJson } from "../../policy/types";
import { validateConfig } from "../../config/load";
import { McpStack } from "../../stacks/mcp-stack";
import { shippedConfigs, variant } from "../helpers";
import { shippedPlan } from "../plans";
import { lines, plan, ref } from "./fixtures";

const open = plan({
  aws_security_group: { alb: { description: "alb", ingress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"], description: "d" }] } },
  aws_vpc_security_group_ingress_rule: { r: { security_group_id: ref("aws_security_group.alb"), ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0", description: "d" } },
});

describe("the engine on every shipped environment", () => {
  const results = Object.values(shippedConfigs()).flatMap((config) => [
    checkStack(config.environment, shippedPlan(config.environment), policyContextOf(config)),
    checkStack(`${config.environment}-images`, shippedPlan(`${config.environment}-images`), policyContextOf(config)),
  ]);

  it.each(results.map((r) => [r.stack, r]))("%s passes every rule", (_name, r) => {
    expect(formatViolations(r)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it("applies every rule in prod and lists the accepted findings with their reasons", () => {
    const prod = results.find((r) => r.stack === "prod")!;
    const security = new Set(SECURITY_PACK.rules.map((r) => r.id));
    // The image repositories are in their own stack (stacks/images-stack.ts), which every rule that sees them passes.
    // Database and cache rules apply exactly when the plan holds an RDS database or an ElastiCache group.
    const data = (prefix: string, types: string[]) => (types.some((t) => shippedPlan("prod").resource?.[t]) ? [] : SECURITY_PACK.rules.map((r) => r.id).filter((id) => id.startsWith(prefix)));
    const dbIds = data("MCP-DB-", ["aws_db_instance", "aws_rds_cluster"]);
    const cacheIds = data("MCP-CACHE-", ["aws_elasticache_replication_group", "aws_elasticache_cluster"]);
    // MCP-DB-007 and MCP-DB-009 judge caches too.
    const dbNotApplicable = cacheIds.length === 0 ? dbIds.filter((id) => !["MCP-DB-007", "MCP-DB-009"].includes(id)) : dbIds;
    expect(prod.results.filter((r) => security.has(r.rule.id) && r.verdict === "not-applicable").map((r) => r.rule.id)).toEqual(["MCP-ECR-001", ...dbNotApplicable, ...cacheIds]);
    const images = results.find((r) => r.stack === "prod-images")!;
    expect(images.results.filter((r) => ["MCP-ECR-001", "MCP-PROD-001"].includes(r.rule.id)).map((r) => [r.rule.id, r.verdict])).toEqual([
      ["MCP-ECR-001", "pass"],
      ["MCP-PROD-001", "pass"],
    ]);
    expect(prod.results.flatMap((r) => r.suppressed.map((s) => `${r.rule.id} ${s.address} (${s.source})`))).toEqual([
      "MCP-NET-002 aws_vpc_security_group_ingress_rule.agent-access_tasks_in-3010-security-group_601777CF (resource)",
      "MCP-SEC-002 aws_secretsmanager_secret.gateway-cache_password_4B76CA9D (resource)",
      "MCP-SEC-002 aws_secretsmanager_secret.secrets_gateway-admin-password_59BC9D57 (resource)",
      "MCP-SEC-002 aws_secretsmanager_secret.secrets_gateway-encryption-secret_BA59C3FE (resource)",
      // The JWKS is read without credentials, so it cannot be SSE-KMS (constructs/jwks-bucket.ts).
      "MCP-S3-003 aws_s3_bucket.jwks_bucket_67588E23 (resource)",
      // The gateway runs 2 tasks on shared PostgreSQL and Valkey: MCP-PROD-004 passes without a suppression.
    ]);
  });

  it("leaves prod rules out of dev", () => {
    const dev = results.find((r) => r.stack === "dev")!;
    expect(dev.results.filter((r) => r.rule.id.startsWith("MCP-PROD-")).map((r) => r.verdict)).toEqual(Array(5).fill("not-applicable"));
  });
});

describe("suppressions", () => {
  it("declared in code travel in the resource's // metadata and turn the finding into a listed, passing one", () => {
    const app = Testing.app();
    const stack = new McpStack(app, shippedConfigs().dev);
    stack.access.loadBalancerGroup.group.addOverride("ingress", [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"], description: "test" }]);
    suppress(stack.access.loadBalancerGroup.group, "MCP-NET-001", "accepted for this test only, to see it listed");
    // As cdk.tf.json holds it: Testing.synth would strip the `//` metadata the suppression lives in.
    const p = JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
    const body = (p.resource as any).aws_security_group["agent-access_load-balancer_group_CBA6694E"];
    expect(body["//"].suppressions).toEqual({ "MCP-NET-001": "accepted for this test only, to see it listed" });
    const [r] = evaluate(p, {}, [net001]);
    expect(r.verdict).toBe("pass");
    expect(r.violations).toEqual([]);
    expect(r.suppressed).toEqual([{ address: "aws_security_group.agent-access_load-balancer_group_CBA6694E", message: "ingress[0] admits 0.0.0.0/0, i.e. every address", reason: "accepted for this test only, to see it listed", source: "resource" }]);
  });

  it("refuses a reason under 10 characters and a malformed rule id", () => {
    const stack = new McpStack(Testing.app(), shippedConfigs().dev);
    const g = stack.access.loadBalancerGroup.group;
    expect(() => suppress(g, "MCP-NET-001", "because")).toThrow('mcp-dev/agent-access/load-balancer/group: the reason for suppressing MCP-NET-001 must say why in at least 10 characters (got "because")');
    expect(() => suppress(g, "NET-1", "a long enough reason")).toThrow('mcp-dev/agent-access/load-balancer/group: "NET-1" is not a rule id (expected e.g. "MCP-NET-001")');
  });

  it("declared in config match by address or construct path, and each suppresses only its own rule and resource", () => {
    const p = structuredClone(open) as any;
    p.resource.aws_security_group.alb["//"] = { metadata: { path: "mcp-prod/agent-access/load-balancer/group" } };
    const results = evaluate(
      p,
      {
        suppressions: [
          { ruleId: "MCP-NET-001", address: "mcp-prod/agent-access/load-balancer/group", reason: "a public test entry point", source: "config" },
          { ruleId: "MCP-NET-004", address: "aws_vpc_security_group_ingress_rule.r", reason: "another rule entirely", source: "config" },
        ],
      },
      [net001],
    );
    expect(results[0].verdict).toBe("fail");
    expect(lines(results[0])).toEqual(["aws_vpc_security_group_ingress_rule.r: admits 0.0.0.0/0, i.e. every address"]);
    expect(results[0].suppressed.map((s) => `${s.address} ${s.source} ${s.reason}`)).toEqual(["aws_security_group.alb config a public test entry point"]);
  });

  it("warns about suppressions that match nothing or are malformed, and does not apply malformed ones", () => {
    const p = structuredClone(open) as any;
    p.resource.aws_vpc_security_group_ingress_rule.r["//"] = { suppressions: { "MCP-NET-001": "short" } };
    const r = checkStack("t", p, { suppressions: [{ ruleId: "MCP-NET-004", address: "aws_security_group.alb", reason: "nothing is wrong here", source: "config" }] }, [{ name: "t", rules: [net001, net004] }]);
    expect(r.results[0].violations).toHaveLength(2);
    expect(r.warnings).toEqual([
      'aws_vpc_security_group_ingress_rule.r: the reason for suppressing MCP-NET-001 must say why in at least 10 characters (got "short"); the suppression is ignored',
      "suppression of MCP-NET-004 on aws_security_group.alb (config) matched no finding; remove it",
    ]);
  });

  it("are validated in config with the JSON path and a fix", () => {
    const c = variant(
      "dev",
      (x) =>
        (x.suppressions = [
          { rule: "NET-1", address: "aws_lb.x", reason: "short" },
          { rule: "MCP-NET-001", address: "not an address", reason: "a real reason here" },
        ]),
    );
    const { problems } = validateConfig(c, "config/dev.json");
    expect(problems.map((p) => `${p.path}: ${p.problem}. Fix: ${p.fix}`)).toEqual([
      'suppressions[0].rule: is not a policy rule id. Fix: write the id from docs/policy.md, e.g. "MCP-NET-004"',
      "suppressions[0].reason: is too short to explain anything. Fix: say in a sentence (10 characters or more) why the finding is accepted",
      'suppressions[1].address: is not a resource address or construct path. Fix: copy the address from the policy output, e.g. "aws_security_group.agent-access_tasks_group_8182DB43"',
    ]);
  });

  it("declared in config reach the rules through policyContextOf", () => {
    const c = variant("dev", (x) => (x.suppressions = [{ rule: "MCP-NET-004", address: "aws_security_group.x", reason: "documented exception" }]));
    const { config } = validateConfig(c, "config/dev.json");
    expect(policyContextOf(config!).suppressions).toEqual([{ ruleId: "MCP-NET-004", address: "aws_security_group.x", reason: "documented exception", source: "config" }]);
  });
});

describe("engine", () => {
  it("fails a rule that crashes instead of passing it", () => {
    const boom: Rule = {
      id: "MCP-TEST-001",
      title: "t",
      severity: "low",
      references: [],
      remediation: "r",
      check: () => {
        throw new Error("cannot read");
      },
    };
    const [r] = evaluate(plan({}), {}, [boom]);
    expect(r.verdict).toBe("fail");
    expect(lines(r)).toEqual(["(plan): the rule could not evaluate the plan: cannot read"]);
  });

  it("runs several packs in order and refuses duplicate rule ids", () => {
    const deploy: Rule = { id: "MCP-DEPLOY-999", title: "t", severity: "low", references: [], remediation: "r", check: () => ({ applicable: true, violations: [] }) };
    const r = checkStack("s", open, {}, [SECURITY_PACK, { name: "deploy", rules: [deploy] }]);
    expect(r.results.map((x) => x.rule.id).slice(-1)).toEqual(["MCP-DEPLOY-999"]);
    expect(r.results).toHaveLength(SECURITY_PACK.rules.length + 1);
    expect(() => rulesOf([SECURITY_PACK, { name: "again", rules: [net001] }])).toThrow('rule MCP-NET-001 is in pack "again" and in pack "security"; rule ids must be unique');
  });

  it("resolves the stage from the caller, the plan's recorded context, or the provider's default tags", () => {
    const tagged = { ...open, provider: { aws: [{ default_tags: [{ tags: { environment: "staging" } }] }] } };
    expect(resolveContext(tagged).stage).toBe("staging");
    expect(resolveContext({ ...tagged, provider: { aws: { default_tags: { tags: { stage: "prod", environment: "blue" } } } } }).stage).toBe("prod");
    expect(resolveContext({ ...tagged, "//": { policy: { stage: "prod", agentCidrs: ["10.0.0.0/28"] } } } as TerraformJson)).toMatchObject({ stage: "prod", agentCidrs: ["10.0.0.0/28"] });
    expect(resolveContext(tagged, { stage: "dev" }).stage).toBe("dev");
    expect(resolveContext({ ...tagged, provider: { aws: [{ default_tags: [{ tags: { environment: "blue" } }] }] } }).stage).toBeUndefined();
  });

  it("has a unique id, title, severity and remediation for every security rule", () => {
    const ids = SECURITY_PACK.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SECURITY_PACK.rules) {
      expect(r.id).toMatch(/^MCP-(NET|LB|ECS|ECR|SEC|LOG|S3|SNS|DB|CACHE|IAM|PROD)-\d{3}$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.remediation.length).toBeGreaterThan(10);
    }
  });

  it("formats a failure with rule id, address, problem and fix", () => {
    const r = checkStack("mcp-x", open, {}, [{ name: "t", rules: [net001] }]);
    const e = new PolicyError([r]);
    expect(e.message).toBe(
      [
        "policy check failed: 2 violations in mcp-x:",
        `  - mcp-x: MCP-NET-001 aws_security_group.alb: ingress[0] admits 0.0.0.0/0, i.e. every address. Fix: ${net001.remediation}`,
        `  - mcp-x: MCP-NET-001 aws_vpc_security_group_ingress_rule.r: admits 0.0.0.0/0, i.e. every address. Fix: ${net001.remediation}`,
      ].join("\n"),
    );
  });
});
