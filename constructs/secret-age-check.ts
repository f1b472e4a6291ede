import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { STALE_MARKER_TERM } from "../functions/secret-age-check/contract";
import { AwsEnv, prefix } from "../lib/aws-env";
import { SecurityAlerts } from "./alerts";
import { AuditLogs } from "./audit-logs";
import { Network } from "./network";
import { ManagedSecret, SecretStore } from "./secret-store";
import { VpcFunction } from "./vpc-function";

export interface SecretAgeCheckProps {
  readonly env: AwsEnv;
  /** It runs in its private subnets. */
  readonly network: Network;
  /** Where its log group is made. */
  readonly logs: AuditLogs;
  /** Receives the stale-secret alarm and its own error alarm. */
  readonly alerts: SecurityAlerts;
  /** Age in days (the environment's rotationDays) past which a secret a person owns raises the alarm. */
  readonly maxAgeDays: number;
  /** Concurrent executions reserved; see VpcFunctionProps.reservedConcurrency for why none is the default. @default none */
  readonly reservedConcurrency?: number;
}

/**
 * The daily check (functions/secret-age-check) of the store's secrets a person owns, those the kit only seeds included:
 * an alarm when one is missing, older than `maxAgeDays`, or its age cannot be read. It reads version metadata only.
 * A child of the store; its schedule and invoke permission are made in the store, beside it, where they have always
 * been (a construct's path is its resource's Terraform address).
 */
export class SecretAgeCheck extends VpcFunction {
  /** The secrets it watches, in the store's order. */
  readonly watched: readonly ManagedSecret[];

  constructor(store: SecretStore, id: string, props: SecretAgeCheckProps) {
    const { env, maxAgeDays } = props;
    const watched = store.all.filter(ownedByPeople);
    super(store, id, {
      env,
      name: "secret-age-check",
      description: `Raises an alarm when a person-rotated secret of ${env.environment} is missing or older than ${maxAgeDays} days`,
      network: props.network,
      logs: props.logs,
      reservedConcurrency: props.reservedConcurrency,
      environment: { SECRET_IDS: JSON.stringify(watched.map((s) => s.name)), MAX_AGE_DAYS: String(maxAgeDays) },
    });
    this.watched = watched;
    this.role.addToPolicy({ sid: "ReadVersionMetadata", actions: ["secretsmanager:ListSecretVersionIds"], resources: watched.map((s) => s.arn) });
    const schedule = new CloudwatchEventRule(store, "age-check-schedule", {
      name: `${prefix(env)}-secret-age-check`,
      description: "Daily age check of the secrets only people rotate",
      scheduleExpression: "rate(1 day)",
    });
    // The schedule may fire soon after it exists: like every run during apply, it waits for the VPC endpoints (MCP-DEPLOY-018).
    new CloudwatchEventTarget(store, "age-check-target", { rule: schedule.name, arn: this.arn, targetId: "secret-age-check", dependsOn: [...this.ready] });
    new LambdaPermission(store, "age-check-invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });
    this.alarmOnStale(props.alerts, maxAgeDays);
  }

  private alarmOnStale(alerts: SecurityAlerts, maxAgeDays: number): void {
    alerts.logMetric("stale-secrets", this.logGroup, "StaleSecrets", STALE_MARKER_TERM);
    alerts.alarmOn("stale-secrets", {
      description: `A secret only people rotate (${this.watched.map((s) => s.name).join(", ")}) is missing or older than ${maxAgeDays} days, or its age could not be read: change it where it is used first (IBM i, the model provider, the gateway), then put it with aws secretsmanager put-secret-value (see docs/secrets.md).`,
      namespace: alerts.namespace,
      metricName: "StaleSecrets",
      periodSeconds: 86400,
      threshold: 1,
    });
    alerts.alarmOn("secret-age-check-errors", {
      description: "The daily secret age check failed, so stale secrets would go unnoticed; see its log group.",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.functionName },
      periodSeconds: 3600,
      threshold: 1,
    });
  }
}

/** Every secret a person owns, including those the kit only seeds and a person replaces after. */
function ownedByPeople(s: ManagedSecret): boolean {
  return s.rotation.by === "person" || (s.rotation.by === "aws-once" && s.rotation.thenPerson === true);
}
