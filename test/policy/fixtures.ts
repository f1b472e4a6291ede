/** Hand-written Terraform JSON for the policy tests: small plans built from resource bodies. */
import { evaluate } from "../../policy/engine";
import { PolicyContext, Rule, RuleResult, TerraformJson } from "../../policy/types";

/** A plan from `{ type: { name: body } }`. */
export function plan(resource: Record<string, Record<string, unknown>>, extra: Partial<TerraformJson> = {}): TerraformJson {
  return { terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } }, resource: resource as TerraformJson["resource"], ...extra };
}

/** Runs one rule through the engine (context resolution and suppressions included). */
export function judge(rule: Rule, p: TerraformJson, ctx: PolicyContext = {}): RuleResult {
  return evaluate(p, ctx, [rule])[0];
}

/** `${type.name.attr}` */
export const ref = (address: string, attr = "id") => `\${${address}.${attr}}`;

/** A container that passes every container rule. */
export const goodContainer = {
  name: "mcp-server",
  image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/mcp-prod/ibmi-mcp-server@sha256:" + "a".repeat(64),
  user: "appuser",
  readonlyRootFilesystem: true,
  privileged: false,
  environment: [
    { name: "DB2i_HOST", value: "10.52.0.10" },
    { name: "DB2i_IGNORE_UNAUTHORIZED", value: "false" },
    { name: "MCP_LOG_LEVEL", value: "info" },
    { name: "IBMI_AUTH_PRIVATE_KEY_PATH", value: "/run/keys/private.pem" },
    { name: "IBMI_AUTH_TOKEN_EXPIRY_SECONDS", value: "3600" },
  ],
  secrets: [{ name: "DB2i_PASS", valueFrom: "${aws_secretsmanager_secret.ibmi.arn}" }],
  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/mcp/prod/mcp-server", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "mcp" } },
};

/** A plan with one task definition holding `containers` (rendered as the JSON string cdktf writes). */
export function taskPlan(containers: object[], body: Record<string, unknown> = {}): TerraformJson {
  return plan({ aws_ecs_task_definition: { mcp: { family: "mcp", container_definitions: JSON.stringify(containers), ...body } } });
}

/** The violations of a result as `address: message` lines, for exact assertions. */
export function lines(r: RuleResult): string[] {
  return r.violations.map((v) => `${v.address}: ${v.message}`);
}
