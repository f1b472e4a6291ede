import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { CLIENT_ID_TAG, GeneratedKind, KIND_TAG, LENGTH_TAG, NEVER_ROTATED, ROTATION_TAG } from "../functions/rotate-secret/contract";
import { AwsEnv } from "../lib/aws-env";
import { pascal } from "../lib/iam";
import { recordFacts, SecretPurpose } from "../lib/resource-meta";
import { MAX_ROTATION_DAYS } from "../lib/thresholds";
import { EncryptionKey } from "./encryption-key";
import { ServiceRole } from "./service-role";

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
    private readonly owner: SecretStore,
  ) {}

  /** Set by the rotation function when it wires the first rotation or the generate-once invocation (none for a person's secret). */
  readonly firstValue: ITerraformDependable[] = [];

  get arn(): string {
    return this.secret.arn;
  }

  /** What exists once the secret has a current value (SecretStore.currentValueOf). */
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

export interface SecretStoreProps {
  readonly env: AwsEnv;
  /** Encrypts every secret; roles reading them get decrypt through Secrets Manager only. */
  readonly key: EncryptionKey;
  /** Days between rotations (1–90); also the age at which a person-rotated secret raises an alarm. Each secret's description says it. */
  readonly rotationDays: number;
  /**
   * The MCP server's auth mode: "jwt" and "oauth" make each agent token a JWT the rotation function mints (signed with
   * the tier's signing secret, or through kms:Sign with the group's key), "ibmi" adds an RSA key pair, "none" neither.
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
}

/**
 * The environment's secrets, under `mcp/<env>/`, encrypted with the environment key, each tagged with how it gets its
 * value (the rotation function reads the tags) and output by ARN and name. Holds no value: values come from the
 * rotation function or a person (Secrets wires both).
 */
export class SecretStore extends Construct {
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
  /** Days between re-mints of an agent JWT. */
  readonly agentTokenRotationDays: number;
  /** oauth mode: hours between re-mints of an agent token, and its lifetime. */
  readonly agentTokenHours: { readonly rotation: number; readonly lifetime: number };
  readonly authMode: SecretStoreProps["authMode"];
  /** Encrypts every secret of the store. */
  readonly key: EncryptionKey;
  private readonly env: AwsEnv;
  private readonly rotationDays: number;
  private readonly recoveryWindowDays: number;
  private readonly secrets: ManagedSecret[] = [];
  private readonly decryptGranted = new Set<ServiceRole>();

  constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id);
    this.env = props.env;
    this.key = props.key;
    this.authMode = props.authMode;
    this.rotationDays = props.rotationDays;
    ({ recoveryWindowDays: this.recoveryWindowDays, agentTokenRotationDays: this.agentTokenRotationDays, agentTokenHours: this.agentTokenHours } = this.checked(props));

