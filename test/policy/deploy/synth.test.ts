/**
 * An apply-time trap introduced into a construct (through an escape hatch, as a careless change would) fails the
 * synth pipeline with the MCP-DEPLOY rule id, the resource address and the fix, and writes nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformResource } from "cdktf";
import { synthesize } from "../../../app/synth";
import { PolicyError } from "../../../policy/engine";
import type { McpStack } from "../../../stacks/mcp-stack";
import { CONFIG_DIR } from "../../helpers";

let mockBreak: ((stack: McpStack) => void) | undefined;
jest.mock("../../../stacks/mcp-stack", () => {
  const actual = jest.requireActual("../../../stacks/mcp-stack");
  class BreakableStack extends actual.McpStack {
    constructor(scope: any, config: any) {
      super(scope, config);
      mockBreak?.(this as unknown as McpStack);
    }
  }
  return { ...actual, McpStack: BreakableStack };
});

const override = (suffix: string, key: string, value: unknown) => (stack: McpStack) => {
  const found = stack.node.findAll().filter((c) => c.node.path.endsWith(`/${suffix}`));
  if (found.length !== 1) throw new Error(`expected one construct at */${suffix}, found ${found.length}`);
  (found[0] as TerraformResource).addOverride(key, value);
};

describe("synth with the deployability pack", () => {
  let work: string;
  let configDir: string;
  let outdir: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-synth-"));
    // prod alone: the traps are the same in every stage, and one stack keeps the suite fast.
    configDir = path.join(work, "config");
    fs.mkdirSync(configDir);
    fs.copyFileSync(path.join(CONFIG_DIR, "prod.json"), path.join(configDir, "prod.json"));
    outdir = path.join(work, "cdktf.out");
  });
  afterEach(() => (mockBreak = undefined));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const BREAKS: [string, (stack: McpStack) => void, RegExp][] = [
    [
      "a retention CloudWatch refuses",
      override("audit-logs/gateway", "retention_in_days", 100),
      /MCP-DEPLOY-006 aws_cloudwatch_log_group\.audit-logs_gateway_\w+: has retention_in_days 100, which CloudWatch Logs rejects; nearest accepted: 90 or 120\. Fix: .*API_PutRetentionPolicy\.html/,
    ],
    [
      "an SSE-KMS access-log bucket",
      override("access-logs-bucket/encryption", "rule.0.apply_server_side_encryption_by_default.sse_algorithm", "aws:kms"),
      /MCP-DEPLOY-005 aws_s3_bucket\.audit-logs_access-logs-bucket_\w+: receives aws_lb\.\S+ access logs but its default encryption .* is aws:kms/,
    ],
    ["a Fargate size that does not exist", override("gateway/task", "memory", "3000"), /MCP-DEPLOY-007 aws_ecs_task_definition\.gateway_task_\w+: has memory "3000" MiB, which Fargate does not accept with cpu 512/],
    ["no health-check grace period", override("gateway/service", "health_check_grace_period_seconds", 0), /MCP-DEPLOY-014 aws_ecs_service\.gateway_service_\w+: sits behind a load balancer with health_check_grace_period_seconds 0/],
    [
      "an endpoint without private DNS",
      override("network/endpoint-ecr-dkr", "private_dns_enabled", false),
      /MCP-DEPLOY-010 aws_vpc_endpoint\.network_endpoint-ecr-dkr_\w+: is an interface endpoint for com\.amazonaws\.us-east-1\.ecr\.dkr without private_dns_enabled/,
    ],
  ];

  it("synthesizes the unbroken stack", () => {
    const log: string[] = [];
    synthesize({ configDir, outdir, policy: { log: (l) => log.push(l) } });
    expect(log).toEqual([expect.stringMatching(/^policy mcp-prod-images: \d+ passed, 0 failed, /), expect.stringMatching(/^policy mcp-prod: \d+ passed, 0 failed, /)]);
  });

  it("fails on every trap broken into its construct, each with rule id, address and fix, and writes nothing", () => {
    // All traps in one synth: each rule reports its own resource, and one run keeps the suite fast.
    const before = fs.readFileSync(path.join(outdir, "stacks", "mcp-prod", "cdk.tf.json"), "utf8");
    mockBreak = (stack) => BREAKS.forEach(([, brk]) => brk(stack));
    let error: unknown;
    try {
      synthesize({ configDir, outdir, policy: { log: () => undefined } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    // The security pack's MCP-S3-003 also names the SSE-KMS log bucket; the deploy pack reports each trap once.
    const lines = (error as Error).message.split("\n").filter((l) => l.includes(" MCP-DEPLOY-"));
    expect(lines).toHaveLength(BREAKS.length);
    for (const [what, , expected] of BREAKS) expect([what, lines.some((l) => expected.test(l))]).toEqual([what, true]);
    expect(fs.readFileSync(path.join(outdir, "stacks", "mcp-prod", "cdk.tf.json"), "utf8")).toBe(before);
  });
});
