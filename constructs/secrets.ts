import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { ITerraformDependable, Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  AUDIENCE_TAG,
  CLIENT_ID_TAG,
  FOLLOW_UP_FAILED_MARKER,
  ISSUER_TAG,
  RemintInput,
  SIGNING_KEY_TAG,
  GeneratedKind,
  KIND_TAG,
  LENGTH_TAG,
  LIFETIME_TAG,
  NEVER_ROTATED,
  RESTART_SERVICE_TAG,
  ROTATION_TAG,
  SCOPES_TAG,
  SIGNER_WAIT_SECONDS,
  SIGNING_SECRET_TAG,
  STALE_PENDING_MARKER,
} from "../functions/rotate-secret/contract";
import { STALE_MARKER_TERM } from "../functions/secret-age-check/contract";
import { AwsEnv, prefix } from "../lib/aws-env";
import { recordFacts, SecretPurpose, suppress } from "../lib/resource-meta";
import { SecurityAlerts } from "./alerts";
import { AuditLogs } from "./audit-logs";
import { EncryptionKey } from "./encryption-key";
import { Network } from "./network";
import { ServiceRole } from "./service-role";
import { VpcFunction } from "./vpc-function";
import { MAX_ROTATION_DAYS } from "../lib/thresholds";

/**
 * Who puts a new value into a secret: the rotation function on apply and every `rotationDays` ("aws"), the rotation
 * function on apply only ("aws-once": a value whose change would break what was made with it, or that its reader
 * takes only once; `why` says which, and becomes the written reason for not rotating it), or a person.
 */
export type Rotation =
  | { readonly by: "aws"; readonly kind: GeneratedKind; readonly length?: number }
  | {
      readonly by: "aws-once";
      readonly kind: "token" | "password";
      readonly length: number;
      readonly why: string;
      /** After the first value a person replaces it (and the daily age check covers it). @default false */
      readonly thenPerson?: boolean;
    }
  | { readonly by: "person" };

/** One Secrets Manager entry of the environment. Holds no value: only where it is and who may read it. */
export class ManagedSecret {
  constructor(
    readonly secret: SecretsmanagerSecret,
    /** Short key, e.g. "model-api-key" or "agent-token/ops". */
    readonly key: string,
    /** Full name, `mcp/<env>/<key>`. */
    readonly name: string,
    readonly rotation: Rotation,
    private readonly owner: Secrets,
  ) {}

  /** Set by Secrets when it wires the first rotation or the generate-once invocation (none for a person's secret). */
  readonly firstValue: ITerraformDependable[] = [];

  get arn(): string {
    return this.secret.arn;
  }

  /** What exists once the secret has a current value (Secrets.currentValueOf). */
  currentValue(): ITerraformDependable {
    return this.owner.currentValueOf(this);
  }

  /** Lets `role` read the current value (e.g. an ECS execution role injecting it as a container secret). */
  grantRead(role: ServiceRole): void {
    role.addToPolicy({ sid: `Read${pascal(this.key)}`, actions: ["secretsmanager:GetSecretValue"], resources: [this.arn] });
    this.owner.grantDecryptThroughSecretsManager(role);
  }
}

export interface AgentRef {
  readonly name: string;
}

export interface SecretsProps {
  readonly env: AwsEnv;
  /** Encrypts every secret; roles reading them get decrypt through Secrets Manager only. */
  readonly key: EncryptionKey;
  /** The rotation and age-check functions run in its private subnets. */
  readonly network: Network;
  /** Where the functions' log groups are made. */
  readonly logs: AuditLogs;
  /** Receives the stale-secret and function-error alarms. */
  readonly alerts: SecurityAlerts;
  /** Days between rotations (1–90); also the age at which a person-rotated secret raises an alarm. */
  readonly rotationDays: number;
  /**
   * The MCP server's auth mode: "jwt" and "oauth" make each agent token a JWT the rotation function mints (signed with
   * the tier's signing secret, or through kms:Sign with the group's key: `mintAgentToken`), "ibmi" adds an RSA key
   * pair, "none" neither.
   */
  readonly authMode: "jwt" | "ibmi" | "oauth" | "none";
  /**
   * oauth mode: hours between re-mints of each agent token (Secrets Manager `rate(N hours)`, 4 to 23) and hours from
   * minting to `exp` (at least twice the rotation). @default 4 and 12
   */
  readonly agentTokenHours?: { readonly rotation: number; readonly lifetime: number };
  /** One bearer token each, so a token can be revoked per agent group. */
  readonly agents: readonly AgentRef[];
  /** Days a deleted secret can be restored (7–30). @default 30 */
  readonly recoveryWindowDays?: number;
  /**
   * jwt mode: days between re-mints of each agent group's JWT (1 to `rotationDays`). A token expires
   * `agentTokenRotationDays` + 2 days after minting, so its successor exists a grace period before it lapses.
   * @default the smaller of 7 and `rotationDays`
   */
  readonly agentTokenRotationDays?: number;
  /**
   * Concurrent executions reserved for each of the two functions (rotation, age check); see
   * VpcFunctionProps.reservedConcurrency for why none is the default. @default none
   */
  readonly reservedConcurrency?: number;
}

