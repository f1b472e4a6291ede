import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { arn, AwsEnv, prefix } from "../lib/aws-env";
import { Grantee, policyDocument, Statement } from "../lib/iam";
import { ADMIN_ACTIONS as KEY_ADMIN_ACTIONS } from "./encryption-key";

import { TOKEN_KEY_TAG } from "../functions/rotate-secret/contract";

export { TOKEN_KEY_TAG };
/** The tag naming what a key signs for: an agent group, a tier, or `gateway-<tier id>`. */
export const TOKEN_OWNER_TAG = "token-owner";
/** The client id (and `sub`) of the gateway's tokens, one per tier audience. */
export const GATEWAY_CLIENT_ID = "gateway";

/** One agent group that signs with its own key (agentTokens.keyPer "group"), or shares its tier's ("tier"). */
export interface SigningGroup {
  readonly name: string;
  /** The tier its token is for (lib/tiers.ts tierOf). */
  readonly tierId: string;
  /** Generation of its key (agents[].keyGeneration). @default 1 */
  readonly keyGeneration?: number;
  /** A revoked group has no key and is left out of the JWKS. @default false */
  readonly revoked?: boolean;
}

export interface TokenSigningKeysProps {
  readonly env: AwsEnv;
  /** Every agent group, revoked ones included (they get no key). */
  readonly groups: readonly SigningGroup[];
  /** Every tier id: the gateway gets one key per tier audience. */
  readonly tierIds: readonly string[];
  /** The rotation function's role: the only principal that may sign with, and read the public half of, every key. */
  readonly signer: Grantee;
  /** One key per agent group, or one per tier (fewer keys, revocation per tier only). @default "group" */
  readonly keyPer?: "group" | "tier";
  /** Days a removed key waits in PendingDeletion (AWS KMS: 7 to 30). @default 30 */
  readonly deletionWindowDays?: number;
}

/** One asymmetric KMS key that signs tokens (ECC_NIST_P256, SIGN_VERIFY). */
export class SigningKey {
  constructor(
    readonly key: KmsKey,
    /** What the key signs for: an agent group, a tier (keyPer "tier") or `gateway-<tier id>`. */
    readonly owner: string,
    readonly generation: number,
    /** Only the newest generation signs; an older one stays in the JWKS until its tokens have expired. */
    readonly active: boolean,
    private readonly keys: TokenSigningKeys,
  ) {}

  get arn(): string {
    return this.key.arn;
  }

  /** Lets `role` sign with this key (kms:Sign with ECDSA_SHA_256 only), in the key policy and in the role's own policy. */
  grantSign(role: Grantee, sid: string): void {
    this.keys.grantSign(this, role, sid);
  }
}

