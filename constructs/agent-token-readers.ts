import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { RolesanywhereTrustAnchor } from "@cdktf/provider-aws/lib/rolesanywhere-trust-anchor";
import { Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { Grantee, policyDocument, Statement } from "../lib/iam";
import { EncryptionKey } from "./encryption-key";
import { PolicySecret, SecretPolicies } from "./secret-policies";
import { pascal } from "./secrets";

/** How one agent group's hosts prove who they are (config agents[].tokenReader). */
export interface TokenReaderSpec {
  readonly agent: string;
  /** IAM role ARNs or account ids of agent hosts on AWS that may assume the group's role. @default none */
  readonly assumedBy?: readonly string[];
  /** Subject CNs of the certificates of hosts outside AWS (IAM Roles Anywhere). @default none */
  readonly certificateCommonNames?: readonly string[];
}

/** The organisation's CA for IAM Roles Anywhere: the certificate's PEM or an AWS Private CA. */
export type CertificateAuthority = { readonly certificatePem: string } | { readonly acmPcaArn: string };

export interface AgentTokenReadersProps {
  readonly env: AwsEnv;
  /** The environment key: readers decrypt their token through Secrets Manager. */
  readonly key: EncryptionKey;
  /** Every agent group's token secret, by group: each gets a Deny for the other groups' reader roles. */
  readonly tokens: Readonly<Record<string, PolicySecret>>;
  /** Where the tokens' resource policies are written. */
  readonly policies: SecretPolicies;
  readonly readers: readonly TokenReaderSpec[];
  /** Required when any reader lists certificateCommonNames. @default none */
  readonly certificateAuthority?: CertificateAuthority;
  /** Seconds a session lasts (IAM role maximum and Roles Anywhere profile). @default 3600 */
  readonly sessionSeconds?: number;
}

/** IAM Roles Anywhere's service principal and the actions its trust policy must allow (Roles Anywhere trust model). */
export const ROLES_ANYWHERE_PRINCIPAL = "rolesanywhere.amazonaws.com";
export const ROLES_ANYWHERE_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] as const;

/** One group's role: may read that group's token and nothing else. */
export class AgentTokenReader extends Construct implements Grantee {
  readonly role: IamRole;
  readonly agent: string;
  private readonly statements: Statement[] = [];

  constructor(scope: Construct, id: string, props: { readonly name: string; readonly agent: string; readonly trust: string; readonly sessionSeconds: number; readonly tokenName: string }) {
    super(scope, id);
    this.agent = props.agent;
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: `Reads the bearer token of agent group ${props.agent} (${props.tokenName}) for its hosts`,
      assumeRolePolicy: props.trust,
      maxSessionDuration: props.sessionSeconds,
    });
    new IamRolePolicy(this, "policy", { name: "read-own-token", role: this.role.id, policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }) });
  }

  get arn(): string {
    return this.role.arn;
  }

  addToPolicy(statement: Statement): void {
    if (this.statements.some((s) => s.sid === statement.sid)) throw new Error(`${this.node.path}: statement id "${statement.sid}" is already in the policy`);
    this.statements.push(statement);
  }

  get grants(): readonly Statement[] {
    return this.statements;
  }
}

/**
 * Token delivery (docs/secrets.md, "Token delivery"): per agent group with a `tokenReader`, an IAM role that may call
 * GetSecretValue on that group's token only, and decrypt it with the environment key only through Secrets Manager
 * and only for that secret (encryption context SecretARN). Who may assume it:
 * - agent hosts on AWS: the IAM roles or accounts config names (sts:AssumeRole);
 * - hosts outside AWS: IAM Roles Anywhere. One trust anchor (the organisation's CA) and one profile listing the
 *   roles; each role trusts rolesanywhere.amazonaws.com only for certificates of this trust anchor (aws:SourceArn)
 *   whose subject CN is one of the group's (aws:PrincipalTag/x509Subject/CN, from the profile's default attribute
 *   mapping): https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html and
 *   https://docs.aws.amazon.com/rolesanywhere/latest/userguide/attribute-mapping-and-trust-policy.html.
 * Each token's resource policy (SecretPolicies) also denies every other principal, so a group's role cannot read
 * another group's token even if some IAM policy allowed it.
 */
export class AgentTokenReaders extends Construct {
  readonly byAgent: Readonly<Record<string, AgentTokenReader>>;
  readonly trustAnchor?: RolesanywhereTrustAnchor;
  readonly profile?: RolesanywhereProfile;