/**
 * The environment's secrets, under `mcp/<env>/`, encrypted with the environment key. Values the kit can generate
 * are generated inside AWS by the kit's rotation function (first on apply, then every `rotationDays`), so no value
 * passes through Terraform. Values only a person has (model API key, IBM i password) are put by hand after deploy;
 * a daily check raises an alarm when they are missing or older than `rotationDays`.
 */
export class Secrets extends Construct {
  readonly modelApiKey: ManagedSecret;
  /** JSON { keyId, privateKey, publicKey } for the IBM i auth endpoint (ibmi mode). */
  readonly ibmiAuthKeyPair?: ManagedSecret;
  /**
   * Bearer token per agent group, keyed by group name. In jwt mode an HS256 JWT signed with the group's tier signing
   * secret (`signAgentToken`); otherwise a random string.
   */
  readonly agentTokens: Readonly<Record<string, ManagedSecret>>;
  /** Gateway JWT_SECRET_KEY. */
  readonly gatewayJwtSecret: ManagedSecret;
  /** Gateway PLATFORM_ADMIN_PASSWORD. */
  readonly gatewayAdminPassword: ManagedSecret;
  /** Gateway AUTH_ENCRYPTION_SECRET: generated once on apply, never rotated automatically. */
  readonly gatewayEncryptionSecret: ManagedSecret;
  /** JSON { user, password } of the IBM i service profile (DB2i_USER / DB2i_PASS). */
  readonly ibmiCredentials: ManagedSecret;
  readonly rotationFunction: VpcFunction;
  /** The rotation function's ARN, known without referencing the function (see the constructor). */
  readonly rotationFunctionArn: string;
  readonly ageCheckFunction: VpcFunction;
  private readonly secrets: ManagedSecret[] = [];
  private readonly props: SecretsProps;
  private readonly decryptGranted = new Set<ServiceRole>();
  private readonly rotations = new Map<ManagedSecret, ITerraformDependable>();
  private readonly waits = new Map<ManagedSecret, ITerraformDependable>();
  /** Secrets with follow-ups (tokens they sign, services they restart), re-checked every hour until done. */
  private readonly followUps: string[] = [];
  /** Agent tokens (jwt mode) that have been given their tier signing secret. */
  private readonly signed = new Set<string>();
  /** Days between re-mints of an agent JWT. */
  readonly agentTokenRotationDays: number;
  /** oauth mode: hours between re-mints of an agent token, and its lifetime. */
  readonly agentTokenHours: { readonly rotation: number; readonly lifetime: number };

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    this.props = props;
    const { env, rotationDays } = props;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > MAX_ROTATION_DAYS) throw new Error(`${this.node.path}: rotationDays ${rotationDays} must be 1 to ${MAX_ROTATION_DAYS}`);
    const recovery = props.recoveryWindowDays ?? 30;
    if (!Number.isInteger(recovery) || recovery < 7 || recovery > 30) throw new Error(`${this.node.path}: recoveryWindowDays ${recovery} must be 7 to 30 (Secrets Manager limits)`);
    const agentNames = props.agents.map((a) => a.name);
    if (new Set(agentNames).size !== agentNames.length) throw new Error(`${this.node.path}: agent names repeat`);
    this.agentTokenRotationDays = props.agentTokenRotationDays ?? Math.min(7, rotationDays);
    if (!Number.isInteger(this.agentTokenRotationDays) || this.agentTokenRotationDays < 1 || this.agentTokenRotationDays > rotationDays) {
      throw new Error(`${this.node.path}: agentTokenRotationDays ${this.agentTokenRotationDays} must be 1 to rotationDays (${rotationDays})`);
    }
    this.agentTokenHours = props.agentTokenHours ?? { rotation: 4, lifetime: 12 };
    const h = this.agentTokenHours;
    // Secrets Manager: rate(N hours) from 4 (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html).
    if (!Number.isInteger(h.rotation) || h.rotation < 4 || h.rotation > 23 || !Number.isInteger(h.lifetime) || h.lifetime < 2 * h.rotation) {
      throw new Error(`${this.node.path}: agentTokenHours rotation ${h.rotation} must be 4 to 23 and lifetime ${h.lifetime} at least twice that`);
    }

    this.modelApiKey = this.add("model-api-key", "API key of the model provider (e.g. OpenAI) used by agents through the gateway", { by: "person" });
    if (props.authMode === "ibmi") this.ibmiAuthKeyPair = this.add("ibmi-auth-key-pair", "RSA key pair of the MCP server's IBM i auth endpoint (ibmi auth mode), JSON keyId/privateKey/publicKey", { by: "aws", kind: "rsa-key-pair" });
    // jwt mode: each tier verifies with its own signing secret (TierSigningSecrets), which signs its groups' tokens.
    this.agentTokens = Object.fromEntries(
      agentNames.map((n) => [
        n,
        props.authMode === "jwt"
          ? this.add(`agent-token/${n}`, `Bearer JWT of agent group ${n} (cid ${n}), signed with its tier's signing secret`, { by: "aws", kind: "agent-jwt" })
          : props.authMode === "oauth"
            ? this.add(`agent-token/${n}`, `Bearer ES256 JWT of agent group ${n} (client_id ${n}), signed through kms:Sign with its group's key, audience its tier`, { by: "aws", kind: "agent-jwt" })
            : this.add(`agent-token/${n}`, `Bearer token of agent group ${n}; rotate or delete to revoke that group alone`, { by: "aws", kind: "token", length: 48 }),
      ]),
    );
    this.gatewayJwtSecret = this.add("gateway-jwt-secret", "JWT_SECRET_KEY of the MCP gateway", { by: "aws", kind: "token", length: 64 });
    // Context Forge v0.7.0 reads PLATFORM_ADMIN_PASSWORD only to create the platform admin when it does not exist yet
    // (mcpgateway/bootstrap_db.py:72-75 "already exists - skipping creation"): a rotated value would never change the
    // login, and after two rotations the working one would have no staging label left.
    this.gatewayAdminPassword = this.add("gateway-admin-password", "PLATFORM_ADMIN_PASSWORD of the MCP gateway: the first administrator's password, set when the gateway first starts", {
      by: "aws-once",
      kind: "password",
      length: 32,
      why: "the gateway reads it only to create its first administrator (Context Forge bootstrap_db.py skips an existing admin), so a rotation would change nothing but the secret; an operator changes the password in the gateway and then puts it here (docs/secrets.md)",
      thenPerson: true,
    });
    // Context Forge derives an AES-GCM key from this phrase (SHA-256) and encrypts with it the credentials it stores: the
    // auth values of registered gateways and tools (the tier tokens) and OAuth tokens. Upstream default "my-test-salt".
    // IBM/mcp-context-forge mcpgateway/config.py (`auth_encryption_secret`, "Encryption key phrase for auth storage"),
    // mcpgateway/utils/services_auth.py (encode_auth/decode_auth), mcpgateway/services/token_storage_service.py.
    this.gatewayEncryptionSecret = this.add("gateway-encryption-secret", "AUTH_ENCRYPTION_SECRET of the MCP gateway: encrypts the credentials it stores for reaching the tiers", {
      by: "aws-once",
      kind: "token",
      length: 64,
      why: "the gateway encrypts the credentials it stores with this key; a scheduled rotation would make them unreadable, so it is generated once on apply and rotated only deliberately by an operator who re-registers the stored credentials (docs/secrets.md)",
    });
    this.ibmiCredentials = this.add("ibmi-service-credentials", "IBM i service profile for the MCP server, JSON user/password (DB2i_USER, DB2i_PASS); changed on IBM i first, then here", { by: "person" });

    const generated = this.secrets.filter((s) => s.rotation.by === "aws");
    const once = this.secrets.filter((s) => s.rotation.by === "aws-once");
    // Every secret a person owns, including those the kit only seeds: the age check raises an alarm when one is old.
    const manual = this.secrets.filter((s) => s.rotation.by === "person" || (s.rotation.by === "aws-once" && s.rotation.thenPerson));

    this.rotationFunction = new VpcFunction(this, "rotation", {
      env,
      name: "rotate-secret",
      description: `Generates and rotates the kit-generated secrets of ${env.environment} inside AWS`,
      network: props.network,
      logs: props.logs,
      reservedConcurrency: props.reservedConcurrency,
      // An agent token's first rotation may wait this long for its signing secret's first value (functions/rotate-secret).
      timeoutSeconds: SIGNER_WAIT_SECONDS + 30,
      // oauth mode: it writes the JWKS object (constructs/jwks-bucket.ts) through the S3 gateway endpoint.
      reachesS3: props.authMode === "oauth",
    });
    // VpcFunction names it mcp-<env>-<name>. An ARN built from that name, for grants on the function's own role: its
    // policy is created before the function, so a reference to the function's arn attribute would be a cycle.
    this.rotationFunctionArn = `arn:${env.partition}:lambda:${env.region}:${env.accountId}:function:${prefix(env)}-rotate-secret`;
    const rotationRole = this.rotationFunction.role;
    rotationRole.addToPolicy({
      sid: "RotateGeneratedSecrets",
      actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      // Every agent token by one name-prefix ARN: one ARN each passes IAM's 10,240-character inline policy limit from
      // about 40 agent groups (MCP-DEPLOY-019).
      resources: [...generated.filter((s) => !this.isAgentToken(s)).map((s) => s.arn), ...(agentNames.length ? [this.agentTokenArns] : [])],
    });
    rotationRole.addToPolicy({
      sid: "GenerateRandomValues",
      actions: ["secretsmanager:GetRandomPassword"],
      resources: ["*"],
      why: 'GetRandomPassword acts on no resource; IAM accepts only "*" for it.',
    });
    // Never-rotated secrets: only whether one has a value yet, and its first value.
    rotationRole.addToPolicy({ sid: "GenerateOnceSecrets", actions: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], resources: once.map((s) => s.arn) });
    props.key.grantEncryptDecrypt(rotationRole, "RotationFunctionThroughSecretsManager", { StringEquals: { "kms:ViaService": `secretsmanager.${env.region}.amazonaws.com` } });
    // Agent JWTs get their rotation when they learn their signing secret (signAgentToken): the first mint needs it.
    for (const s of generated) if (s.rotation.by !== "aws" || s.rotation.kind !== "agent-jwt") this.rotate(s, rotationDays, [], !this.isAgentToken(s));
    for (const s of once) this.generateOnce(s);
    if (props.authMode === "jwt") {
      this.node.addValidation({
        validate: () => agentNames.filter((n) => !this.signed.has(n)).map((n) => `${this.node.path}: agent token ${n} has no tier signing secret (TierSigningSecrets signs every group's token)`),
      });
    }
    if (props.authMode === "oauth") {
      this.node.addValidation({
        validate: () => agentNames.filter((n) => !this.signed.has(n)).map((n) => `${this.node.path}: agent token ${n} has no signing key (mintAgentToken)`),
      });
      if (agentNames.length) {
        // Remint (a key rollover) starts a rotation of the token now: RotateSecret on it, and the invoke permission
        // RotateSecret needs on the rotation function (Secrets Manager API reference, RotateSecret). By name prefix, as
        // above. Sids apart from TierSigningSecrets' own, which a jwt tier kept during migration adds to the same role.
        rotationRole.addToPolicy({ sid: "RemintOauthAgentTokens", actions: ["secretsmanager:RotateSecret"], resources: [this.agentTokenArns] });
        rotationRole.addToPolicy({ sid: "InvokeOwnRotationToRemint", actions: ["lambda:InvokeFunction"], resources: [this.rotationFunctionArn] });
      }
    }

    this.ageCheckFunction = new VpcFunction(this, "age-check", {
      env,
      name: "secret-age-check",
      description: `Raises an alarm when a person-rotated secret of ${env.environment} is missing or older than ${rotationDays} days`,
      network: props.network,
      logs: props.logs,
      reservedConcurrency: props.reservedConcurrency,
      environment: { SECRET_IDS: JSON.stringify(manual.map((s) => s.name)), MAX_AGE_DAYS: String(rotationDays) },
    });
    this.ageCheckFunction.role.addToPolicy({ sid: "ReadVersionMetadata", actions: ["secretsmanager:ListSecretVersionIds"], resources: manual.map((s) => s.arn) });
    const schedule = new CloudwatchEventRule(this, "age-check-schedule", {
      name: `${prefix(env)}-secret-age-check`,
      description: "Daily age check of the secrets only people rotate",
      scheduleExpression: "rate(1 day)",
    });
    // The schedule may fire soon after it exists: like every run during apply, it waits for the VPC endpoints (MCP-DEPLOY-018).
    new CloudwatchEventTarget(this, "age-check-target", { rule: schedule.name, arn: this.ageCheckFunction.arn, targetId: "secret-age-check", dependsOn: [...this.ageCheckFunction.ready] });
    new LambdaPermission(this, "age-check-invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.ageCheckFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });
    // Hourly: follow-ups of a rotation that did not finish (a throttled restart, a timed-out cascade) are repeated until
    // done, and each failing run logs again, so the follow-up alarm stays while agents are refused. A rotation that has
    // nothing left to do costs one DescribeSecret per secret (functions/rotate-secret, FollowUps).
    const followUpSchedule = new CloudwatchEventRule(this, "follow-up-schedule", {
      name: `${prefix(env)}-rotation-follow-ups`,
      description: "Hourly: repeats the unfinished follow-ups of rotated secrets (token re-mints, service restarts) until done",
      scheduleExpression: "rate(1 hour)",
    });
    new CloudwatchEventTarget(this, "follow-up-target", {
      rule: followUpSchedule.name,
      arn: this.rotationFunction.arn,
      targetId: "rotation-follow-ups",
      input: Lazy.stringValue({ produce: () => JSON.stringify({ FollowUps: this.followUps }) }),
      dependsOn: [...this.rotationFunction.ready],
    });
    new LambdaPermission(this, "follow-up-invoke", {
      statementId: "EventBridgeFollowUps",
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: followUpSchedule.arn,
    });
    props.alerts.logMetric("stale-secrets", this.ageCheckFunction.logGroup, "StaleSecrets", STALE_MARKER_TERM);
    props.alerts.alarmOn("stale-secrets", {
      description: `A secret only people rotate (${manual.map((s) => s.name).join(", ")}) is missing or older than ${rotationDays} days, or its age could not be read: change it where it is used first (IBM i, the model provider, the gateway), then put it with aws secretsmanager put-secret-value (see docs/secrets.md).`,
      namespace: props.alerts.namespace,
      metricName: "StaleSecrets",
      periodSeconds: 86400,
      threshold: 1,
    });
    // The function's own lines (functions/rotate-secret/contract.ts markers): which failure this was, counted apart.
    props.alerts.logMetric("secret-follow-ups-failed", this.rotationFunction.logGroup, "RotationFollowUpsFailed", `"${FOLLOW_UP_FAILED_MARKER}"`);
    props.alerts.alarmOn("secret-follow-ups-failed", {
      description: `A secret's new value is current, but what must follow it did not: agent tokens it signs not re-minted, or a service holding it not redeployed (the ${FOLLOW_UP_FAILED_MARKER} line in the rotate-secret log group names them). Until it follows, that tier's agents are refused. Secrets Manager retries; to repeat it now: aws lambda invoke --function-name ${prefix(env)}-rotate-secret --payload '{"FollowUp":"<secret ARN>"}' (docs/secrets.md, "When a rotation fails").`,
      namespace: props.alerts.namespace,
      metricName: "RotationFollowUpsFailed",
      // Two hours: the hourly re-check logs again while it still fails, so the alarm stays until the follow-up is done.
      periodSeconds: 7200,
      threshold: 1,
    });
    props.alerts.logMetric("secret-stale-pending-cleared", this.rotationFunction.logGroup, "StalePendingCleared", `"${STALE_PENDING_MARKER}"`);
    props.alerts.alarmOn("secret-stale-pending-cleared", {
      description: `The rotation function removed AWSPENDING from a version that could never pass its test (e.g. an agent JWT signed with a key that has rotated since; the ${STALE_PENDING_MARKER} line names it). The secret keeps its current value; a new rotation starts afresh (by schedule, a signing secret's follow-up, or aws secretsmanager rotate-secret).`,
      namespace: props.alerts.namespace,
      metricName: "StalePendingCleared",
      periodSeconds: 3600,
      threshold: 1,
    });
    for (const [id, f, what] of [
      [
        "secret-rotation-errors",
        this.rotationFunction,
        'The rotation function failed; its log group says which secret and step. Before finishSecret the secret keeps its current value and Secrets Manager retries; after it (alarm secret-follow-ups-failed) the new value is current and a follow-up is missing. See docs/secrets.md, "When a rotation fails".',
      ],
      ["secret-age-check-errors", this.ageCheckFunction, "The daily secret age check failed, so stale secrets would go unnoticed; see its log group."],
    ] as const) {
      props.alerts.alarmOn(id, { description: what, namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: f.functionName }, periodSeconds: 3600, threshold: 1 });
    }

    for (const s of this.secrets) {
      const tf = s.key.replace(/[^a-z0-9]+/g, "_");
      new TerraformOutput(this, `${s.key.replace(/\//g, "-")}-arn`, { value: s.arn, description: `ARN of ${s.name}` }).overrideLogicalId(`secret_${tf}_arn`);
      new TerraformOutput(this, `${s.key.replace(/\//g, "-")}-name`, { value: s.name, description: `Name of the secret (${this.summary(s.rotation)})` }).overrideLogicalId(`secret_${tf}_name`);
    }
  }

  /**
   * jwt mode: makes agent group `agent`'s token an HS256 JWT signed with `signer` (its tier's signing secret), with
   * `scp` = `scopes`. The rotation function reads the signer's ARN, scopes and lifetime from the token secret's tags;
   * the token's first rotation starts after the signer's `firstValue` (its first value is current), and its
   * createSecret still polls for it, boundedly, should anything else have started it earlier. The rotation role must be able to read the signer
   * (TierSigningSecrets grants it, as it rotates them).
   */
  signAgentToken(agent: string, signer: { readonly arn: string; readonly firstValue: readonly ITerraformDependable[] }, scopes: readonly string[]): void {
    const token = this.agentTokens[agent];
    if (!token || token.rotation.by !== "aws" || token.rotation.kind !== "agent-jwt") throw new Error(`${this.node.path}: ${agent} has no agent JWT to sign (jwt auth mode, known agent groups only)`);
    if (this.signed.has(agent)) throw new Error(`${this.node.path}: agent token ${agent} is already signed by a tier`);
    const scp = scopes.join(" ");
    // Secrets Manager tag values: at most 256 characters of letters, digits, spaces and + - = . _ : / @.
    if (!scopes.length || scp.length > 256 || !/^[A-Za-z0-9 +\-=._:/@]+$/.test(scp)) throw new Error(`${this.node.path}: scopes of ${agent} (${scp}) must be 1 to 256 tag-safe characters`);
    this.signed.add(agent);
    token.secret.tags = {
      ...this.tagsOf(token.rotation, agent),
      [SIGNING_SECRET_TAG]: signer.arn,
      [SCOPES_TAG]: scp,
      [LIFETIME_TAG]: String((this.agentTokenRotationDays + AGENT_TOKEN_GRACE_DAYS) * 24),
    };
    this.rotate(token, this.agentTokenRotationDays, signer.firstValue, false);
  }

  /**
   * oauth mode: makes agent group `agent`'s token an ES256 JWT the rotation function mints through kms:Sign with `key`,
   * with `aud` = `audience` (its tier's canonical resource URI), `iss` = `issuer`, `client_id` and `sub` = the group, `scp`
   * = `scopes`, `exp` = agentTokenHours.lifetime after minting; re-minted every agentTokenHours.rotation hours. Its
   * first rotation starts after `after` (the JWKS holding the key: a key is published before anything is signed with it).
   */
  mintAgentToken(agent: string, opts: { readonly keyArn: string; readonly audience: string; readonly issuer: string; readonly scopes: readonly string[]; readonly after: readonly ITerraformDependable[] }): void {
    const token = this.agentTokens[agent];
    if (this.props.authMode !== "oauth" || !token || token.rotation.by !== "aws" || token.rotation.kind !== "agent-jwt") throw new Error(`${this.node.path}: ${agent} has no agent token to mint with a key (oauth auth mode, known agent groups only)`);
    if (this.signed.has(agent)) throw new Error(`${this.node.path}: agent token ${agent} already has a signing key`);
    const scp = opts.scopes.join(" ");
    for (const [what, v] of [
      ["scopes", scp],
      ["audience", opts.audience],
      ["issuer", opts.issuer],
    ] as const) {
      if (!tagValueOk(v)) throw new Error(`${this.node.path}: ${what} of ${agent} (${v}) must be 1 to 256 characters Secrets Manager allows in a tag value (letters, digits, spaces, _ . : / = + - @)`);
    }
    this.signed.add(agent);
    const h = this.agentTokenHours;
    token.secret.tags = {
      ...this.tagsOf(token.rotation, agent),
      [SIGNING_KEY_TAG]: opts.keyArn,
      [AUDIENCE_TAG]: opts.audience,
      [ISSUER_TAG]: opts.issuer,
      [SCOPES_TAG]: scp,
      [LIFETIME_TAG]: String(h.lifetime),
    };
    this.rotate(token, `rate(${h.rotation} hours)`, opts.after, false);
  }

  /**
   * Re-mints agent group `agent`'s token once `after` exists (the JWKS holding its new key), again whenever `trigger`
   * (its signing key's ARN) changes: a key rollover. Waits for the token's first value, so it never overlaps the
   * first rotation (RotateSecret refuses while one is in progress).
   */
  remintOnKeyChange(agent: string, trigger: string, after: readonly ITerraformDependable[]): LambdaInvocation {
    const token = this.agentTokens[agent];
    if (!token || !this.signed.has(agent) || this.props.authMode !== "oauth") throw new Error(`${this.node.path}: ${agent} has no token minted with a key`);
    const input: RemintInput = { Remint: token.arn };
    return new LambdaInvocation(this, `remint-${agent}`, {
      functionName: this.rotationFunction.functionName,
      input: JSON.stringify(input),
      triggers: { signingKey: trigger },
      dependsOn: [...after, this.currentValueOf(token), ...this.rotationFunction.ready],
    });
  }

  /**
   * Makes ECS services (ARNs built from names: ecsServiceArn) redeploy after each finished rotation of `secrets`,
   * whose values their tasks read only at start. One service (the gateway) is named by the secret's
   * `mcp-restart-service` tag, as for a tier signing secret; several (every tier reading the IBM i auth key pair), given
   * by id, by one `mcp-restart-service:<id>` tag each. The rotation function may update exactly those services. A first
   * value restarts nothing.
   */
  restartOnRotation(id: string, services: string | Readonly<Record<string, string>>, secrets: readonly ManagedSecret[]): void {
    if (!secrets.length) throw new Error(`${this.node.path}: ${id} restarts on the rotation of no secret`);
    const restartTags: Record<string, string> = typeof services === "string" ? { [RESTART_SERVICE_TAG]: services } : Object.fromEntries(Object.entries(services).map(([k, arn]) => [`${RESTART_SERVICE_TAG}:${k}`, arn]));
    const arns = Object.values(restartTags);
    if (!arns.length) throw new Error(`${this.node.path}: ${id} names no service to restart`);
    for (const s of secrets) {
      if (!this.secrets.includes(s)) throw new Error(`${this.node.path}: ${s.name} is not a secret of this construct`);
      if (s.rotation.by !== "aws" || s.rotation.kind === "agent-jwt") throw new Error(`${this.node.path}: ${s.name} is not rotated by the kit's function on a schedule, so nothing would restart ${id}`);
      const tags = s.secret.tagsInput ?? {};
      const already = Object.keys(tags).find((k) => k === RESTART_SERVICE_TAG || k.startsWith(`${RESTART_SERVICE_TAG}:`));
      if (already) throw new Error(`${this.node.path}: ${s.name} already restarts ${tags[already]}`);
      // Secrets Manager allows 50 tags per secret; provider default tags take up to 10 (lib/tiers.ts).
      if (Object.keys(tags).length + arns.length > 40) throw new Error(`${this.node.path}: ${s.name} cannot name ${arns.length} services to restart in its tags (at most ${40 - Object.keys(tags).length})`);
      s.secret.tags = { ...tags, ...restartTags };
      this.followUpOnSchedule(s);
    }
    this.rotationFunction.role.addToPolicy({ sid: `Restart${pascal(id)}OnSecretRotation`, actions: ["ecs:UpdateService"], resources: arns });
  }

  /**
   * A secret another service rotates (the RDS-managed master password, every 7 days by default): when CloudTrail logs
   * its RotationSucceeded service event, EventBridge invokes the rotation function, which forces a new deployment of
   * `services` (functions/rotate-secret, RestartServices); their tasks read the value only at start. Without it the
   * tasks keep the old password: pooled connections live on, new ones fail until health checks replace the tasks.
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html (RotationSucceeded)
   */
  restartOnServiceRotation(id: string, secretArn: string, services: Readonly<Record<string, string>>): void {
    const arns = Object.values(services);
    if (!arns.length) throw new Error(`${this.node.path}: ${id} names no service to restart`);
    const env = this.props.env;
    const rule = new CloudwatchEventRule(this, `${id}-rotated`, {
      name: `${prefix(env)}-${id}-rotated`,
      description: `Redeploys ${Object.keys(services).join(", ")} when ${id}'s secret has rotated (its tasks read it only at start)`,
      eventPattern: JSON.stringify({
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationSucceeded"], additionalEventData: { SecretId: [secretArn] } },
      }),
    });
    new CloudwatchEventTarget(this, `${id}-rotated-target`, {
      rule: rule.name,
      arn: this.rotationFunction.arn,
      targetId: `${id}-restart`,
      // The secret from the event, the services fixed here: the function's role may update only these services.
      inputTransformer: {
        inputPaths: { secret: "$.detail.additionalEventData.SecretId" },
        inputTemplate: `{"RestartServices":{"secret":<secret>,"services":${JSON.stringify(arns)}}}`,
      },
      dependsOn: [...this.rotationFunction.ready],
    });
    new LambdaPermission(this, `${id}-rotated-invoke`, {
      statementId: `EventBridgeRestartOn${pascal(id)}Rotation`,
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
    this.rotationFunction.role.addToPolicy({ sid: `Restart${pascal(id)}OnServiceRotation`, actions: ["ecs:UpdateService"], resources: arns });
  }

  /**
   * Adds `secret` (one whose rotation re-mints tokens or restarts services) to the hourly re-check that repeats its
   * unfinished follow-ups. The rotation function may already describe and update the stages of every secret it rotates.
   */
  followUpOnSchedule(secret: { readonly arn: string }): void {
    if (!this.followUps.includes(secret.arn)) this.followUps.push(secret.arn);
  }

  /**
   * The one value of a never-rotated secret, generated inside AWS on apply: Terraform invokes the rotation function
   * once (aws_lambda_invocation, on create only) with the secret's ARN; it puts a value only when there is none and
   * returns no value, so nothing secret reaches the state. No rotation schedule: MCP-SEC-002 is suppressed with why.
   */
  private generateOnce(s: ManagedSecret): void {
    const generate = new LambdaInvocation(this, `generate-${s.key.replace(/\//g, "-")}`, {
      functionName: this.rotationFunction.functionName,
      input: JSON.stringify({ GenerateOnce: s.arn }),
      lifecycleScope: "CREATE_ONLY",
      // In the VPC: without its endpoints the call times out (MCP-DEPLOY-018).
      dependsOn: [...this.rotationFunction.ready],
    });
    // Synchronous: the value exists when Terraform has created this resource.
    s.firstValue.push(generate);
    if (s.rotation.by === "aws-once") suppress(s.secret, "MCP-SEC-002", s.rotation.why);
  }

  /** `schedule`: days between rotations, or a Secrets Manager schedule expression (`rate(4 hours)`). */
  private rotate(s: ManagedSecret, schedule: number | string, after: readonly ITerraformDependable[] = [], waitForValue = true): void {
    const id = s.key.replace(/\//g, "-");
    // Secrets Manager invokes the function for this secret only; the rotation must wait for the permission,
    // or the immediate first rotation fails.
    const invoke = new LambdaPermission(this, `rotation-invoke-${id}`, {
      statementId: `SecretsManagerRotates${pascal(s.key)}`,
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: s.arn,
    });
    const rotation = new SecretsmanagerSecretRotation(this, `rotation-${id}`, {
      secretId: s.arn,
      rotationLambdaArn: this.rotationFunction.arn,
      rotationRules: typeof schedule === "number" ? { automaticallyAfterDays: schedule } : { scheduleExpression: schedule },
      // The first value is generated on apply, inside AWS; until then the secret has no version at all.
      rotateImmediately: true,
      // The function runs in the VPC: it waits for the endpoints it calls through (MCP-DEPLOY-018). `after`: what it
      // reads, e.g. an agent token's signing secret having its first value.
      dependsOn: [invoke, ...this.rotationFunction.ready, ...after],
    });
    this.rotations.set(s, rotation);
    // RotateSecret returns once the rotation has started. What reads the value at start (an ECS task injecting it)
    // waits for the value itself (currentValueOf); agent tokens, read by hosts outside the plan, need not.
    s.firstValue.push(...(waitForValue ? [this.currentValueOf(s)] : [rotation]));
  }

  /**
   * What exists once `s` has a current value. A rotated secret's first rotation is asynchronous (RotateSecret returns
   * when it starts), so for those this is a synchronous, create-only invocation of the rotation function that returns
   * once the secret has an AWSCURRENT version (at most SIGNER_WAIT_SECONDS, reading metadata only): a task that found
   * none would fail to start, and three failures stop a first deployment. Made once per secret, on first use; each
   * holds one execution of the function while it waits, so only readers that need it ask for it.
   */
  currentValueOf(s: ManagedSecret): ITerraformDependable {
    const made = this.waits.get(s);
    if (made) return made;
    if (s.rotation.by !== "aws") {
      if (!s.firstValue.length) throw new Error(`${this.node.path}: ${s.name} gets its value from a person; nothing in the plan can wait for it`);
      return s.firstValue[0];
    }
    const rotation = this.rotations.get(s);
    if (!rotation) throw new Error(`${this.node.path}: ${s.name} has no rotation yet (an agent token gets it from its tier's signing secret)`);
    const wait = new LambdaInvocation(this, `first-value-${s.key.replace(/\//g, "-")}`, {
      functionName: this.rotationFunction.functionName,
      input: JSON.stringify({ WaitForCurrent: s.arn }),
      lifecycleScope: "CREATE_ONLY",
      dependsOn: [rotation, ...this.rotationFunction.ready],
    });
    this.waits.set(s, wait);
    return wait;
  }

  private summary(r: Rotation): string {
    if (r.by === "aws" && r.kind === "agent-jwt" && this.props.authMode === "oauth")
      return `Minted in AWS every ${this.agentTokenHours.rotation} hours through kms:Sign with its group's key; expires ${this.agentTokenHours.lifetime} hours after minting`;
    if (r.by === "aws" && r.kind === "agent-jwt") return `Minted in AWS every ${this.agentTokenRotationDays} days and whenever its tier's signing secret rotates; expires ${this.agentTokenRotationDays + AGENT_TOKEN_GRACE_DAYS} days after minting`;
    return rotationSummary(r, this.props.rotationDays);
  }

  private tagsOf(rotation: Rotation, agent?: string): Record<string, string> {
    if (rotation.by === "person") return { "mcp-secret-rotated-by": "person" };
    if (rotation.by === "aws-once") return { [KIND_TAG]: rotation.kind, [LENGTH_TAG]: String(rotation.length), [ROTATION_TAG]: NEVER_ROTATED };
    if (rotation.kind === "agent-jwt") return { [KIND_TAG]: rotation.kind, ...(agent ? { [CLIENT_ID_TAG]: agent } : {}) };
    return { [KIND_TAG]: rotation.kind, ...(rotation.length ? { [LENGTH_TAG]: String(rotation.length) } : {}) };
  }

  /**
   * Every agent token secret of the environment by name prefix (`mcp/<env>/agent-token/*`; Secrets Manager appends six
   * random characters to the name in the ARN), for grants that cover all of them.
   */
  get agentTokenArns(): string {
    const { partition, region, accountId, environment } = this.props.env;
    return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:mcp/${environment}/agent-token/*`;
  }

  private isAgentToken(s: ManagedSecret): boolean {
    return Object.values(this.agentTokens).includes(s);
  }

  /** Every secret of the environment. */
  get all(): readonly ManagedSecret[] {
    return this.secrets;
  }

  /** Adds key-decrypt for `role`, once per role, only when Secrets Manager asks on its behalf. */
  grantDecryptThroughSecretsManager(role: ServiceRole): void {
    if (this.decryptGranted.has(role)) return;
    this.decryptGranted.add(role);
    this.props.key.grantDecrypt(role, `ReadSecrets${pascal(role.node.path.split("/").slice(1).join("-"))}`, { StringEquals: { "kms:ViaService": `secretsmanager.${this.props.env.region}.amazonaws.com` } });
  }

  private add(key: string, description: string, rotation: Rotation): ManagedSecret {
    const name = `mcp/${this.props.env.environment}/${key}`;
    const tags = this.tagsOf(rotation, key.startsWith("agent-token/") ? key.slice("agent-token/".length) : undefined);
    const secret = new SecretsmanagerSecret(this, key.replace(/\//g, "-"), {
      name,
      description: `${description}. ${this.summary(rotation)}.`,
      kmsKeyId: this.props.key.arn,
      recoveryWindowInDays: this.props.recoveryWindowDays ?? 30,
      tags,
    });
    recordFacts(secret, { secretPurpose: purposeOf(key) });
    const managed = new ManagedSecret(secret, key, name, rotation, this);
    this.secrets.push(managed);
    return managed;
  }
}

/** What the report's checklist asks about a secret for (lib/resource-meta.ts), from its key, never from its description. */
function purposeOf(key: string): SecretPurpose | undefined {
  if (key === "ibmi-service-credentials") return "ibmi-credentials";
  if (key === "model-api-key") return "model-api-key";
  return key.startsWith("agent-token/") ? "agent-token" : undefined;
}

/**
 * Days an agent JWT outlives its scheduled successor: Secrets Manager runs a rotation at some hour of the day it is due,
 * and a failed one (alarm `secret-rotation-errors`) needs time to be retried before agents lose access.
 */
export const AGENT_TOKEN_GRACE_DAYS = 2;

function rotationSummary(r: Rotation, days: number): string {
  if (r.by === "aws-once") return "Generated once in AWS on apply, never rotated automatically (stored credentials would become unreadable; docs/secrets.md)";
  return r.by === "aws" ? `Generated and rotated in AWS every ${days} days` : `Put by a person; alarm when older than ${days} days`;
}

/** Secrets Manager tag values: at most 256 characters of letters, digits, spaces and _ . : / = + - @. */
export function tagValueOk(v: string): boolean {
  return v.length > 0 && v.length <= 256 && /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(v);
}

/** "agent-token/ops" → "AgentTokenOps": IAM statement ids are alphanumeric. */
export function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}
