/** The hand-written fixture plan and a policy result for it, shared by the review tests. */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackResult, TerraformJson } from "../../policy/types";

export function fixturePlan(): TerraformJson {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "plan.json"), "utf8"));
}

export const FIXTURE_POLICY: StackResult = {
  stack: "mcp-fixture",
  passed: false,
  results: [
    {
      rule: { id: "MCP-LOG-001", title: "Log groups keep 90 days or more, encrypted", severity: "high", references: ["CKV_AWS_66", "CKV_AWS_158"], remediation: "set retention_in_days ≥ 90 and kms_key_id" },
      verdict: "fail",
      violations: [{ address: "aws_cloudwatch_log_group.flow", message: "keeps logs 30 days" }],
      suppressed: [],
    },
    {
      rule: { id: "MCP-TLS-001", title: "HTTPS listeners use a TLS 1.2+ policy", severity: "high", references: ["CKV_AWS_103", "AWS-0047"], remediation: "use ELBSecurityPolicy-TLS13-1-2-2021-06" },
      verdict: "pass",
      violations: [],
      suppressed: [],
    },
    {
      rule: { id: "MCP-SEC-002", title: "Secrets rotate within 90 days", severity: "high", references: ["CKV2_AWS_57"], remediation: "add a rotation of ≤ 90 days" },
      verdict: "pass",
      violations: [],
      suppressed: [{ address: "aws_secretsmanager_secret.token_ops", message: "rotates every 120 days", reason: "The agent vendor accepts one token change per quarter | approved in CHG-1234", source: "resource" }],
    },
  ],
};
