import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { dependable, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { FAILURE_MARKER, RegisterEvent, REGISTRATION_ENV, REGISTRATION_FILE, RegistrationFile, SUCCESS_MARKER } from "../functions/register-tiers/contract";
import { AwsEnv, prefix } from "../lib/aws-env";
import { SecurityAlerts } from "./alerts";
import { AuditLogs } from "./audit-logs";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { ManagedSecret } from "./secrets";
import { SecurityGroup } from "./security-group";
import { Certificate } from "./tls";
import { VpcFunction } from "./vpc-function";

/** Lambda's limit for one run. */
const TIMEOUT_SECONDS = 900;
/** How long the run on apply waits for a gateway (or tier) that is still starting; the rest of the timeout is for the calls. */
export const APPLY_SETTLE_SECONDS = 600;
/** How long a scheduled run waits: a gateway redeploying (stop then start with SQLite) is back within this. */
export const SCHEDULE_SETTLE_SECONDS = 300;

/** One tier the gateway federates. */
export interface RegisteredTier {
  readonly id: string;
  /** Its MCP endpoint as the gateway reaches it (McpService.internalUrl). */
  readonly url: string;
  /** Its OAUTH_AUDIENCE. */
  readonly audience: string;
  /** Its toolsets: the token's `scp`. */
  readonly scopes: readonly string[];
}

export interface TierRegistrationProps {
  readonly env: AwsEnv;
  readonly network: Network;
  readonly logs: AuditLogs;
  /** Receives the alarms. */
  readonly alerts: SecurityAlerts;
  readonly tiers: readonly RegisteredTier[];
  /**
   * Per tier id, the alias of the tier's gateway key (ECC_NIST_P256, SIGN_VERIFY), `alias/…`: a name known at synth.
   * The function resolves it (kms:DescribeKey) and signs with the key; the caller grants both
   * (TokenSigningKeys.grantGatewaySigning) and lists the keys and aliases in `after`.
   */
  readonly gatewayKeyAliases: Readonly<Record<string, string>>;
  /** The environment's issuer (OAUTH_ISSUER_URL of every tier). */
  readonly issuer: string;
  /**
   * The gateway as the function reaches it: the internal load balancer's gateway listener (HTTPS), by the load
   * balancer's DNS name, the certificate's name checked (and in self-signed mode the certificate trusted).
   */
  readonly gateway: {
    readonly loadBalancer: LoadBalancer;
    readonly certificate: Certificate;
    /** The load balancer's security group (AgentAccess.loadBalancerGroup): it admits the function on the gateway port. */
    readonly securityGroup: SecurityGroup;
  };
  /** PLATFORM_ADMIN_EMAIL: the user the admin JWT names. */
  readonly adminEmail: string;
  /** JWT_SECRET_KEY of the gateway: the function signs its short admin JWT with it. */
  readonly adminJwtSecret: ManagedSecret;
  /** The gateway's JWT_AUDIENCE / JWT_ISSUER / ENVIRONMENT when DERIVE_KEY_PER_ENVIRONMENT. @default Context Forge's defaults, no derivation */
  readonly adminJwt?: Pick<RegistrationFile["admin"], "audience" | "issuer" | "deriveKeyForEnvironment">;
  /** Hours a stored token lives; the function runs every third of it. Whole hours, 3 to 36. @default 24 */
  readonly tokenLifetimeHours?: number;
  /** What the run on apply waits for: the gateway service, the tier services, the gateway keys. @default none */
  readonly after?: readonly ITerraformDependable[];
  /** More values whose change re-runs it on apply (e.g. the gateway's task definition ARN). @default none */
  readonly rerunWhen?: Readonly<Record<string, string>>;
  /** Concurrency reserved for the function (VpcFunctionProps.reservedConcurrency). @default none */
  readonly reservedConcurrency?: number;
}

/**
 * Registers every MCP tier with the gateway (functions/register-tiers) and keeps the tokens the gateway stores fresh:
 * once on every apply that changes a tier, its URL, audience, scopes or key, and every `tokenLifetimeHours / 3` hours.
 * The function runs in the VPC and reaches the gateway through the internal load balancer: the gateway has no
 * service-discovery name and its task addresses change with every deployment, the load balancer forwards only to
 * tasks that pass their health check (so its 503 plainly means "not up yet"), and TLS with the certificate's name
 * keeps the admin JWT off the network in clear. Three alarms: a tier not registered (failure lines), the function
 * failing (Errors), and no complete run for two intervals (the stored tokens are then two thirds through their life).
 */
export class TierRegistration extends Construct {
  readonly function: VpcFunction;
  readonly invocation: LambdaInvocation;
  readonly schedule: CloudwatchEventRule;
  /** The configuration packed in the function's package (REGISTRATION_FILE). */
  readonly packed: RegistrationFile;
  readonly alarms: { readonly failed: CloudwatchMetricAlarm; readonly errors: CloudwatchMetricAlarm; readonly stale: CloudwatchMetricAlarm };

  constructor(scope: Construct, id: string, props: TierRegistrationProps) {
    super(scope, id);
    const { env, alerts } = props;
    const lifetime = props.tokenLifetimeHours ?? 24;
    const { loadBalancer, certificate } = props.gateway;
    const port = loadBalancer.gatewayPort;
    // rate() in minutes (a third of the lifetime); the stale alarm watches two intervals, and CloudWatch periods end at one day.
    if (!Number.isInteger(lifetime) || lifetime < 3 || lifetime > 36)
      throw new Error(`${this.node.path}: tokenLifetimeHours ${lifetime} must be a whole number from 3 to 36 (it runs every third of it; the stale alarm watches two thirds, at most one day)`);
    if (!props.tiers.length) throw new Error(`${this.node.path}: no tier to register`);
    const missing = props.tiers.filter((t) => !props.gatewayKeyAliases[t.id]).map((t) => t.id);
    if (missing.length) throw new Error(`${this.node.path}: no gateway key for tier(s) ${missing.join(", ")}; gatewayKeyAliases needs one alias per tier id`);
    const empty = props.tiers.filter((t) => !t.scopes.length).map((t) => t.id);
    if (empty.length) throw new Error(`${this.node.path}: tier(s) ${empty.join(", ")} have no scopes; the MCP server refuses a token with an empty scp`);

    // What is known at synth is packed in the function's package: it grows with the tiers, and Lambda refuses more than
    // 4 KB of environment variables (an oauth estate of about ten tiers). Only what Terraform learns at apply is in the
    // environment: the load balancer's name, the secret's ARN, a self-signed certificate.
    const file: RegistrationFile = {
      namePrefix: prefix(env),
      issuer: props.issuer,
      tokenLifetimeHours: lifetime,
      tlsServerName: tlsServerName(certificate.domainName),
      admin: { email: props.adminEmail, ...props.adminJwt },
      tiers: props.tiers.map((t) => ({ id: t.id, url: t.url, audience: t.audience, gatewayKeyAlias: props.gatewayKeyAliases[t.id], scopes: [...t.scopes] })),
    };
    this.packed = file;
    const packed = JSON.stringify(file, null, 1);
    if (Token.isUnresolved(packed)) throw new Error(`${this.node.path}: the packed configuration holds a value known only at apply (${unresolvedFields(file).join(", ")}); pass it as a name known at synth`);
    const environment: Record<string, string> = {
      [REGISTRATION_ENV.gatewayUrl]: `https://${loadBalancer.dnsName}:${port}`,
      [REGISTRATION_ENV.adminJwtSecretArn]: props.adminJwtSecret.arn,
      ...(certificate.certificatePem ? { [REGISTRATION_ENV.caCertificatePem]: certificate.certificatePem } : {}),
    };

    const intervalMinutes = lifetime * 20;
    this.function = new VpcFunction(this, "function", {
      env,
      name: "register-tiers",
      description: `On apply and every ${intervalMinutes} min: registers each MCP tier of ${env.environment} with the gateway, with a fresh ${lifetime} h token`,
      network: props.network,
      logs: props.logs,
      timeoutSeconds: TIMEOUT_SECONDS,
      memoryMiB: 256,
      networkPurpose: `HTTPS to the VPC endpoints, ${port} to the gateway's load balancer`,
      reservedConcurrency: props.reservedConcurrency,
      environment,
      packageFiles: { [REGISTRATION_FILE]: packed },
    });
    const fn = this.function;
    props.adminJwtSecret.grantRead(fn.role);

    const egress = fn.securityGroup.allowTo({ group: props.gateway.securityGroup }, port, "register-tiers to the gateway listener of the internal load balancer");
    const ingress = props.gateway.securityGroup.allowFrom({ group: fn.securityGroup }, port, "register-tiers Lambda: registers the MCP tiers with the gateway");

    // Counted before the first run writes, so neither its failure nor its success is lost.
    const failedFilter = alerts.logMetric("tier-registration-failed", fn.logGroup, "TierRegistrationFailures", `"${FAILURE_MARKER}"`);
    const okFilter = alerts.logMetric("tier-registration-ok", fn.logGroup, "TierRegistrationRuns", `"${SUCCESS_MARKER}"`);

    this.schedule = new CloudwatchEventRule(this, "schedule", {
      name: `${prefix(env)}-register-tiers`,
      description: `Re-registers the MCP tiers with fresh tokens every ${intervalMinutes} minutes (a third of their ${lifetime} h lifetime)`,
      scheduleExpression: `rate(${intervalMinutes} minutes)`,
    });
    const scheduled: RegisterEvent = { settleSeconds: SCHEDULE_SETTLE_SECONDS };
    // Scheduled runs start only once the function can reach the endpoints (MCP-DEPLOY-018).
    new CloudwatchEventTarget(this, "target", { rule: this.schedule.name, arn: fn.arn, targetId: "register-tiers", input: JSON.stringify(scheduled), dependsOn: [...fn.ready, egress, ingress] });
    new LambdaPermission(this, "schedule-invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.schedule.arn,
    });

    // Once per apply that changes what is registered (the package holds the tiers, URLs, audiences, scopes and key
    // aliases; rerunWhen the keys behind them) or the function, after the gateway and tiers exist. ECS services exist before their tasks are healthy: the run
    // waits up to APPLY_SETTLE_SECONDS for the gateway (503 from the load balancer) and each tier (502 from the
    // gateway). A failure still leaves the apply complete: it is in the result stored in the state, in the failure
    // lines (alarm tier-registration-failed), and the next scheduled run tries again.
    const onApply: RegisterEvent = { settleSeconds: APPLY_SETTLE_SECONDS, throwOnFailure: false };
    this.invocation = new LambdaInvocation(this, "on-apply", {
      functionName: fn.functionName,
      input: JSON.stringify(onApply),
      triggers: { ...environment, function: fn.fn.sourceCodeHashInput ?? "", ...props.rerunWhen },
      dependsOn: [...fn.ready, egress, ingress, failedFilter, okFilter, props.adminJwtSecret.currentValue(), ...(props.after ?? [])],
    });

    const logs = `the ${fn.logGroup.name} log group`;
    const failed = alerts.alarmOn("tier-registration-failed", {
      description: `A tier could not be registered with the gateway or its token not renewed (the ${FAILURE_MARKER} line in ${logs} names the tier and the gateway's HTTP status). Its stored token expires ${lifetime} h after the last success; then every gateway call to that tier gets 401. Re-run: aws lambda invoke --function-name ${prefix(env)}-register-tiers --payload '{"settleSeconds":60}' out.json (docs/service.md, "Tier registration").`,
      namespace: alerts.namespace,
      metricName: "TierRegistrationFailures",
      periodSeconds: 3600,
      threshold: 1,
    });
    const errors = alerts.alarmOn("tier-registration-errors", {
      description: `The register-tiers function failed (a scheduled run with a failed tier, or a crash): see ${logs}.`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.functionName },
      periodSeconds: 3600,
      threshold: 1,
    });
    const stale = alerts.alarmOn("tier-registration-stale", {
      description: `No run registered every tier in ${2 * intervalMinutes} minutes: the tokens the gateway stores have a third of their ${lifetime} h left. See ${logs}, and that the ${prefix(env)}-register-tiers schedule is enabled.`,
      namespace: alerts.namespace,
      metricName: "TierRegistrationRuns",
      periodSeconds: 2 * intervalMinutes * 60,
      threshold: 1,
      comparison: "LessThanThreshold",
      // A heartbeat: no complete run at all is the failure.
      treatMissingData: "breaching",
    });
    // Created after the first run, or it would start in ALARM for want of data.
    stale.dependsOn = [dependable(this.invocation)];
    this.alarms = { failed, errors, stale };
  }
}

/** Paths of the values in `value` that are Terraform tokens. */
function unresolvedFields(value: unknown, at = "$"): string[] {
  if (typeof value === "string") return Token.isUnresolved(value) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unresolvedFields(v, `${at}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => unresolvedFields(v, `${at}.${k}`));
  return [];
}

/** The name to check the gateway's certificate against: its domain, or for a wildcard one name it covers. */
export function tlsServerName(domainName: string): string {
  return domainName.replace(/^\*\./, "gateway.");
}
