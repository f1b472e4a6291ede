/**
 * The deployability pack on the kit's own stacks: every shipped environment passes, the longest names a config
 * allows still fit, and each known trap, introduced into the synthesized prod plan the way a construct change
 * would, fails with its rule id, the resource address and the fix.
 */
import { RETENTION_DAYS } from "../../../config/schema";
import { DEPLOY_PACK } from "../../../policy/deploy/index";
import { CLOUDWATCH_RETENTION_DAYS } from "../../../policy/deploy/mcp-deploy-006";
import { checkStack, formatViolations } from "../../../policy/engine";
import { TerraformJson } from "../../../policy/types";
import { resources, synthStack, variant } from "../../helpers";
import { shippedPlan } from "../../plans";

let prod: TerraformJson;
let longest: TerraformJson;

beforeAll(() => {
  // dev and staging pass through the synth pipeline's own tests (test/policy/synth.test.ts runs every pack).
  prod = shippedPlan("prod");
  // The longest names a config can ask for: a 12-character environment (config/schema.ts) and 24-character agent groups.
  longest = synthStack(
    variant("prod", (c) => {
      c.environment = "abcdefghijkl";
      c.agents[0].name = "a".repeat(24);
      c.agents[1].name = "b".repeat(23) + "c";
    }),
  ).plan;
});

/** Runs the pack and returns the failing rule ids with their violation lines. */
function failures(plan: TerraformJson): Record<string, string[]> {
  const result = checkStack("mcp-test", plan, {}, [DEPLOY_PACK]);
  return Object.fromEntries(result.results.filter((r) => r.verdict === "fail").map((r) => [r.rule.id, r.violations.map((v) => `${v.address}: ${v.message}`)]));
}

