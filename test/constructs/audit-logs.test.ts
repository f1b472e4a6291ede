import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { AuditLogs, LEGACY_ELB_LOG_ACCOUNTS } from "../../constructs/audit-logs";
import { EncryptionKey } from "../../constructs/encryption-key";
import { McpStack } from "../../stacks/mcp-stack";
import { TerraformJson } from "../../policy/types";
import { CONFIG_DIR, resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { bareEnv, bareStack, synthBare } from "./bare-stack";

const KEY_ARN = /^\$\{aws_kms_key\.encryption-key_\w+\.arn\}$/;
const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));
function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}
const at = (plan: TerraformJson, type: string, suffix: string) => resourceAt(plan, type, suffix);

describe("AuditLogs", () => {
  let prod: TerraformJson;
  let prodStack: McpStack;
  beforeAll(() => {
    ({ plan: prod, stack: prodStack } = synthStack(shippedConfigs().prod));
  });

  it("keeps every log group of the stack for the configured retention, encrypted with the environment key", () => {
    const groups = resources(prod, "aws_cloudwatch_log_group").map(([, g]) => g);
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["/mcp/prod/mcp-server", "/mcp/prod/gateway", "/mcp/prod/vpc-flow-logs", "/mcp/prod/lambda-rotate-secret", "/mcp/prod/lambda-secret-age-check"]));
    for (const g of groups) {
      expect(g.retention_in_days).toBe(365);
      expect(g.kms_key_id).toMatch(KEY_ARN);
    }
  });

  describe("audit bucket", () => {
    const b = "audit-logs/audit-bucket";
    it("is versioned, private, owner-enforced and encrypted with the environment key and a bucket key", () => {
      expect(at(prod, "aws_s3_bucket", `${b}/bucket`)).toMatchObject({ bucket: "mcp-prod-audit-123456789012-us-east-1", force_destroy: false });
      expect(at(prod, "aws_s3_bucket", `${b}/bucket`).object_lock_enabled).toBeUndefined();
      expect(at(prod, "aws_s3_bucket_versioning", `${b}/versioning`).versioning_configuration).toEqual({ status: "Enabled" });
      expect(at(prod, "aws_s3_bucket_public_access_block", `${b}/public-access-block`)).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(at(prod, "aws_s3_bucket_ownership_controls", `${b}/ownership`).rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
      const [rule] = at(prod, "aws_s3_bucket_server_side_encryption_configuration", `${b}/encryption`).rule;
      expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(KEY_ARN);
      expect(rule.bucket_key_enabled).toBe(true);
    });

    it("logs who accessed it into the access-log bucket, after that bucket's policy admits S3 logging", () => {
      const logging = at(prod, "aws_s3_bucket_logging", "audit-logs/audit-bucket-access-logging");
      expect(logging).toMatchObject({ target_prefix: "s3-access/", target_object_key_format: { partitioned_prefix: { partition_date_source: "EventTime" } } });
      expect(logging.bucket).toMatch(/^\$\{aws_s3_bucket\.audit-logs_audit-bucket_\w+\.id\}$/);
      expect(logging.target_bucket).toMatch(/^\$\{aws_s3_bucket\.audit-logs_access-logs-bucket_\w+\.id\}$/);
      expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.audit-logs_access-logs-bucket_policy_/)]);
    });

    it("expires current and noncurrent versions after the retention period", () => {
      const lc = at(prod, "aws_s3_bucket_lifecycle_configuration", `${b}/lifecycle`);
      expect(lc.rule).toEqual([expect.objectContaining({ status: "Enabled", expiration: [{ days: 365 }], noncurrent_version_expiration: [{ noncurrent_days: 365 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] })]);
      expect(lc.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
    });

    it("refuses every request without TLS, bucket settings included", () => {
      const policy = JSON.parse(at(prod, "aws_s3_bucket_policy", `${b}/policy`).policy);
      expect(policy.Statement).toHaveLength(1);
      const [deny] = policy.Statement;
      expect(deny).toMatchObject({ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
      expect(deny.Resource).toHaveLength(2);
      expect(at(prod, "aws_s3_bucket_policy", `${b}/policy`).depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    });

    it("receives the MCP server, gateway and flow logs through Firehose", () => {
      const stream = at(prod, "aws_kinesis_firehose_delivery_stream", "audit-logs/archive/stream");
      expect(stream.destination).toBe("extended_s3");
      expect(stream.extended_s3_configuration.bucket_arn).toMatch(/^\$\{aws_s3_bucket\.audit-logs_audit-bucket_\w+\.arn\}$/);
      expect(stream.server_side_encryption).toEqual({ enabled: true, key_type: "AWS_OWNED_CMK" });
      const subs = resources(prod, "aws_cloudwatch_log_subscription_filter").map(([, s]) => s);
      expect(subs.map((s) => s.log_group_name).sort()).toEqual([expect.stringMatching(/audit-logs_gateway_\w+\.name/), expect.stringMatching(/audit-logs_mcp-server_\w+\.name/), expect.stringMatching(/audit-logs_vpc-flow-logs_\w+\.name/)]);
      for (const s of subs) {
        expect(s.filter_pattern).toBe("");
        expect(s.destination_arn).toMatch(/^\$\{aws_kinesis_firehose_delivery_stream\.audit-logs_archive_stream_\w+\.arn\}$/);
        expect(s.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\.audit-logs_archive_subscription-role_policy_/)]);
      }
    });

    it("lets CloudWatch Logs only put records, and Firehose only write the bucket and use the key through S3", () => {
      const trust = JSON.parse(at(prod, "aws_iam_role", "audit-logs/archive/subscription-role/role").assume_role_policy);
      expect(trust.Statement[0].Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
      expect(JSON.parse(at(prod, "aws_iam_role_policy", "audit-logs/archive/subscription-role/policy").policy).Statement).toEqual([
        { Sid: "PutRecordsToArchive", Effect: "Allow", Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: expect.stringMatching(/firehose_delivery_stream\.audit-logs_archive_stream_\w+\.arn/) },
      ]);
      const fh = JSON.parse(at(prod, "aws_iam_role_policy", "audit-logs/archive/firehose-role/policy").policy).Statement;
      expect(fh.map((s: any) => s.Sid)).toEqual(["WriteAuditBucket", "UseKeyAuditFirehoseWritesThroughS3"]);
      expect(fh[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
    });

    it("locks objects when logs.objectLock is set", () => {
      const { plan } = synthStack(variant("prod", (c) => (c.logs.objectLock = { mode: "COMPLIANCE", days: 365 })));
      expect(at(plan, "aws_s3_bucket", `${b}/bucket`).object_lock_enabled).toBe(true);
      const lock = at(plan, "aws_s3_bucket_object_lock_configuration", `${b}/object-lock`);
      expect(lock.rule).toEqual({ default_retention: { mode: "COMPLIANCE", days: 365 } });
      expect(resources(plan, "aws_s3_bucket_object_lock_configuration")).toHaveLength(1);
    });
  });

  describe("load balancer access-log bucket", () => {
    const b = "audit-logs/access-logs-bucket";
    it("uses SSE-S3, the only encryption ELB log delivery writes to", () => {
      const [rule] = at(prod, "aws_s3_bucket_server_side_encryption_configuration", `${b}/encryption`).rule;
      expect(rule).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
      expect(at(prod, "aws_s3_bucket_versioning", `${b}/versioning`).versioning_configuration).toEqual({ status: "Enabled" });
      expect(at(prod, "aws_s3_bucket_public_access_block", `${b}/public-access-block`)).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(at(prod, "aws_s3_bucket_lifecycle_configuration", `${b}/lifecycle`).rule[0].expiration).toEqual([{ days: 365 }]);
    });

    it("lets ELB log delivery write under the load balancer prefix only, in us-east-1 also the legacy ELB account", () => {
      const st = JSON.parse(at(prod, "aws_s3_bucket_policy", `${b}/policy`).policy).Statement;
      const objects = expect.stringMatching(/^\$\{aws_s3_bucket\.audit-logs_access-logs-bucket_\w+\.arn\}\/alb\/AWSLogs\/123456789012\/\*$/);
      expect(st).toEqual([
        { Sid: "LoadBalancerLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: objects },
        { Sid: "LegacyRegionLoadBalancerLogDelivery", Effect: "Allow", Principal: { AWS: "arn:aws:iam::127311923021:root" }, Action: "s3:PutObject", Resource: objects },
        {
          Sid: "AuditBucketAccessLogDelivery",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.audit-logs_access-logs-bucket_\w+\.arn\}\/s3-access\/\*$/),
          // The audit bucket and the JWKS bucket (constructs/jwks-bucket.ts) log into it, no other.
          Condition: { ArnLike: { "aws:SourceArn": ["arn:aws:s3:::mcp-prod-audit-123456789012-us-east-1", "arn:aws:s3:::mcp-prod-jwks-123456789012-us-east-1"] }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
        expect.objectContaining({ Sid: "DenyInsecureTransport", Effect: "Deny" }),
      ]);
      expect(prodStack.logs.accessLogsPrefix).toBe("alb");
    });

    it("names only the service principal in Regions opened since August 2022", () => {
      const env = bareEnv({ region: "eu-south-2" });
      const stack = bareStack(env);
      new AuditLogs(stack, "audit-logs", { env, key: new EncryptionKey(stack, "encryption-key", { env }), retentionDays: 90 });
      const st = JSON.parse(at(synthBare(stack), "aws_s3_bucket_policy", "audit-logs/access-logs-bucket/policy").policy).Statement;
      expect(st.map((s: any) => s.Sid)).toEqual(["LoadBalancerLogDelivery", "AuditBucketAccessLogDelivery", "DenyInsecureTransport"]);
      expect(LEGACY_ELB_LOG_ACCOUNTS["eu-south-2"]).toBeUndefined();
    });
  });

  describe("errors", () => {
    it("refuses retention below 90 days and object locks longer than the retention, in config", () => {
      expect(problems("dev", (c) => (c.logs.retentionDays = 60))).toEqual(["config/dev.json: logs.retentionDays: keeps logs 60 days; the seed asks for 90 or more (got 60). Fix: set 90 or more (90, 120, 150, 180, …)."]);
      expect(problems("dev", (c) => (c.logs.objectLock = { mode: "GOVERNANCE", days: 120 }))).toEqual([
        "config/dev.json: logs.objectLock.days: locks archived logs 120 days, longer than logs.retentionDays 90, so the lifecycle could not expire them (got 120). Fix: set 90 or fewer, or raise logs.retentionDays.",
      ]);
      expect(problems("dev", (c) => (c.logs.objectLock = { mode: "FOREVER", days: 30 }))).toEqual(['config/dev.json: logs.objectLock.mode: is not an accepted value (got "FOREVER"). Fix: use one of "GOVERNANCE", "COMPLIANCE".']);
    });

    it("refuses the same in the construct", () => {
      const env = bareEnv();
      const build = (retentionDays: number, objectLock?: { mode: "GOVERNANCE"; days: number }) => {
        const stack = bareStack(env);
        return () => new AuditLogs(stack, "audit-logs", { env, key: new EncryptionKey(stack, "key", { env }), retentionDays, objectLock });
      };
      expect(build(30)).toThrow("t/audit-logs: retentionDays 30 is below the 90 days the seed asks for");
      expect(build(90, { mode: "GOVERNANCE", days: 91 })).toThrow("t/audit-logs: objectLock.days 91 must be 1 to retentionDays (90)");
    });
  });
});
