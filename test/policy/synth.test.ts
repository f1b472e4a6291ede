/**
 * Breaking an invariant inside a construct (through an escape hatch, as a careless change would) makes the synth
 * pipeline fail with the rule id, the resource address and the fix, and write nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformResource } from "cdktf";
import { IConstruct } from "constructs";
import { PolicyError } from "../../policy/engine";
import { synthesize } from "../../app/synth";
import type { McpStack } from "../../stacks/mcp-stack";
import { ServiceRole } from "../../constructs/service-role";
import { CONFIG_DIR } from "../helpers";
import { readTree } from "../files";

// The pipeline builds its own stacks; this lets a test reach into them after construction, before synth.
let mockBreak: ((stack: McpStack) => void) | undefined;
jest.mock("../../stacks/mcp-stack", () => {
  const actual = jest.requireActual("../../stacks/mcp-stack");
  class BreakableStack extends actual.McpStack {
    constructor(scope: any, config: any) {
      super(scope, config);
      if (config.environment === "prod") mockBreak?.(this as unknown as McpStack);
    }
  }
  return { ...actual, McpStack: BreakableStack };
});

function at(stack: McpStack, suffix: string): IConstruct {
  const found = stack.node.findAll().filter((c) => c.node.path.endsWith(`/${suffix}`));
  if (found.length !== 1) throw new Error(`expected one construct at */${suffix}, found ${found.length}`);
  return found[0];
}
const override = (suffix: string, key: string, value: unknown) => (stack: McpStack) => (at(stack, suffix) as TerraformResource).addOverride(key, value);

describe("synth with the policy", () => {
  let work: string;
  let outdir: string;
  let before: Record<string, string>;
  let prodOnly: string;
  const log: string[] = [];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "policy-synth-"));
    outdir = path.join(work, "cdktf.out");
    synthesize({ configDir: CONFIG_DIR, outdir, policy: { log: (l) => log.push(l) } });
    before = readTree(outdir);
    prodOnly = path.join(work, "prod-only");
    fs.mkdirSync(prodOnly);
    fs.copyFileSync(path.join(CONFIG_DIR, "prod.json"), path.join(prodOnly, "prod.json"));
  });
  afterEach(() => (mockBreak = undefined));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("writes the shipped stacks and logs one summary line per stack", () => {
    expect(
      Object.keys(before)
        .filter((f) => f.endsWith("cdk.tf.json"))
        .sort(),
    ).toEqual(["stacks/mcp-dev-images/cdk.tf.json", "stacks/mcp-dev/cdk.tf.json", "stacks/mcp-prod-images/cdk.tf.json", "stacks/mcp-prod/cdk.tf.json", "stacks/mcp-staging-images/cdk.tf.json", "stacks/mcp-staging/cdk.tf.json"]);
    // Each environment's image repositories come first (they are applied first); every rule that sees them passes.
    // The auth canary's 3010 rule on the tasks' group is one suppressed MCP-NET-002 finding per stack (constructs/auth-canary.ts),
    // the two generated-once gateway secrets one MCP-SEC-002 each, and in staging and prod the gateway cache's password;
    // in oauth mode (staging, prod) the JWKS bucket's SSE-S3 one MCP-S3-003 (constructs/jwks-bucket.ts: anonymous
    // readers cannot use KMS).
    expect(log.map((l) => l.replace(/\d+ passed/, "N passed").replace(/\d+ not applicable/, "M not applicable"))).toEqual([
      "policy mcp-dev-images: N passed, 0 failed, M not applicable",
      "policy mcp-dev: N passed, 0 failed, M not applicable, 3 suppressed",
      "policy mcp-prod-images: N passed, 0 failed, M not applicable",
      "policy mcp-prod: N passed, 0 failed, M not applicable, 5 suppressed",
      "policy mcp-staging-images: N passed, 0 failed, M not applicable",
      "policy mcp-staging: N passed, 0 failed, M not applicable, 5 suppressed",
    ]);
  });

  /** Each breaks one invariant in one construct; the expected lines start with rule id and resource address. */
  const BREAKS: [string, (stack: McpStack) => void, string[]][] = [
    [
      "ingress from 0.0.0.0/0 on the load balancer's group",
      override("agent-access/load-balancer/group", "ingress", [{ protocol: "tcp", from_port: 3010, to_port: 3010, cidr_blocks: ["0.0.0.0/0"], description: "oops" }]),
      [
        "MCP-NET-001 aws_security_group.agent-access_load-balancer_group_CBA6694E: ingress[0] admits 0.0.0.0/0, i.e. every address. Fix: Admit only the agent or operator ranges",
        "MCP-NET-002 aws_security_group.agent-access_load-balancer_group_CBA6694E: ingress[0] admits 0.0.0.0/0 on port 3010, which is not an agent range",
      ],
    ],
    ["a public subnet", override("network/private-us-east-1a", "map_public_ip_on_launch", true), ["MCP-NET-005 aws_subnet.network_private-us-east-1a_E1039AEF: sets map_public_ip_on_launch = true. Fix: Set map_public_ip_on_launch = false"]],
    ["an internet-facing load balancer", override("load-balancer/lb", "internal", false), ["MCP-LB-001 aws_lb.load-balancer_lb_829A031F: sets internal = false: it is internet-facing. Fix: Set internal = true"]],
    ["a TLS 1.0 listener policy", override("load-balancer/mcp", "ssl_policy", "ELBSecurityPolicy-2016-08"), ["MCP-LB-004 aws_lb_listener.load-balancer_mcp_"]],
    [
      "an MCP listener that answers unknown sources 200 instead of refusing them",
      override("load-balancer/mcp", "default_action.0.fixed_response.status_code", "200"),
      ["MCP-LB-006 aws_lb_listener.load-balancer_mcp_FA5B4B20: answers sources that match no rule with a fixed response 200, not a fixed 403 response, so callers outside every agent group are not refused. Fix:"],
    ],
    ["a 30-day log group", override("audit-logs/mcp-server", "retention_in_days", 30), ["MCP-LOG-001 aws_cloudwatch_log_group.audit-logs_mcp-server_056C42D8: keeps events 30 days; the audit trail needs 90 or more. Fix:"]],
    ["a secret under the AWS managed key", override("secrets/model-api-key", "kms_key_id", "alias/aws/secretsmanager"), ["MCP-SEC-001 aws_secretsmanager_secret.secrets_model-api-key_"]],
    ["a key without rotation", override("encryption-key/key", "enable_key_rotation", false), ["MCP-SEC-003 aws_kms_key.encryption-key_B3391E8B: has enable_key_rotation false (default false). Fix:"]],
    [
      "a bucket that allows public policies",
      override("audit-logs/audit-bucket/public-access-block", "block_public_policy", false),
      ["MCP-S3-002 aws_s3_bucket.audit-logs_audit-bucket_7BE75BA8: does not set block_public_policy to true in its public access block. Fix:"],
    ],
    [
      "a wildcard grant through the intent API",
      (stack: McpStack) => (at(stack, "network/flow-log-role") as ServiceRole).addToPolicy({ sid: "Everything", actions: ["logs:*"], resources: ["*"] }),
      [
        'MCP-IAM-001 aws_iam_role_policy.network_flow-log-role_policy_4F4A6646: policy statement "Everything" allows wildcard action "logs:*". Fix:',
        'MCP-IAM-002 aws_iam_role_policy.network_flow-log-role_policy_4F4A6646: policy statement "Everything" grants logs:* on Resource "*". Fix:',
      ],
    ],
    [
      "a privileged container running as root",
      (stack: McpStack) => {
        const td = at(stack, "gateway/task") as TerraformResource & { containerDefinitionsInput: string };
        const defs = JSON.parse(td.containerDefinitionsInput);
        defs[0].privileged = true;
        defs[0].user = "root";
        td.addOverride("container_definitions", JSON.stringify(defs));
      },
      ['MCP-ECS-002 aws_ecs_task_definition.gateway_task_E6563306: container "mcp-gateway" runs privileged. Fix:', 'MCP-ECS-003 aws_ecs_task_definition.gateway_task_E6563306: container "mcp-gateway" runs as root, the root user. Fix:'],
    ],
  ];

  function failedSynth(breaker: (stack: McpStack) => void): string {
    mockBreak = breaker;
    let error: unknown;
    try {
      // Every break is in mcp-prod: synthesizing prod alone keeps the test to one stack per case.
      synthesize({ configDir: prodOnly, outdir, policy: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(work).filter((f) => f.includes(".tmp-") || f.includes(".old-"))).toEqual([]);
    return (error as Error).message;
  }

  it("fails on ingress from 0.0.0.0/0 added to the load balancer's group, names rule, resource and fix, and writes nothing", () => {
    const [, breaker, expected] = BREAKS[0];
    const message = failedSynth(breaker);
    expect(message).toMatch(/^policy check failed: 2 violations in mcp-prod:\n/);
    for (const line of expected) expect(message).toContain(`  - mcp-prod: ${line}`);
  });

  it("fails on every invariant broken in its construct, each named with rule, resource and fix", () => {
    const message = failedSynth((stack) => BREAKS.forEach(([, b]) => b(stack)));
    const missing = BREAKS.flatMap(([what, , expected]) => expected.filter((line) => !message.includes(`  - mcp-prod: ${line}`)).map((line) => `${what}: ${line}`));
    expect(missing).toEqual([]);
  });
});