/** Key administration without use: as the environment key, minus rotation, which AWS does not offer for asymmetric keys. */
const ADMIN_ACTIONS = KEY_ADMIN_ACTIONS.filter((a) => !/KeyRotation|RotateKey/.test(a));
const KEY_POLICY_RESOURCE = 'In a key policy the resource is always the key itself, written "*" (AWS KMS key policy reference).';
/** kms:Sign with the one algorithm ES256 uses (RFC 7518 §3.4); any other would mint tokens no tier accepts. */
const SIGN_CONDITION = { StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256" } };

/**
 * The asymmetric KMS keys that sign the environment's bearer tokens (issue 16): per agent group (or per tier) the
 * active generation and the one before it, and one key per tier for the gateway as a client (client_id `gateway`).
 * The private halves never leave KMS; only the rotation function's role may sign (kms:Sign) or read the public halves
 * (kms:GetPublicKey) that it publishes as the JWKS (constructs/jwks-bucket.ts). Asymmetric keys have no automatic
 * rotation in AWS KMS: rollover is a new generation (agents[].keyGeneration). A key that leaves the config (a revoked
 * group, a generation two behind) is destroyed by Terraform, which schedules its deletion; a key pending deletion
 * cannot sign.
 */
export class TokenSigningKeys extends Construct {
  /** Every key, by construct id (`<owner>-g<generation>`). */
  readonly all: readonly SigningKey[];
  private readonly byOwner = new Map<string, SigningKey[]>();
  private readonly aliases = new Map<string, { readonly name: string; readonly resource: KmsAlias }>();
  private readonly policies = new Map<SigningKey, Statement[]>();
  private readonly props: TokenSigningKeysProps;

  constructor(scope: Construct, id: string, props: TokenSigningKeysProps) {
    super(scope, id);
    this.props = props;
    const keyPer = props.keyPer ?? "group";
    const window = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(window) || window < 7 || window > 30) throw new Error(`${this.node.path}: deletionWindowDays ${window} must be 7 to 30 (AWS KMS limits)`);
    const names = props.groups.map((g) => g.name);
    if (new Set(names).size !== names.length) throw new Error(`${this.node.path}: agent group names repeat`);
    const tiers = new Set(props.tierIds);
    const owners = new Map<string, number>();
    for (const g of props.groups) {
      const gen = g.keyGeneration ?? 1;
      if (!Number.isInteger(gen) || gen < 1) throw new Error(`${this.node.path}: keyGeneration ${gen} of ${g.name} must be a whole number ≥ 1`);
      if (!tiers.has(g.tierId)) throw new Error(`${this.node.path}: agent group ${g.name} names tier ${g.tierId}, which is not among tierIds`);
      if (g.revoked) continue;
      // keyPer "tier": the tier's key rolls when any of its groups asks for a new generation.
      const owner = keyPer === "group" ? g.name : g.tierId;
      owners.set(owner, Math.max(owners.get(owner) ?? 1, gen));
      if (owner === GATEWAY_CLIENT_ID || owner.startsWith(`${GATEWAY_CLIENT_ID}-`)) throw new Error(`${this.node.path}: agent group ${g.name} takes a name the gateway's keys use`);
    }
    for (const t of props.tierIds) owners.set(`${GATEWAY_CLIENT_ID}-${t}`, 1);
    const all: SigningKey[] = [];
    for (const [owner, gen] of owners) {
      const keys: SigningKey[] = [];
      // The active generation signs; the one before stays verifiable until the tokens it signed have expired.
      for (const n of gen > 1 ? [gen - 1, gen] : [gen]) keys.push(this.makeKey(owner, n, n === gen, window));
      const aliasName = `alias/${prefix(props.env)}-token-${owner}`;
      this.aliases.set(owner, { name: aliasName, resource: new KmsAlias(this, `${owner}-alias`, { name: aliasName, targetKeyId: keys[keys.length - 1].key.keyId }) });
      this.byOwner.set(owner, keys);
      all.push(...keys);
    }
    this.all = all;
    // The public halves, for the JWKS: exactly the keys that exist.
    props.signer.addToPolicy({
      sid: "PublishTokenSigningKeys",
      actions: ["kms:GetPublicKey"],
      resources: [arn(props.env, "kms", "key/*")],
      condition: { StringEquals: { [`aws:ResourceTag/${TOKEN_KEY_TAG}`]: props.env.environment } },
    });
    props.signer.addToPolicy({
      sid: "SignTokens",
      actions: ["kms:Sign"],
      // By tag, not ARN: one ARN per key would outgrow the role's 10,240-character inline policy (MCP-DEPLOY-019).
      // The key policies name the role for each key, so the tag alone grants nothing (AWS KMS ABAC).
      resources: [arn(props.env, "kms", "key/*")],
      condition: { StringEquals: { [`aws:ResourceTag/${TOKEN_KEY_TAG}`]: props.env.environment, ...SIGN_CONDITION.StringEquals } },
    });
    for (const k of all) {
      this.statementsOf(k).push(
        { sid: "RotationFunctionSigns", principal: { AWS: props.signer.arn }, actions: ["kms:Sign"], resources: ["*"], condition: SIGN_CONDITION, why: KEY_POLICY_RESOURCE },
        { sid: "RotationFunctionPublishesPublicKey", principal: { AWS: props.signer.arn }, actions: ["kms:GetPublicKey"], resources: ["*"], why: KEY_POLICY_RESOURCE },
      );
    }
  }

  /** The active key that signs agent group `agent`'s token; undefined for a revoked group. */
  keyFor(agent: string): SigningKey | undefined {
    const g = this.props.groups.find((x) => x.name === agent);
    if (!g) throw new Error(`${this.node.path}: no agent group ${agent}`);
    if (g.revoked) return undefined;
    return this.activeOf((this.props.keyPer ?? "group") === "group" ? g.name : g.tierId);
  }

  /** The key that signs the gateway's token for tier `tierId` (client_id `gateway`, audience that tier's). */
  gatewayKeyFor(tierId: string): SigningKey {
    const k = this.activeOf(`${GATEWAY_CLIENT_ID}-${tierId}`);
    if (!k) throw new Error(`${this.node.path}: no gateway key for tier ${tierId}`);
    return k;
  }

  /**
   * The alias of the key that signs the gateway's token for tier `tierId`. Its name is known at synth (the key's ARN
   * is not; `name` is the plain string, `resource` the alias to wait for) and it follows the active generation.
   */
  gatewayKeyAliasFor(tierId: string): { readonly name: string; readonly resource: KmsAlias } {
    const a = this.aliases.get(`${GATEWAY_CLIENT_ID}-${tierId}`);
    if (!a) throw new Error(`${this.node.path}: no gateway key for tier ${tierId}`);
    return a;
  }

  /**
   * Lets `role` sign with every gateway key and resolve their aliases (kms:DescribeKey): one statement per key in its
   * key policy, and in the role's own policy two statements by tag whatever the number of tiers (one ARN per key would
   * outgrow the role's 10,240-character inline policy, MCP-DEPLOY-019; the tags alone grant nothing, as the key
   * policies name the role).
   */
  grantGatewaySigning(role: Grantee, sid: string): void {
    const gatewayKeys = this.all.filter((k) => k.owner.startsWith(`${GATEWAY_CLIENT_ID}-`));
    for (const k of gatewayKeys) {
      this.letSignInKeyPolicy(k, role, sid);
      this.statementsOf(k).push({ sid: `${sid}Describe`, principal: { AWS: role.arn }, actions: ["kms:DescribeKey"], resources: ["*"], why: KEY_POLICY_RESOURCE });
    }
    const gatewayTags = {
      StringEquals: { [`aws:ResourceTag/${TOKEN_KEY_TAG}`]: this.props.env.environment },
      StringLike: { [`aws:ResourceTag/${TOKEN_OWNER_TAG}`]: `${GATEWAY_CLIENT_ID}-*` },
    };
    const keys = [arn(this.props.env, "kms", "key/*")];
    role.addToPolicy({ sid: `${sid}Sign`, actions: ["kms:Sign"], resources: keys, condition: { ...gatewayTags, StringEquals: { ...gatewayTags.StringEquals, ...SIGN_CONDITION.StringEquals, "kms:MessageType": "DIGEST" } } });
    role.addToPolicy({ sid: `${sid}Describe`, actions: ["kms:DescribeKey"], resources: keys, condition: gatewayTags });
  }

  /** Every key whose public half belongs in the JWKS: active and previous generations, gateway keys; no revoked group's. */
  get liveKeyArns(): string[] {
    return this.all.map((k) => k.arn);
  }

  /** Agent groups whose key rolled over (generation > 1): their tokens are re-minted once the JWKS holds the new key. */
  get rolledOver(): readonly { readonly agent: string; readonly key: SigningKey }[] {
    return this.props.groups
      .filter((g) => !g.revoked)
      .map((g) => ({ agent: g.name, key: this.keyFor(g.name)! }))
      .filter((x) => x.key.generation > 1);
  }

  /** Lets another role sign with `key` (e.g. a function that mints the gateway's tokens). */
  grantSign(key: SigningKey, role: Grantee, sid: string): void {
    this.letSignInKeyPolicy(key, role, sid);
    role.addToPolicy({ sid: `UseKey${sid}`, actions: ["kms:Sign"], resources: [key.arn], condition: SIGN_CONDITION });
  }

  /** The key policy statement `sid` that lets `role` sign with `key` (ES256 only). */
  private letSignInKeyPolicy(key: SigningKey, role: Grantee, sid: string): void {
    const statements = this.statementsOf(key);
    if (statements.some((s) => s.sid === sid)) throw new Error(`${this.node.path}: key ${key.owner} g${key.generation} already has a statement ${sid}`);
    statements.push({ sid, principal: { AWS: role.arn }, actions: ["kms:Sign"], resources: ["*"], condition: SIGN_CONDITION, why: KEY_POLICY_RESOURCE });
  }

  /** The key policy statements of `key` (for tests and reports). */
  policyOf(key: SigningKey): readonly Statement[] {
    return this.statementsOf(key);
  }

  private activeOf(owner: string): SigningKey | undefined {
    return this.byOwner.get(owner)?.find((k) => k.active);
  }

  private statementsOf(k: SigningKey): Statement[] {
    const s = this.policies.get(k);
    if (!s) throw new Error(`${this.node.path}: key ${k.owner} is not a key of this construct`);
    return s;
  }

  private makeKey(owner: string, generation: number, active: boolean, deletionWindowInDays: number): SigningKey {
    const env = this.props.env;
    const statements: Statement[] = [
      {
        // Without an administrator AWS refuses the policy (lockout safety check); the account root delegates to IAM.
        sid: "AccountAdministersKey",
        principal: { AWS: `arn:${env.partition}:iam::${env.accountId}:root` },
        actions: ADMIN_ACTIONS,
        resources: ["*"],
        why: KEY_POLICY_RESOURCE,
      },
    ];
    const key = new KmsKey(this, `${owner}-g${generation}`, {
      description: `Signs the ES256 bearer tokens of ${owner.startsWith(`${GATEWAY_CLIENT_ID}-`) ? `the gateway for tier ${owner.slice(GATEWAY_CLIENT_ID.length + 1)}` : owner} in ${env.environment}, generation ${generation}${active ? "" : " (verification only until its tokens expire)"}`,
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "ECC_NIST_P256",
      // AWS KMS rotates only symmetric keys: a new generation is the rollover.
      enableKeyRotation: false,
      deletionWindowInDays,
      policy: Lazy.stringValue({ produce: () => policyDocument(statements) }),
      tags: { [TOKEN_KEY_TAG]: env.environment, [TOKEN_OWNER_TAG]: owner, "key-generation": String(generation) },
    });
    const k = new SigningKey(key, owner, generation, active, this);
    this.policies.set(k, statements);
    return k;
  }
}
