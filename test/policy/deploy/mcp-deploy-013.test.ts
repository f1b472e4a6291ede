import { rule } from "../../../policy/deploy/mcp-deploy-013";
import { judge, lines, plan, ref } from "../fixtures";

const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Trust", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const policy = (actions: string[]) => ({ role: ref("aws_iam_role.flow"), policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Deliver", Effect: "Allow", Action: actions, Resource: ref("aws_cloudwatch_log_group.flow", "arn") }] }) });
const flowLog = (extra: Record<string, unknown> = {}) => ({ vpc_id: ref("aws_vpc.vpc"), traffic_type: "ALL", log_destination: ref("aws_cloudwatch_log_group.flow", "arn"), iam_role_arn: ref("aws_iam_role.flow", "arn"), ...extra });

describe("MCP-DEPLOY-013 flow-log role", () => {
  it("fails a role other services assume, a role that cannot write, and a flow log without a role", () => {
    const r = judge(
      rule,
      plan({ aws_iam_role: { flow: { name: "flow", assume_role_policy: trust("ec2.amazonaws.com") } }, aws_iam_role_policy: { p: policy(["logs:PutLogEvents"]) }, aws_flow_log: { f: flowLog(), none: flowLog({ iam_role_arn: undefined }) } }),
    );
    expect(lines(r)).toEqual([
      "aws_flow_log.f: uses aws_iam_role.flow, which vpc-flow-logs.amazonaws.com may not assume; no flow log record is delivered",
      "aws_flow_log.f: uses aws_iam_role.flow, which lacks logs:CreateLogStream; no flow log record is delivered",
      "aws_flow_log.none: delivers to CloudWatch Logs without iam_role_arn; AWS refuses it",
    ]);
    expect(r.rule.remediation).toContain("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html");
  });

  it("passes a role trusted by vpc-flow-logs.amazonaws.com that may create streams and put events, and S3 flow logs", () => {
    const ok = plan({
      aws_iam_role: { flow: { name: "flow", assume_role_policy: trust("vpc-flow-logs.amazonaws.com") } },
      aws_iam_role_policy: { p: policy(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]) },
      aws_flow_log: { f: flowLog(), s3: { vpc_id: "vpc-1", log_destination_type: "s3", log_destination: "arn:aws:s3:::b" } },
    });
    expect(lines(judge(rule, ok))).toEqual([]);
  });
});
