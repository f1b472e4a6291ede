import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AUDIENCE_TAG, ISSUER_TAG, LIFETIME_TAG, SCOPES_TAG, SIGNING_KEY_TAG, SIGNING_SECRET_TAG } from "../functions/rotate-secret/contract";
import { SecurityAlerts } from "./alerts";
import { AuditLogs } from "./audit-logs";
import { Network } from "./network";
import { RotationFunction } from "./rotation-function";
import { SecretAgeCheck } from "./secret-age-check";
import { AGENT_TOKEN_GRACE_DAYS, ManagedSecret, SecretStore, SecretStoreProps, tagValueOk } from "./secret-store";

export { pascal } from "../lib/iam";
export { AGENT_TOKEN_GRACE_DAYS, ManagedSecret, tagValueOk } from "./secret-store";
export type { AgentRef, Rotation } from "./secret-store";

export interface SecretsProps extends SecretStoreProps {
  /** The rotation and age-check functions run in its private subnets. */
  readonly network: Network;
  /** Where the functions' log groups are made. */
  readonly logs: AuditLogs;
  /** Receives the stale-secret and function-error alarms. */
  readonly alerts: SecurityAlerts;
  /**
   * Concurrent executions reserved for each of the two functions (rotation, age check); see
   * VpcFunctionProps.reservedConcurrency for why none is the default. @default none
   */
  readonly reservedConcurrency?: number;
}

/**
 * The environment's secrets (SecretStore) with what gives them values: values the kit can generate are generated
 * inside AWS by its RotationFunction (first on apply, then every `rotationDays`), so no value passes through
 * Terraform; values only a person has (model API key, IBM i password) are put by hand after deploy, and a daily
 * SecretAgeCheck raises an alarm when they are missing or older than `rotationDays`. Agent tokens get their first
 * value once a tier says how they are signed (signAgentToken, mintAgentToken).
 */
export class Secrets extends SecretStore {
  readonly rotationFunction: RotationFunction;
  /** The rotation function's ARN, known without referencing the function (RotationFunction.arnFromName). */
  readonly rotationFunctionArn: string;
  readonly ageCheckFunction: SecretAgeCheck;
  /** Agent tokens that have been told how they are signed (a tier signing secret, or a signing key). */
  private readonly signed = new Set<string>();

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id, props);
    const { env, network, logs, alerts, reservedConcurrency } = props;
    this.rotationFunction = new RotationFunction(this, "rotation", { env, network, logs, alerts, reservedConcurrency, rotationDays: props.rotationDays, mintsWithKms: props.authMode === "oauth" });
    this.rotationFunctionArn = this.rotationFunction.arnFromName;
    this.ageCheckFunction = new SecretAgeCheck(this, "age-check", { env, network, logs, alerts, reservedConcurrency, maxAgeDays: props.rotationDays });
    this.requireEveryTokenSigned();
  }

  /** What exists once `s` has a current value (RotationFunction.currentValueOf). */
  override currentValueOf(s: ManagedSecret): ITerraformDependable {
    return this.rotationFunction.currentValueOf(s);
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
    this.rotationFunction.rotate(token, this.agentTokenRotationDays, signer.firstValue, false);
  }

  /**
   * oauth mode: makes agent group `agent`'s token an ES256 JWT the rotation function mints through kms:Sign with `key`,
   * with `aud` = `audience` (its tier's canonical resource URI), `iss` = `issuer`, `client_id` and `sub` = the group, `scp`
   * = `scopes`, `exp` = agentTokenHours.lifetime after minting; re-minted every agentTokenHours.rotation hours. Its
   * first rotation starts after `after` (the JWKS holding the key: a key is published before anything is signed with it).
   */
  mintAgentToken(agent: string, opts: { readonly keyArn: string; readonly audience: string; readonly issuer: string; readonly scopes: readonly string[]; readonly after: readonly ITerraformDependable[] }): void {
    const token = this.agentTokens[agent];
    if (this.authMode !== "oauth" || !token || token.rotation.by !== "aws" || token.rotation.kind !== "agent-jwt") throw new Error(`${this.node.path}: ${agent} has no agent token to mint with a key (oauth auth mode, known agent groups only)`);
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
    this.rotationFunction.rotate(token, `rate(${h.rotation} hours)`, opts.after, false);
  }

  /**
   * Re-mints agent group `agent`'s token once `after` exists (the JWKS holding its new key), again whenever `trigger`
   * (its signing key's ARN) changes: a key rollover (RotationFunction.remint).
   */
  remintOnKeyChange(agent: string, trigger: string, after: readonly ITerraformDependable[]): LambdaInvocation {
    const token = this.agentTokens[agent];
    if (!token || !this.signed.has(agent) || this.authMode !== "oauth") throw new Error(`${this.node.path}: ${agent} has no token minted with a key`);
    return this.rotationFunction.remint(agent, token, trigger, after);
  }

  /** Redeploys ECS services after each finished rotation of `secrets` (RotationFunction.restartOnRotation). */
  restartOnRotation(id: string, services: string | Readonly<Record<string, string>>, secrets: readonly ManagedSecret[]): void {
    this.rotationFunction.restartOnRotation(id, services, secrets);
  }

  /** Redeploys ECS services after another service rotates `secretArn`, e.g. RDS (RotationFunction.restartOnServiceRotation). */
  restartOnServiceRotation(id: string, secretArn: string, services: Readonly<Record<string, string>>): void {
    this.rotationFunction.restartOnServiceRotation(id, secretArn, services);
  }

  /** Adds `secret` to the hourly re-check of unfinished follow-ups (RotationFunction.followUpOnSchedule). */
  followUpOnSchedule(secret: { readonly arn: string }): void {
    this.rotationFunction.followUpOnSchedule(secret);
  }

  /** jwt and oauth modes: at synth, every agent token must have been told how it is signed, or it would never get a value. */
  private requireEveryTokenSigned(): void {
    const unsigned = () => Object.keys(this.agentTokens).filter((n) => !this.signed.has(n));
    if (this.authMode === "jwt") {
      this.node.addValidation({ validate: () => unsigned().map((n) => `${this.node.path}: agent token ${n} has no tier signing secret (TierSigningSecrets signs every group's token)`) });
    }
    if (this.authMode === "oauth") {
      this.node.addValidation({ validate: () => unsigned().map((n) => `${this.node.path}: agent token ${n} has no signing key (mintAgentToken)`) });
    }
  }
}
