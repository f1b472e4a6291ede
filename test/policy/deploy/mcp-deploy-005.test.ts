import { rule } from "../../../policy/deploy/mcp-deploy-005";
import { judge, lines, plan, ref } from "../fixtures";

const BUCKET = ref("aws_s3_bucket.logs", "arn");
const delivery = (resource: string, principal: object = { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Elb", Effect: "Allow", Principal: principal, Action: "s3:PutObject", Resource: resource }] });
const lbWithLogs = { name: "mcp-prod", internal: true, access_logs: { bucket: ref("aws_s3_bucket.logs", "bucket"), enabled: true, prefix: "alb" } };
const encryption = (algorithm: string) => ({ bucket: ref("aws_s3_bucket.logs"), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm } }] });

describe("MCP-DEPLOY-005 access-log buckets are SSE-S3 and writable by ELB log delivery", () => {
  it("fails an SSE-KMS bucket and a policy that misses the prefix or names no ELB principal", () => {
    const r = judge(
      rule,
      plan({
        aws_lb: { lb: lbWithLogs },
        aws_s3_bucket: { logs: { bucket: "mcp-prod-alb-logs" } },
        aws_s3_bucket_server_side_encryption_configuration: { logs: encryption("aws:kms") },
        aws_s3_bucket_policy: { logs: { bucket: ref("aws_s3_bucket.logs"), policy: delivery(`${BUCKET}/other/AWSLogs/123456789012/*`) } },
      }),
    );
    expect(lines(r)).toEqual([
      "aws_s3_bucket.logs: receives aws_lb.lb's access logs but its default encryption (aws_s3_bucket_server_side_encryption_configuration.logs) is aws:kms; ELB delivers only to SSE-S3 (AES256) buckets, so no log would arrive",
      "aws_s3_bucket.logs: receives aws_lb.lb's access logs but no bucket policy lets logdelivery.elasticloadbalancing.amazonaws.com put objects under alb/AWSLogs/, so no log would arrive",
    ]);
    const noPrincipal = judge(
      rule,
      plan({ aws_lb: { lb: lbWithLogs }, aws_s3_bucket: { logs: { bucket: "b" } }, aws_s3_bucket_policy: { logs: { bucket: ref("aws_s3_bucket.logs"), policy: delivery(`${BUCKET}/alb/AWSLogs/*`, { Service: "delivery.logs.amazonaws.com" }) } } }),
    );
    expect(noPrincipal.verdict).toBe("fail");
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html");
  });

  it("passes an AES256 bucket whose policy admits the service principal or the Region's ELB account, and load balancers without logs", () => {
    const pass = (policy: string) =>
      judge(
        rule,
        plan({
          aws_lb: { lb: lbWithLogs, quiet: { name: "q", internal: true } },
          aws_s3_bucket: { logs: { bucket: "mcp-prod-alb-logs" } },
          aws_s3_bucket_server_side_encryption_configuration: { logs: encryption("AES256") },
          aws_s3_bucket_policy: { logs: { bucket: ref("aws_s3_bucket.logs"), policy } },
        }),
      ).verdict;
    expect(pass(delivery(`${BUCKET}/alb/AWSLogs/123456789012/*`))).toBe("pass");
    expect(pass(delivery(`${BUCKET}/*`, { AWS: "arn:aws:iam::127311923021:root" }))).toBe("pass");
  });
});