  constructor(scope: Construct, id: string, props: AgentTokenReadersProps) {
    super(scope, id);
    const { env, key } = props;
    const sessionSeconds = props.sessionSeconds ?? 3600;
    if (!Number.isInteger(sessionSeconds) || sessionSeconds < 900 || sessionSeconds > 43200) throw new Error(`${this.node.path}: sessionSeconds ${sessionSeconds} must be 900 to 43200 (IAM role limits)`);
    const byAgent: Record<string, AgentTokenReader> = {};
    const viaRolesAnywhere = props.readers.filter((r) => r.certificateCommonNames?.length);
    if (viaRolesAnywhere.length && !props.certificateAuthority) throw new Error(`${this.node.path}: ${viaRolesAnywhere.map((r) => r.agent).join(", ")} read with certificates, but no certificate authority is given`);
    if (props.certificateAuthority) {
      const ca = props.certificateAuthority;
      this.trustAnchor = new RolesanywhereTrustAnchor(this, "trust-anchor", {
        name: `${prefix(env)}-agents`,
        enabled: true,
        source: "acmPcaArn" in ca ? { sourceType: "AWS_ACM_PCA", sourceData: { acmPcaArn: ca.acmPcaArn } } : { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: ca.certificatePem } },
      });
    }
    for (const r of props.readers) {
      const token = props.tokens[r.agent];
      if (!token) throw new Error(`${this.node.path}: agent group ${r.agent} has no token secret`);
      if (byAgent[r.agent]) throw new Error(`${this.node.path}: agent group ${r.agent} is listed twice`);
      const hosts = r.assumedBy ?? [];
      const cns = r.certificateCommonNames ?? [];
      if (!hosts.length && !cns.length) throw new Error(`${this.node.path}: agent group ${r.agent} names no host principal and no certificate`);
      const trust: Statement[] = [];
      if (hosts.length) {
        const principals = hosts.map((h) => (/^\d{12}$/.test(h) ? `arn:${env.partition}:iam::${h}:root` : h));
        trust.push({ sid: "AgentHostsOnAws", principal: { AWS: principals.length === 1 ? principals[0] : principals }, actions: ["sts:AssumeRole"] });
      }
      if (cns.length) {
        trust.push({
          sid: "AgentHostsWithCertificates",
          principal: { Service: ROLES_ANYWHERE_PRINCIPAL },
          actions: ROLES_ANYWHERE_ACTIONS,
          condition: {
            StringEquals: { "aws:PrincipalTag/x509Subject/CN": cns.length === 1 ? cns[0] : [...cns] },
            ArnEquals: { "aws:SourceArn": this.trustAnchor!.arn },
          },
        });
      }
      const reader = new AgentTokenReader(this, r.agent, {
        name: `${prefix(env)}-token-${r.agent}`,
        agent: r.agent,
        trust: policyDocument(trust),
        sessionSeconds,
        tokenName: token.name,
      });
      reader.addToPolicy({ sid: `Read${pascal(token.name.split("/").pop()!)}Token`, actions: ["secretsmanager:GetSecretValue"], resources: [token.arn] });
      // One key-policy statement for every group's role (any agent token, through Secrets Manager); each role's own
      // policy narrows it to its own token's ARN.
      key.grantShared(
        reader,
        "AgentTokenReadersThroughSecretsManager",
        "secretsmanager",
        ["kms:Decrypt"],
        {
          StringLike: { "kms:EncryptionContext:SecretARN": `arn:${env.partition}:secretsmanager:${env.region}:${env.accountId}:secret:mcp/${env.environment}/agent-token/*` },
        },
        { StringEquals: { "kms:EncryptionContext:SecretARN": token.arn } },
      );
      new TerraformOutput(this, `${r.agent}-role-arn`, { value: reader.arn, description: `Role that agent group ${r.agent}'s hosts use to read ${token.name}` }).overrideLogicalId(`agent_token_reader_${r.agent.replace(/-/g, "_")}_role_arn`);
      byAgent[r.agent] = reader;
    }
    // Each token's own resource policy refuses every other group's reader role (matched by the roles' common name
    // prefix, so the statement stays one line however many groups there are), even if a grant went astray.
    if (Object.keys(byAgent).length) {
      for (const [agent, token] of Object.entries(props.tokens)) {
        const own = byAgent[agent];
        props.policies.deny("DenyOtherGroupsTokenReaders", ["secretsmanager:GetSecretValue"], token, {
          ArnLike: { "aws:PrincipalArn": `arn:${env.partition}:iam::${env.accountId}:role/${prefix(env)}-token-*` },
          ...(own ? { ArnNotEquals: { "aws:PrincipalArn": own.arn } } : {}),
        });
      }
    }
    const roles = Object.values(byAgent).filter((r) => viaRolesAnywhere.some((v) => v.agent === r.agent));
    if (this.trustAnchor && roles.length) {
      this.profile = new RolesanywhereProfile(this, "profile", {
        name: `${prefix(env)}-agent-tokens`,
        enabled: true,
        roleArns: roles.map((r) => r.arn),
        durationSeconds: sessionSeconds,
      });
      new TerraformOutput(this, "trust-anchor-arn", { value: this.trustAnchor.arn, description: "IAM Roles Anywhere trust anchor of the agent hosts' CA (aws_signing_helper --trust-anchor-arn)" }).overrideLogicalId("roles_anywhere_trust_anchor_arn");
      new TerraformOutput(this, "profile-arn", { value: this.profile.arn, description: "IAM Roles Anywhere profile for agent token readers (aws_signing_helper --profile-arn)" }).overrideLogicalId("roles_anywhere_profile_arn");
    }
    this.byAgent = byAgent;
  }
}
