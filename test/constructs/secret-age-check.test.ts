import { SecretAgeCheck } from "../../constructs/secret-age-check";
import { SecretStore } from "../../constructs/secret-store";
import { TerraformJson } from "../../policy/types";
import { resourceAt } from "../plans";
import { synthBare } from "./bare-stack";
import { policyStatements, secretsFixture, storeProps } from "./secret-fixture";

const ref = (type: string, name: string, attr = "arn") => new RegExp(`^\\$\\{${type}\\.${name}_\\w+\\.${attr}\\}$`);

describe("SecretAgeCheck", () => {
  let plan: TerraformJson;
  let check: SecretAgeCheck;
  beforeAll(() => {
    const f = secretsFixture();
    const store = new SecretStore(f.stack, "secrets", storeProps(f, { rotationDays: 45 }));
    check = new SecretAgeCheck(store, "age-check", { env: f.env, network: f.network, logs: f.logs, alerts: f.alerts, maxAgeDays: 45, reservedConcurrency: 1 });
    plan = synthBare(f.stack);
  });

  it("watches every secret a person owns, the admin password the kit only seeds included, and nothing the function rotates", () => {
    expect(check.watched.map((s) => s.name)).toEqual(["mcp/t/model-api-key", "mcp/t/gateway-admin-password", "mcp/t/ibmi-service-credentials"]);
    const fn = resourceAt(plan, "aws_lambda_function", "secrets/age-check/function");
    // functions/secret-age-check reads SECRET_IDS (a JSON list of names) and MAX_AGE_DAYS.
    expect(fn.environment.variables).toEqual({ SECRET_IDS: JSON.stringify(check.watched.map((s) => s.name)), MAX_AGE_DAYS: "45" });
    expect(fn).toMatchObject({ function_name: "mcp-t-secret-age-check", reserved_concurrent_executions: 1 });
    expect(fn.description).toBe("Raises an alarm when a person-rotated secret of t is missing or older than 45 days");
  });

  it("may read only the version metadata of the secrets it watches, never a value", () => {
    const st = policyStatements(plan, "secrets/age-check/role/policy").filter((s) => [s.Action].flat().some((a: string) => a.startsWith("secretsmanager:")));
    expect(st).toEqual([
      {
        Sid: "ReadVersionMetadata",
        Effect: "Allow",
        Action: "secretsmanager:ListSecretVersionIds",
        Resource: ["model-api-key", "gateway-admin-password", "ibmi-service-credentials"].map((k) => expect.stringMatching(ref("aws_secretsmanager_secret", `secrets_${k}`))),
      },
    ]);
  });

  it("runs daily on an EventBridge schedule that may invoke it, once the VPC endpoints exist", () => {
    const rule = resourceAt(plan, "aws_cloudwatch_event_rule", "secrets/age-check-schedule");
    expect(rule).toMatchObject({ name: "mcp-t-secret-age-check", schedule_expression: "rate(1 day)" });
    const target = resourceAt(plan, "aws_cloudwatch_event_target", "secrets/age-check-target");
    expect(target).toMatchObject({ arn: expect.stringMatching(ref("aws_lambda_function", "secrets_age-check_function")), target_id: "secret-age-check" });
    expect(target.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_vpc_endpoint\.network_endpoint-secretsmanager_/)]));
    expect(resourceAt(plan, "aws_lambda_permission", "secrets/age-check-invoke")).toMatchObject({
      statement_id: "EventBridgeSchedule",
      principal: "events.amazonaws.com",
      function_name: expect.stringMatching(ref("aws_lambda_function", "secrets_age-check_function", "function_name")),
      source_arn: expect.stringMatching(ref("aws_cloudwatch_event_rule", "secrets_age-check-schedule")),
    });
  });

  it("alarms on the stale marker it logs, naming the watched secrets and the age, and on its own errors", () => {
    const logGroup = resourceAt(plan, "aws_lambda_function", "secrets/age-check/function").logging_config.log_group;
    // functions/secret-age-check/contract.ts STALE_MARKER: the line the function logs for each stale or unreadable secret.
    expect(resourceAt(plan, "aws_cloudwatch_log_metric_filter", "alerts/filter-stale-secrets")).toMatchObject({ log_group_name: logGroup, pattern: '"MCP_SECRET_STALE"', metric_transformation: { name: "StaleSecrets" } });
    const stale = resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-stale-secrets");
    expect(stale).toMatchObject({ metric_name: "StaleSecrets", period: 86400, threshold: 1 });
    expect(stale.alarm_description).toContain("(mcp/t/model-api-key, mcp/t/gateway-admin-password, mcp/t/ibmi-service-credentials) is missing or older than 45 days");
    expect(resourceAt(plan, "aws_cloudwatch_metric_alarm", "alerts/alarm-secret-age-check-errors")).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: expect.stringMatching(ref("aws_lambda_function", "secrets_age-check_function", "function_name")) },
      period: 3600,
    });
  });
});