    this.modelApiKey = this.add("model-api-key", "API key of the model provider (e.g. OpenAI) used by agents through the gateway", { by: "person" });
    if (props.authMode === "ibmi") this.ibmiAuthKeyPair = this.add("ibmi-auth-key-pair", "RSA key pair of the MCP server's IBM i auth endpoint (ibmi auth mode), JSON keyId/privateKey/publicKey", { by: "aws", kind: "rsa-key-pair" });
    // jwt mode: each tier verifies with its own signing secret (TierSigningSecrets), which signs its groups' tokens.
    this.agentTokens = Object.fromEntries(
      props.agents.map(({ name: n }) => [
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
    this.outputEach();
  }

  /** Every secret of the environment. */
  get all(): readonly ManagedSecret[] {
    return this.secrets;
  }

  /**
   * Every agent token secret of the environment by name prefix (`mcp/<env>/agent-token/*`; Secrets Manager appends six
   * random characters to the name in the ARN), for grants that cover all of them.
   */
  get agentTokenArns(): string {
    const { partition, region, accountId, environment } = this.env;
    return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:mcp/${environment}/agent-token/*`;
  }

  isAgentToken(s: ManagedSecret): boolean {
    return Object.values(this.agentTokens).includes(s);
  }

  /**
   * What exists once `s` has a current value. A store makes no values; the construct that generates them answers
   * (Secrets: its RotationFunction).
   */
  currentValueOf(s: ManagedSecret): ITerraformDependable {
    throw new Error(`${this.node.path}: nothing in this plan gives ${s.name} a value to wait for`);
  }

  /** Adds key-decrypt for `role`, once per role, only when Secrets Manager asks on its behalf. */
  grantDecryptThroughSecretsManager(role: ServiceRole): void {
    if (this.decryptGranted.has(role)) return;
    this.decryptGranted.add(role);
    this.key.grantDecrypt(role, `ReadSecrets${pascal(role.node.path.split("/").slice(1).join("-"))}`, { StringEquals: { "kms:ViaService": `secretsmanager.${this.env.region}.amazonaws.com` } });
  }

  /** The props' limits (Secrets Manager's and the kit's), each refused with the prop's name and value; defaults filled in. */
  private checked(props: SecretStoreProps) {
    const { rotationDays } = props;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > MAX_ROTATION_DAYS) throw new Error(`${this.node.path}: rotationDays ${rotationDays} must be 1 to ${MAX_ROTATION_DAYS}`);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    if (!Number.isInteger(recoveryWindowDays) || recoveryWindowDays < 7 || recoveryWindowDays > 30) throw new Error(`${this.node.path}: recoveryWindowDays ${recoveryWindowDays} must be 7 to 30 (Secrets Manager limits)`);
    const agentNames = props.agents.map((a) => a.name);
    if (new Set(agentNames).size !== agentNames.length) throw new Error(`${this.node.path}: agent names repeat`);
    const agentTokenRotationDays = props.agentTokenRotationDays ?? Math.min(7, rotationDays);
    if (!Number.isInteger(agentTokenRotationDays) || agentTokenRotationDays < 1 || agentTokenRotationDays > rotationDays) {
      throw new Error(`${this.node.path}: agentTokenRotationDays ${agentTokenRotationDays} must be 1 to rotationDays (${rotationDays})`);
    }
    const h = props.agentTokenHours ?? { rotation: 4, lifetime: 12 };
    // Secrets Manager: rate(N hours) from 4 (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html).
    if (!Number.isInteger(h.rotation) || h.rotation < 4 || h.rotation > 23 || !Number.isInteger(h.lifetime) || h.lifetime < 2 * h.rotation) {
      throw new Error(`${this.node.path}: agentTokenHours rotation ${h.rotation} must be 4 to 23 and lifetime ${h.lifetime} at least twice that`);
    }
    return { recoveryWindowDays, agentTokenRotationDays, agentTokenHours: h };
  }

  /** The tags that tell the rotation function what to generate (functions/rotate-secret/contract.ts), before any per-token ones. */
  protected tagsOf(rotation: Rotation, agent?: string): Record<string, string> {
    if (rotation.by === "person") return { "mcp-secret-rotated-by": "person" };
    if (rotation.by === "aws-once") return { [KIND_TAG]: rotation.kind, [LENGTH_TAG]: String(rotation.length), [ROTATION_TAG]: NEVER_ROTATED };
    if (rotation.kind === "agent-jwt") return { [KIND_TAG]: rotation.kind, ...(agent ? { [CLIENT_ID_TAG]: agent } : {}) };
    return { [KIND_TAG]: rotation.kind, ...(rotation.length ? { [LENGTH_TAG]: String(rotation.length) } : {}) };
  }

  private summary(r: Rotation): string {
    if (r.by === "aws" && r.kind === "agent-jwt" && this.authMode === "oauth") return `Minted in AWS every ${this.agentTokenHours.rotation} hours through kms:Sign with its group's key; expires ${this.agentTokenHours.lifetime} hours after minting`;
    if (r.by === "aws" && r.kind === "agent-jwt") return `Minted in AWS every ${this.agentTokenRotationDays} days and whenever its tier's signing secret rotates; expires ${this.agentTokenRotationDays + AGENT_TOKEN_GRACE_DAYS} days after minting`;
    if (r.by === "aws-once") return "Generated once in AWS on apply, never rotated automatically (stored credentials would become unreadable; docs/secrets.md)";
    return r.by === "aws" ? `Generated and rotated in AWS every ${this.rotationDays} days` : `Put by a person; alarm when older than ${this.rotationDays} days`;
  }

  private add(key: string, description: string, rotation: Rotation): ManagedSecret {
    const name = `mcp/${this.env.environment}/${key}`;
    const tags = this.tagsOf(rotation, key.startsWith("agent-token/") ? key.slice("agent-token/".length) : undefined);
    const secret = new SecretsmanagerSecret(this, key.replace(/\//g, "-"), {
      name,
      description: `${description}. ${this.summary(rotation)}.`,
      kmsKeyId: this.key.arn,
      recoveryWindowInDays: this.recoveryWindowDays,
      tags,
    });
    recordFacts(secret, { secretPurpose: purposeOf(key) });
    const managed = new ManagedSecret(secret, key, name, rotation, this);
    this.secrets.push(managed);
    return managed;
  }

  /** Each secret's ARN and name (never a value), under the output names operators script against. */
  private outputEach(): void {
    for (const s of this.secrets) {
      const tf = s.key.replace(/[^a-z0-9]+/g, "_");
      new TerraformOutput(this, `${s.key.replace(/\//g, "-")}-arn`, { value: s.arn, description: `ARN of ${s.name}` }).overrideLogicalId(`secret_${tf}_arn`);
      new TerraformOutput(this, `${s.key.replace(/\//g, "-")}-name`, { value: s.name, description: `Name of the secret (${this.summary(s.rotation)})` }).overrideLogicalId(`secret_${tf}_name`);
    }
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

/** Secrets Manager tag values: at most 256 characters of letters, digits, spaces and _ . : / = + - @. */
export function tagValueOk(v: string): boolean {
  return v.length > 0 && v.length <= 256 && /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(v);
}
