/** review/facts/secrets.ts: secrets, keys and where a secret must never be, from a small hand-written plan. */
import { containerFacts } from "../../../review/facts/containers";
import { policyDocuments } from "../../../review/facts/iam";
import { keyFacts, secretFacts, secretLeakFacts } from "../../../review/facts/secrets";
import { PlanIndex } from "../../../review/plan-index";

const plan = {
  variable: { password: { default: "placeholder" }, region: {} },
  resource: {
    aws_kms_key: { env: { enable_key_rotation: true }, other: {} },
    aws_kms_alias: { env: { name: "alias/mcp-dev", target_key_id: "${aws_kms_key.env.key_id}" } },
    aws_secretsmanager_secret: {
      token: { name: "mcp/dev/token", kms_key_id: "${aws_kms_key.env.arn}", "//": { facts: { secretPurpose: "agent-token" } } },
      ibmi: { name: "mcp/dev/ibmi" },
    },
    aws_secretsmanager_secret_rotation: { token: { secret_id: "${aws_secretsmanager_secret.token.id}", rotation_rules: { automatically_after_days: 30 } } },
    aws_secretsmanager_secret_version: { leaked: { secret_id: "${aws_secretsmanager_secret.ibmi.id}", secret_string: "placeholder" } },
    aws_cloudwatch_metric_alarm: { age: { alarm_name: "ibmi-age", dimensions: { SecretName: "mcp/dev/ibmi" } } },
    aws_iam_role: { task: { name: "mcp-task" } },
    aws_iam_role_policy: { read: { role: "${aws_iam_role.task.id}", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.token.arn}" }] }) } },
    aws_ecs_task_definition: { mcp: { family: "mcp", container_definitions: JSON.stringify([{ name: "server", secrets: [{ name: "IBMI_PASSWORD", valueFrom: "${aws_secretsmanager_secret.ibmi.arn}" }] }]) } },
  },
};

describe("secretFacts", () => {
  const idx = new PlanIndex(plan);
  const secrets = secretFacts(idx, containerFacts(idx), policyDocuments(idx));
  const byName = (n: string) => secrets.find((s) => s.name === n)!;

  it("sorts by name and reads key, rotation and purpose", () => {
    expect(secrets.map((s) => s.name)).toEqual(["mcp/dev/ibmi", "mcp/dev/token"]);
    expect(byName("mcp/dev/token")).toEqual(expect.objectContaining({ kmsKey: "alias/mcp-dev", customerKey: true, purpose: "agent-token", rotation: { address: "aws_secretsmanager_secret_rotation.token", days: 30, schedule: undefined } }));
    expect(byName("mcp/dev/ibmi")).toEqual(expect.objectContaining({ kmsKey: "aws/secretsmanager (AWS managed)", customerKey: false, rotation: undefined, purpose: undefined }));
  });

  it("names the alarms that watch a secret, the containers that read it and the roles whose policies name it", () => {
    expect(byName("mcp/dev/ibmi").alerts).toEqual(["ibmi-age (aws_cloudwatch_metric_alarm.age)"]);
    expect(byName("mcp/dev/ibmi").readers).toEqual(["mcp/server as IBMI_PASSWORD"]);
    expect(byName("mcp/dev/token").grantees).toEqual(["mcp-task"]);
    expect(byName("mcp/dev/token").readers).toEqual([]);
  });
});

describe("keyFacts and secretLeakFacts", () => {
  const idx = new PlanIndex(plan);

  it("label keys by alias and read their rotation", () => {
    expect(keyFacts(idx)).toEqual([
      { address: "aws_kms_key.env", label: "alias/mcp-dev", rotation: true, periodDays: undefined },
      { address: "aws_kms_key.other", label: "aws_kms_key.other", rotation: undefined, periodDays: undefined },
    ]);
  });

  it("find variables with a default and secret versions with a value", () => {
    expect(secretLeakFacts(idx, plan)).toEqual({ variablesWithDefaults: ["var.password"], secretVersionsWithValue: ["aws_secretsmanager_secret_version.leaked"] });
  });
});