/** The address of the one resource of `type` whose construct path ends with `suffix`. */
function at(plan: TerraformJson, type: string, suffix: string): [string, any] {
  const found = resources(plan, type).filter(([, r]) => String(r["//"]?.metadata?.path ?? "").endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at */${suffix}, found ${found.length}`);
  return found[0];
}

function copy(plan: TerraformJson): any {
  return JSON.parse(JSON.stringify(plan));
}

/** Edits the JSON policy string of a resource in place. */
function editPolicy(body: any, attr: string, edit: (doc: any) => void): void {
  const doc = JSON.parse(body[attr]);
  edit(doc);
  body[attr] = JSON.stringify(doc);
}

function body(plan: any, address: string): any {
  const [type, name] = address.split(".");
  return plan.resource[type][name];
}

const dropStatement = (sid: string) => (doc: any) => (doc.Statement = doc.Statement.filter((s: any) => s.Sid !== sid));

describe("the deployability pack on the shipped stacks", () => {
  it("passes prod, with every rule applicable to it", () => {
    expect(failures(prod)).toEqual({});
    const verdicts = checkStack("mcp-prod", prod, {}, [DEPLOY_PACK]).results.map((r) => `${r.rule.id} ${r.verdict}`);
    // MCP-DEPLOY-020 judges databases and caches: not applicable exactly while the plan has neither.
    const data = ["aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group"].some((t) => prod.resource?.[t]);
    expect(verdicts.filter((v) => !v.endsWith(" pass"))).toEqual(data ? [] : ["MCP-DEPLOY-020 not-applicable"]);
  });

  it("passes the longest environment and agent names a config allows", () => {
    expect(failures(longest)).toEqual({});
    const names = resources(longest, "aws_lb_target_group").map(([, r]) => r.name);
    expect(Math.max(...names.map((n: string) => n.length))).toBeLessThanOrEqual(32);
  });

  it("agrees with the config's retention list (config/schema.ts) from 90 days up", () => {
    expect([...RETENTION_DAYS]).toEqual(CLOUDWATCH_RETENTION_DAYS.filter((d) => d >= 90));
  });
});

describe("each trap introduced into the prod plan fails its rule", () => {
  const cases: [string, string, (p: any) => string][] = [
    [
      "MCP-DEPLOY-001",
      "a key policy without its administrator",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("AccountAdministersKey"));
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-002",
      "a key policy that forgets CloudWatch Logs",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("CloudWatchLogsEncryptsThisAccountsLogGroups"));
        return at(p, "aws_cloudwatch_log_group", "audit-logs/mcp-server")[0];
      },
    ],
    [
      "MCP-DEPLOY-003",
      "a key policy that forgets CloudWatch alarms",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("CloudWatchAlarmsPublishToEncryptedTopic"));
        return at(p, "aws_sns_topic", "alerts/topic")[0];
      },
    ],
    [
      "MCP-DEPLOY-004",
      "a key policy that forgets the rotation function's role",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("RotationFunctionThroughSecretsManager"));
        return at(p, "aws_iam_role", "secrets/rotation/role/role")[0];
      },
    ],
    [
      "MCP-DEPLOY-004",
      "a key policy that forgets the gateway's execution role (it reads CMK secrets)",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("ReadSecretsGatewayExecutionRole"));
        return at(p, "aws_iam_role", "gateway/execution-role/role")[0];
      },
    ],
    [
      "MCP-DEPLOY-004",
      "a key policy that forgets the Firehose role (it writes the SSE-KMS audit bucket)",
      (p) => {
        const [addr] = at(p, "aws_kms_key", "encryption-key/key");
        editPolicy(body(p, addr), "policy", dropStatement("AuditFirehoseWritesThroughS3"));
        return at(p, "aws_iam_role", "firehose-role/role")[0];
      },
    ],
    [
      "MCP-DEPLOY-005",
      "an SSE-KMS access-log bucket",
      (p) => {
        const [, enc] = at(p, "aws_s3_bucket_server_side_encryption_configuration", "access-logs-bucket/encryption");
        enc.rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "aws:kms" };
        return at(p, "aws_s3_bucket", "audit-logs/access-logs-bucket/bucket")[0];
      },
    ],
    [
      "MCP-DEPLOY-006",
      "a retention CloudWatch refuses",
      (p) => {
        const [addr, g] = at(p, "aws_cloudwatch_log_group", "audit-logs/gateway");
        g.retention_in_days = 100;
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-007",
      "a Fargate size that does not exist",
      (p) => {
        const [addr, td] = at(p, "aws_ecs_task_definition", "gateway/task");
        td.memory = "3000";
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-008",
      "a target group name over 32 characters",
      (p) => {
        const [addr, tg] = at(p, "aws_lb_target_group", "load-balancer/target-gateway");
        tg.name = "mcp-production-gateway-targets-1x";
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-009",
      "a container image on ghcr.io, which the isolated tasks cannot reach",
      (p) => {
        const [addr, td] = at(p, "aws_ecs_task_definition", "gateway/task");
        td.container_definitions = JSON.stringify(JSON.parse(td.container_definitions).map((c: any) => ({ ...c, image: "ghcr.io/ibm/mcp-context-forge:v0.7.0" })));
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-010",
      "an interface endpoint without private DNS",
      (p) => {
        const [addr, ep] = at(p, "aws_vpc_endpoint", "network/endpoint-ecr-dkr");
        ep.private_dns_enabled = false;
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-011",
      "rotation without Secrets Manager's invoke permission",
      (p) => {
        const removed: string[] = [];
        for (const [addr] of resources(p, "aws_lambda_permission")) {
          if (body(p, addr).principal !== "secretsmanager.amazonaws.com") continue;
          delete p.resource.aws_lambda_permission[addr.split(".")[1]];
          removed.push(addr);
        }
        // A plan written without the permission has no depends_on on it either (MCP-DEPLOY-016 would flag one).
        for (const [addr, r] of resources(p, "aws_secretsmanager_secret_rotation")) if (r.depends_on) body(p, addr).depends_on = r.depends_on.filter((d: string) => !removed.includes(d));
        return at(p, "aws_secretsmanager_secret_rotation", "secrets/rotation-gateway-jwt-secret")[0];
      },
    ],
    [
      "MCP-DEPLOY-012",
      "a rotation function whose group may not reach the endpoint",
      (p) => {
        const rotationGroup = at(p, "aws_security_group", "secrets/rotation/security-group/group")[0];
        const removed = new Set<string>();
        for (const [addr, r] of resources(p, "aws_vpc_security_group_egress_rule")) {
          if (r.security_group_id !== `\${${rotationGroup}.id}`) continue;
          delete p.resource.aws_vpc_security_group_egress_rule[addr.split(".")[1]];
          removed.add(addr);
        }
        // What ran after the rule (MCP-DEPLOY-018 ordering) now simply runs after nothing there.
        for (const byName of Object.values(p.resource) as Record<string, any>[]) for (const r of Object.values(byName)) if (Array.isArray(r.depends_on)) r.depends_on = r.depends_on.filter((d: string) => !removed.has(d));
        return at(p, "aws_lambda_function", "secrets/rotation/function")[0];
      },
    ],
    [
      "MCP-DEPLOY-013",
      "a flow-log role other services assume",
      (p) => {
        const [, role] = at(p, "aws_iam_role", "network/flow-log-role/role");
        role.assume_role_policy = role.assume_role_policy.replace("vpc-flow-logs.amazonaws.com", "ec2.amazonaws.com");
        return at(p, "aws_flow_log", "network/flow-log")[0];
      },
    ],
    [
      "MCP-DEPLOY-014",
      "a service behind the load balancer without grace period",
      (p) => {
        const [addr, svc] = at(p, "aws_ecs_service", "gateway/service");
        delete svc.health_check_grace_period_seconds;
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-015",
      "local state inside cdktf.out",
      (p) => {
        p.terraform.backend = { local: { path: "terraform.tfstate" } };
        return "terraform.backend";
      },
    ],
    [
      "MCP-DEPLOY-016",
      "a reference to a resource of another stack",
      (p) => {
        const [addr, svc] = at(p, "aws_ecs_service", "gateway/service");
        svc.cluster = "${aws_ecs_cluster.cluster_cluster_IN_MCP_STAGING.arn}";
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-017",
      "the gateway not waiting for its generated secrets",
      (p) => {
        const [addr, svc] = at(p, "aws_ecs_service", "gateway/service");
        svc.depends_on = svc.depends_on.filter((d: string) => !/^aws_(secretsmanager_secret_rotation|lambda_invocation)\./.test(d));
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-018",
      "a first rotation that may run before the VPC endpoints exist",
      (p) => {
        const [addr, rotation] = at(p, "aws_secretsmanager_secret_rotation", "secrets/rotation-gateway-jwt-secret");
        rotation.depends_on = rotation.depends_on.filter((d: string) => !/^aws_(vpc_endpoint|route_table_association|vpc_security_group_(ingress|egress)_rule)\./.test(d));
        return addr;
      },
    ],
    [
      "MCP-DEPLOY-019",
      "61 agent ranges on one load balancer security group",
      (p) => {
        const [addr] = at(p, "aws_security_group", "agent-access/load-balancer/group");
        const rules = p.resource.aws_vpc_security_group_ingress_rule;
        const have = Object.values(rules).filter((r: any) => r.security_group_id === `\${${addr}.id}`).length;
        for (let i = have; i <= 60; i++) rules[`extra_${i}`] = { security_group_id: `\${${addr}.id}`, cidr_ipv4: `10.200.${i}.0/28`, from_port: 3010, to_port: 3010, ip_protocol: "tcp", description: "MCP from agent group extra" };
        return addr;
      },
    ],
  ];

  it.each(cases)("%s: %s", (id, _what, introduce) => {
    const plan = copy(prod);
    const address = introduce(plan);
    const failed = failures(plan);
    expect(Object.keys(failed)).toEqual([id]);
    expect(failed[id].some((l) => l.startsWith(`${address}: `))).toBe(true);
    // As synth and npm run check print it: rule id, address, what is wrong, the fix with its AWS page.
    const line = formatViolations(checkStack("mcp-prod", plan, {}, [DEPLOY_PACK])).find((l) => l.startsWith(`${id} ${address}: `));
    expect(line).toMatch(/\. Fix: .*https:\/\/(docs\.aws\.amazon\.com|developer\.hashicorp\.com)\//);
  });
});
