import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AGENT_TOKEN_TAG_PREFIX, KIND_TAG, LENGTH_TAG, RESTART_SERVICE_TAG } from "../functions/rotate-secret/contract";
import { AwsEnv, ecsServiceArn, prefix } from "../lib/aws-env";
import { ReadableSecret } from "../lib/container";
import { Tier, MAX_AGENTS_PER_JWT_TIER } from "../lib/tiers";
import { EncryptionKey } from "./encryption-key";
import { pascal, Secrets } from "./secrets";
import { ServiceRole } from "./service-role";
import { MAX_ROTATION_DAYS } from "../lib/thresholds";

export interface TierSigningSecretsProps {
  readonly env: AwsEnv;
  /** Encrypts the secrets (the environment key). */
  readonly key: EncryptionKey;
  /** Provides the rotation function that generates the values inside AWS, and key-decrypt grants for readers. */
  readonly secrets: Secrets;
  readonly tiers: readonly Tier[];
  /** Days between rotations (1–90). */
  readonly rotationDays: number;
  /** Days a deleted secret can be restored (7–30). @default 30 */
  readonly recoveryWindowDays?: number;
  /**
   * A jwt-to-oauth migration (mcpServer.authMigration): the secrets serve each tier's legacy jwt service
   * (`<tier id>-jwt`, constructs/mcp-tiers.ts) and sign nothing new: agent tokens are ES256 by now, and the HS256 ones
   * agents still hold were signed with the current value, so the kit re-mints none of them. @default false
   */
  readonly legacy?: boolean;
}

/** ARN of a tier's ECS service, which McpService names `mcp-<env>-<tier id>` (built from names: see ecsServiceArn). */
export function tierServiceArn(env: AwsEnv, tierId: string): string {
  return ecsServiceArn(env, `${prefix(env)}-${tierId}`);
}

/** One tier's MCP_AUTH_SECRET_KEY. */
export class TierSigningSecret implements ReadableSecret {
  constructor(
    readonly secret: SecretsmanagerSecret,
    readonly tierId: string,
    readonly name: string,
    /** Its rotation schedule. */
    readonly rotation: SecretsmanagerSecretRotation,
    /** Returns once the first rotation has made a current value: the tier's agent tokens and service wait for it. */
    readonly firstValueReady: LambdaInvocation,
    private readonly secrets: Secrets,
  ) {}

  get arn(): string {
    return this.secret.arn;
  }

  get firstValue(): readonly ITerraformDependable[] {
    return [this.firstValueReady];
  }

  grantRead(role: ServiceRole): void {
    role.addToPolicy({ sid: `ReadTierSigningSecret${pascal(this.tierId)}`, actions: ["secretsmanager:GetSecretValue"], resources: [this.arn] });
    this.secrets.grantDecryptThroughSecretsManager(role);
  }
}

/**
 * One JWT signing secret per toolset tier (`mcp/<env>/tier-signing-secret/<tier id>`), generated and rotated inside AWS
 * by the kit's rotation function like every generated secret. The MCP server in jwt mode accepts a token signed with
 * the key it holds and checks no audience, so a token minted with tier A's secret is refused by tier B: each tier's
 * execution role can read its own secret only (docs/service.md, "Token scoping").
 *
 * Each agent group's token (`Secrets.agentTokens`) is an HS256 JWT signed with its tier's secret, minted by the same
 * function. When a tier's secret rotates, the function re-mints that tier's tokens (RotateSecret) and forces a new
 * deployment of the tier's service, whose tasks read the key only at start (docs/secrets.md, "Agent tokens").
 */
export class TierSigningSecrets extends Construct {
  readonly byTier: Readonly<Record<string, TierSigningSecret>>;

