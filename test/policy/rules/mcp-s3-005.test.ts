import { rule } from "../../../policy/rules/mcp-s3-005";
import { judge, lines, plan, ref } from "../fixtures";

describe("MCP-S3-005 S3 server access logging", () => {
  it("fails a bucket that logs nowhere and one that logs into itself", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { quiet: {}, loop: {} },
        aws_s3_bucket_logging: { loop: { bucket: ref("aws_s3_bucket.loop"), target_bucket: ref("aws_s3_bucket.loop"), target_prefix: "self/" } },
      }),
    );
    expect(lines(r)).toEqual(["aws_s3_bucket.quiet: has no aws_s3_bucket_logging, so reads and deletes of its objects leave no record", "aws_s3_bucket.loop: logs its access into itself; each log object would be logged again"]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html");
  });

  it("passes a bucket logging into a log bucket, and exempts the log bucket and a load balancer's log bucket", () => {
    const r = judge(
      rule,
      plan({
        aws_s3_bucket: { data: {}, logs: {}, alb: {} },
        aws_s3_bucket_logging: { data: { bucket: ref("aws_s3_bucket.data"), target_bucket: ref("aws_s3_bucket.logs", "bucket"), target_prefix: "s3-access/" } },
        aws_lb: { lb: { internal: true, access_logs: { bucket: ref("aws_s3_bucket.alb"), enabled: true } } },
      }),
    );
    expect(r.verdict).toBe("pass");
  });
});