  constructor(scope: Construct, id: string, props: TierSigningSecretsProps) {
    super(scope, id);
    const { env, rotationDays } = props;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > MAX_ROTATION_DAYS) throw new Error(`${this.node.path}: rotationDays ${rotationDays} must be 1 to ${MAX_ROTATION_DAYS}`);
    const fn = props.secrets.rotationFunction;
    const byTier: Record<string, TierSigningSecret> = {};
    for (const tier of props.tiers) {
      if (tier.agents.length > MAX_AGENTS_PER_JWT_TIER) throw new Error(`${this.node.path}: tier ${tier.id} has ${tier.agents.length} agent groups; at most ${MAX_AGENTS_PER_JWT_TIER} fit in its signing secret's tags`);
      const name = `mcp/${env.environment}/tier-signing-secret/${tier.id}`;
      const tokens = (props.legacy ? [] : tier.agents).map((a) => {
        const t = props.secrets.agentTokens[a];
        if (!t) throw new Error(`${this.node.path}: tier ${tier.id} names agent group ${a}, which has no token secret`);
        return [a, t] as const;
      });
      const secret = new SecretsmanagerSecret(this, tier.id, {
        name,
        description: `MCP_AUTH_SECRET_KEY of tier ${tier.id} (${tier.toolsets.join(", ")}${tier.readOnly ? ", read-only" : ""}): signs the JWTs of agent groups ${tier.agents.join(", ")}. Generated and rotated in AWS every ${rotationDays} days.`,
        kmsKeyId: props.key.arn,
        recoveryWindowInDays: props.recoveryWindowDays ?? 30,
        // The rotation function generates what these tags say: 64 letters and digits (≥ 32 as the server demands).
        // The tokens it signs and the service that holds it: the function re-mints and restarts them when it rotates.
        tags: {
          [KIND_TAG]: "token",
          [LENGTH_TAG]: "64",
          tier: tier.id,
          [RESTART_SERVICE_TAG]: tierServiceArn(env, props.legacy ? `${tier.id}-jwt` : tier.id),
          ...Object.fromEntries(tokens.map(([a, t]) => [`${AGENT_TOKEN_TAG_PREFIX}${a}`, t.name])),
        },
      });
      const invoke = new LambdaPermission(this, `rotation-invoke-${tier.id}`, {
        statementId: `SecretsManagerRotatesTierSigningSecret${pascal(tier.id)}`,
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        principal: "secretsmanager.amazonaws.com",
        sourceArn: secret.arn,
      });
      const rotation = new SecretsmanagerSecretRotation(this, `rotation-${tier.id}`, {
        secretId: secret.arn,
        rotationLambdaArn: fn.arn,
        rotationRules: { automaticallyAfterDays: rotationDays },
        rotateImmediately: true,
        // In the VPC: the first rotation waits for the endpoints and rules the function calls through (MCP-DEPLOY-018).
        dependsOn: [invoke, ...fn.ready],
      });
      new TerraformOutput(this, `${tier.id}-arn`, { value: secret.arn, description: `ARN of ${name}` }).overrideLogicalId(`tier_${tier.id.replace(/-/g, "_")}_signing_secret_arn`);
      // RotateSecret only starts the rotation: this synchronous invocation returns once the first value is current
      // (at most SIGNER_WAIT_SECONDS), so the tier's token rotations and its service start after it, one wait per tier.
      const firstValueReady = new LambdaInvocation(this, `first-value-${tier.id}`, {
        functionName: fn.functionName,
        input: JSON.stringify({ WaitForCurrent: secret.arn }),
        lifecycleScope: "CREATE_ONLY",
        dependsOn: [rotation, ...fn.ready],
      });
      byTier[tier.id] = new TierSigningSecret(secret, tier.id, name, rotation, firstValueReady, props.secrets);
      // Its follow-ups (re-mint the tier's tokens, restart the tier) are re-checked hourly until done.
      props.secrets.followUpOnSchedule(secret);
      for (const [a] of tokens) props.secrets.signAgentToken(a, byTier[tier.id], tier.toolsets);
    }
    if (props.tiers.length) {
      fn.role.addToPolicy({
        sid: "RotateTierSigningSecrets",
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        resources: Object.values(byTier).map((s) => s.arn),
      });
      // finishSecret of a signing secret: re-mint its tokens and restart its tier (functions/rotate-secret).
      // By name prefix, like the rotation grant: one ARN per token would outgrow the role's inline policy (MCP-DEPLOY-019).
      if (!props.legacy) {
        fn.role.addToPolicy({ sid: "RemintAgentTokens", actions: ["secretsmanager:RotateSecret"], resources: [props.secrets.agentTokenArns] });
        // RotateSecret also needs invoke permission on the rotation function (Secrets Manager API reference, RotateSecret).
        fn.role.addToPolicy({ sid: "InvokeOwnRotation", actions: ["lambda:InvokeFunction"], resources: [props.secrets.rotationFunctionArn] });
      }
      fn.role.addToPolicy({ sid: "RestartTiersOnKeyRotation", actions: ["ecs:UpdateService"], resources: props.tiers.map((t) => tierServiceArn(env, props.legacy ? `${t.id}-jwt` : t.id)) });
    }
    this.byTier = byTier;
  }

  /** The signing secret of a tier; throws for a tier this construct was not given. */
  of(tierId: string): TierSigningSecret {
    const s = this.byTier[tierId];
    if (!s) throw new Error(`${this.node.path}: no signing secret for tier ${tierId}`);
    return s;
  }
}
