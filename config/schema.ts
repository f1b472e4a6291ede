/**
 * The per-environment configuration: its shape (a zod schema with defaults); the checks that span several fields
 * are in ./cross-field.ts. Every message says what is wrong and how to fix it; `loadConfigs` (./load.ts) adds the
 * file, the JSON path and the bad value.
 */
import { z } from "zod";
import { accessSchema, tokenReaderSchema } from "./access";
import { canonicalCidr } from "../lib/cidr";
import { UPSTREAM_RATE_LIMIT } from "../lib/upstream-env";
import { AGENT_CONNECTIONS } from "../lib/tiers";
import { isCertificate } from "../lib/env-checks";
import { CLOUDWATCH_RETENTION_DAYS, FARGATE_SIZES } from "../lib/aws-limits";
import { MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";

/** Terraform's default -parallelism: how many resources (here, synchronous Lambda invocations) it applies at once. */
export const TERRAFORM_PARALLELISM = 10;
/** A reservation must hold every parallel first-value wait plus one execution for the rotation they wait for. */
export const MIN_RESERVED_CONCURRENCY = TERRAFORM_PARALLELISM + 1;

/** Separates the problem from its fix inside a zod message; split again by `./load.ts`. */
export const FIX = "\u0000";
const msg = (problem: string, fix: string) => `${problem}${FIX}${fix}`;

/** The retention periods CloudWatch Logs accepts (lib/aws-limits.ts) that keep logs as long as the seed asks. */
export const RETENTION_DAYS: readonly number[] = CLOUDWATCH_RETENTION_DAYS.filter((d) => d >= MIN_LOG_RETENTION_DAYS);

/** Lives in lib/aws-limits.ts, where the policy (MCP-DEPLOY-007) reads it too without importing config. */
export { FARGATE_SIZES };

export const STAGES = ["dev", "staging", "prod"] as const;
export const GATEWAY_STATES = ["managed", "sqlite-efs"] as const;
export type Stage = (typeof STAGES)[number];

const cidr = z.string().superRefine((value, ctx) => {
  const canonical = canonicalCidr(value);
  if (canonical === undefined) {
    ctx.addIssue({ code: "custom", message: msg("is not an IPv4 CIDR block", 'write it as address/prefix, e.g. "10.20.0.0/24"') });
  } else if (canonical !== value) {
    ctx.addIssue({ code: "custom", message: msg("has host bits set, so AWS would reject or rewrite it", `write the network address: "${canonical}"`) });
  }
});

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8}([0-9a-f]{9})?$/, {
  error: msg("is not a security group id", 'use the id of an existing group, e.g. "sg-0123456789abcdef0"'),
});

const image = z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
  error: msg("is not a container image reference", 'write registry/repository:tag, e.g. "ghcr.io/ibm/ibmi-mcp-server:v0.5.1", with @sha256:<digest> appended in prod'),
});

const RATE_LIMIT_DEFAULT = UPSTREAM_RATE_LIMIT;

const pemCertificate = z.string().superRefine((value, ctx) => {
  if (/PRIVATE KEY/.test(value)) {
    ctx.addIssue({ code: "custom", message: msg("holds a private key; it must never be in config", "remove it at once, rotate that key, and give only the CA's certificate (-----BEGIN CERTIFICATE----- …)") });
    return;
  }
  const blocks = value.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g) ?? [];
  const bad = blocks.length === 0 ? "no" : blocks.find((b) => !isCertificate(b)) ? "an unreadable" : undefined;
  if (bad) ctx.addIssue({ code: "custom", message: msg(`holds ${bad} PEM certificate`, 'paste the IBM i CA certificate as PEM, newlines written \\n: "-----BEGIN CERTIFICATE-----\\nMIIB…\\n-----END CERTIFICATE-----"') });
});

const name = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[a-z][a-z0-9-]{0,${max - 1}}$`), {
    error: msg(`is not a valid ${what}`, `use 1–${max} lowercase letters, digits and hyphens, starting with a letter`),
  });

export const agentSchema = z.strictObject({
  /** Names the agent group in rule descriptions, secret names and reports. */
  name: name("agent group name", 24).meta({ description: "unique group name (≤ 24 chars); names rules, secrets and reports" }),
  description: z.string().max(200).optional().meta({ description: "what the group is" }),
  /** Source ranges the group's hosts connect from, as the load balancer sees them. */
  cidrs: z.array(cidr).default([]).meta({ description: "the source ranges its hosts connect from, as the load balancer sees them; disjoint from other groups and the VPC" }),
  /** Security groups of agent hosts inside a peered VPC or the same account. */
  securityGroupIds: z.array(securityGroupId).default([]).meta({ description: "refused for now: listener rules route by address (list the hosts' ranges in `cidrs`)" }),
  toolsets: z
    .array(z.string().min(1))
    .min(1, { error: msg("grants no toolset", 'list at least one toolset, e.g. ["performance"]') })
    .meta({ description: "toolsets of the tools YAML under `tools/` the group may use (shipped: performance, sysadmin_discovery, sysadmin_browse, sysadmin_search, security_audit, security_remediation; add your own in tools/)" }),
  readOnly: z.boolean().meta({ description: "read-only groups get no high or critical toolset and read-only SQL" }),
  /** How the group's traffic reaches the VPC; decides whether its source address identifies it (lib/tiers.ts). */
  connection: z
    .enum(AGENT_CONNECTIONS, {
      error: (iss) =>
        iss.input === undefined
          ? msg("is required: the load balancer routes agent groups to their tiers by source address, which only some connections keep", `add "connection": one of ${AGENT_CONNECTIONS.map((c) => `"${c}"`).join(", ")}`)
          : msg("is not a known connection type", `use one of ${AGENT_CONNECTIONS.map((c) => `"${c}"`).join(", ")}`),
    })
    .meta({ description: "`site-to-site-vpn`, `transit-gateway`, `peering`, `direct-connect` (addresses kept); `client-vpn`, `nat`, `proxy` are refused" }),
  /** Required (with `reason`) to grant a critical toolset in production. @default false */
  allowCritical: z.boolean().optional().meta({ description: "the explicit approval to grant a critical toolset in prod, shown in the review report", required: "for critical toolsets in prod" }),
  /** Why the group needs critical toolsets; shown in the review report. */
  reason: z
    .string()
    .min(10, { error: msg("is too short to explain anything", "say in a sentence why this group needs critical toolsets") })
    .max(300)
    .optional()
    .meta({ description: "why the group needs critical toolsets (10–300 characters), shown in the review report", required: "with `allowCritical`" }),
  /** Who may read the group's token and how (config/access.ts, docs/secrets.md "Token delivery"). @default nobody but operators */
  tokenReader: tokenReaderSchema.optional(),
  /**
   * oauth mode: the group's token secret is removed, and (with agentTokens.keyPer "group") its signing key leaves the
   * JWKS and is scheduled for deletion, so its tokens are refused within jose's JWKS cache age (docs/service.md,
   * "Revoking one group"). @default false
   */
  revoked: z.boolean().default(false).meta({ description: "oauth: the group's token secret is removed and (keyPer `group`) its key leaves the JWKS and is scheduled for deletion; its tokens are refused within 10 minutes of the apply" }),
  /**
   * oauth mode: generation of the group's signing key. Raising it by one makes a new key that signs from then on; the
   * previous generation stays in the JWKS only (tokens it signed stay valid until they expire); older ones are
   * scheduled for deletion. Never lower it: the keys it would name again were scheduled for deletion. @default 1
   */
  keyGeneration: z
    .number()
    .int({ error: msg("is not a whole number", "write 1, 2, 3 …") })
    .min(1, { error: msg("is below 1", "start at 1 and raise it by one for each rollover") })
    .default(1)
    .meta({ description: "oauth: raise by one to roll the group's signing key; the previous generation stays in the JWKS until its tokens expire" }),
});

/** Agent tokens in oauth mode: ES256 JWTs minted through kms:Sign (docs/service.md, "Token scoping"). */
export const agentTokensSchema = z.strictObject({
  /** Hours from minting to `exp`: short, so a revoked or leaked token dies soon. @default 12 */
  lifetimeHours: z
    .number()
    .int({ error: msg("is not a whole number of hours", "write e.g. 12") })
    .default(12)
    .meta({ description: "oauth: hours from minting to `exp`, 1 to 24, at least twice `rotationHours`" }),
  /**
   * Hours between re-mints (Secrets Manager `rate(N hours)`: 4 to 23). At most half the lifetime, so a failed rotation
   * has a whole interval to be retried before agents hold an expired token. @default 4
   */
  rotationHours: z
    .number()
    .int({ error: msg("is not a whole number of hours", "write e.g. 4") })
    .default(4)
    .meta({ description: "oauth: hours between re-mints, 4 to 23 (Secrets Manager `rate(N hours)`)" }),
  /**
   * "group": one KMS key per agent group (about $1 a month each), so one group is revoked alone. "tier": one key per
   * tier for large estates; revoking a group then removes its token secret only, and the tokens it already holds stay
   * valid until they expire (lifetimeHours), unless the whole tier's key is rolled (keyGeneration). @default "group"
   */
  keyPer: z.enum(["group", "tier"]).default("group").meta({ description: "oauth: `group` (a key per group, about $1 a month each, revocation per group) or `tier` (fewer keys; revoking a group leaves its tokens valid until they expire)" }),
  /** Days a removed signing key waits in PendingDeletion (AWS KMS: 7 to 30). @default 30 (7 in dev) */
  keyDeletionDays: z.number().int().optional().meta({ description: "oauth: days a removed signing key waits in PendingDeletion, 7 to 30", default: "30 (7 in dev)" }),
});
export type AgentTokensConfig = z.output<typeof agentTokensSchema>;
export const AGENT_TOKENS_DEFAULT: AgentTokensConfig = { lifetimeHours: 12, rotationHours: 4, keyPer: "group" };
/** Secrets Manager rotates as often as every four hours; rate() in hours beyond 23 is a rate in days. https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html */
export const MIN_ROTATION_HOURS = 4;
export const MAX_ROTATION_HOURS = 23;
/** "Short": a token outlives its successor's schedule but never a day. */
export const MAX_TOKEN_LIFETIME_HOURS = 24;

export const configSchema = z.strictObject({
  /** Short name of the environment; must equal the config file's name. */
  environment: name("environment name", 12).meta({ description: "short name (≤ 12 chars, lowercase); must equal the file name" }),
  /** Which rule set applies. @default the environment name when it is dev, staging or prod */
  stage: z.enum(STAGES).optional().meta({ description: "which rules apply: `dev`, `staging` or `prod`", required: "when the name is not dev/staging/prod", default: "the name" }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: msg("is not an AWS region", 'write a region code, e.g. "us-east-1"') })
    .meta({ description: "AWS region" }),
  /** When set, the provider refuses to run against any other account. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, { error: msg("is not a 12-digit AWS account id", 'write the account id, e.g. "123456789012"') })
    .optional()
    .meta({ description: "when set, the provider refuses any other account", default: "caller's account" }),
  /** Team that owns the environment; becomes the `owner` tag on every resource. */
  owner: z.string().min(1).max(128).meta({ description: "`owner` tag on every resource" }),
  network: z.strictObject({
    vpcCidr: cidr.meta({ description: "RFC 1918 block, /16–/24; split into one private subnet per zone" }),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: msg("is not an availability zone name", 'write e.g. "us-east-1a"') }))
      .min(2, { error: msg("lists fewer than 2 availability zones", "list 2 or 3 zones of the region so tasks survive a zone outage") })
      .max(3, { error: msg("lists more than 3 availability zones", "list 2 or 3 zones") })
      .meta({ description: "2 or 3 zones of the region" }),
    ibmi: z.strictObject({
      /** Host name or address of the IBM i system (DB2i_HOST). */
      host: z
        .string()
        .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/, { error: msg("is not a host name or IPv4 address", 'write e.g. "ibmi.corp.example.com" or "10.50.0.10"') })
        .meta({ description: "IBM i host name or address (`DB2i_HOST`)" }),
      /** Network the IBM i system lives in; tasks may reach only this range, on the Mapepire port. */
      cidr: cidr.meta({ description: "the IBM i network: the only place tasks reach outside AWS" }),
      mapepirePort: z.number().int().min(1).max(65535).default(8076).meta({ description: "Mapepire port on the IBM i; must be 8076, the only port ibmi-mcp-server v0.5.1 connects to" }),
      /**
       * PEM certificate of the CA that issued the IBM i's Mapepire certificate (or that certificate itself when it is
       * self-signed). Every Mapepire connection is then verified against it (runtime/mcp-server/verify-ibmi-ca.cjs).
       * @default unset: outside dev the server trusts whatever certificate the IBM i presents on first connection
       */
      caCertificate: pemCertificate.optional().meta({
        description:
          'PEM of the CA that issued the IBM i\'s Mapepire certificate (or the certificate itself if self-signed): every Mapepire connection is verified against it (docs/service.md, "Mapepire TLS"); unset, the server trusts whatever certificate the IBM i presents',
      }),
    }),
    transitGatewayId: z
      .string()
      .regex(/^tgw-[0-9a-f]{8,17}$/, { error: msg("is not a transit gateway id", 'write e.g. "tgw-0123456789abcdef0"') })
      .optional()
      .meta({ description: "transit gateway the IBM i, agent and operator networks are reached through: the VPC is attached and routes are added (not with `vpnGatewayId`)" }),
    vpnGatewayId: z
      .string()
      .regex(/^vgw-[0-9a-f]{8,17}$/, { error: msg("is not a VPN gateway id", 'write e.g. "vgw-0123456789abcdef0"') })
      .optional()
      .meta({ description: "virtual private gateway the IBM i, agent and operator networks are reached through: the VPC is attached and routes are added (not with `transitGatewayId`)" }),
  }),
  agents: z.array(agentSchema).min(1, { error: msg("lists no agent group, so nothing could reach the MCP server", "add at least one agent group with its name, cidrs, toolsets and readOnly") }),
  tls: z.strictObject({
    mode: z.enum(["acm", "self-signed"]).meta({ description: "`acm` (required in staging/prod) or `self-signed` (dev only)" }),
    certificateArn: z.string().optional().meta({ description: "ACM certificate in the stack's region", required: "with `acm`" }),
    domainName: z
      .string()
      .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: msg("is not a DNS name", 'write e.g. "mcp.example.com"') })
      .meta({ description: "name agents connect to" }),
    minVersion: z.enum(["1.2", "1.3"]).default("1.2").meta({ description: "`1.2` or `1.3`" }),
  }),
  mcpServer: z.strictObject({
    image: image.meta({ description: "the upstream image the kit's MCP server image is built FROM, e.g. `ghcr.io/ibm/ibmi-mcp-server:v0.5.1` (upstream tags `v<version>`); `@sha256:` digest required in prod" }),
    port: z
      .literal(3010, { error: msg("is not 3010: agents, firewall rules and the seed all expect the MCP server on 3010", "set mcpServer.port to 3010") })
      .default(3010)
      .meta({ description: "must be 3010" }),
    desiredCount: z.number().int().min(1).max(20).default(2).meta({ description: "tasks per tier; ≥ 2 in prod" }),
    /** Fargate task cpu units and memory (MiB) for one MCP server task. */
    cpu: z.number().int().default(512).meta({ description: "Fargate cpu units of one MCP server task; with `memory`, a pair Fargate accepts" }),
    memory: z.number().int().default(1024).meta({ description: "memory (MiB) of one MCP server task; with `cpu`, a pair Fargate accepts" }),
    /**
     * How tiers verify bearer tokens. "oauth": ES256 tokens checked against the environment's JWKS with audience and
     * issuer (docs/service.md, "Token scoping"); "jwt": HS256 with one signing secret per tier, no audience check (dev,
     * and migration); "ibmi" and "none" only in dev. @default "oauth"
     */
    authMode: z.enum(["oauth", "jwt", "ibmi", "none"]).default("oauth").meta({
      description:
        "`oauth`: ES256 tokens signed by KMS keys, checked by each tier against the environment's JWKS with its own audience and the issuer; `jwt`: HS256, one signing secret per tier, no audience check (dev, and migration); `ibmi` and `none` only in dev",
    }),
    /**
     * With authMode oauth: each tier also runs today's jwt service, and the load balancer sends HS256 bearer tokens to
     * it until the last one expires (docs/service.md, "Migrating from jwt to oauth"). @default none
     */
    authMigration: z
      .enum(["jwt-to-oauth"])
      .optional()
      .meta({ description: '`jwt-to-oauth` (with `authMode` oauth): each tier also runs its jwt service, and the load balancer sends HS256 bearer tokens to it until the last one expires (docs/service.md, "Migrating from jwt to oauth")' }),
    /** With authMode oauth: the load balancer answers RFC 9728 metadata on each tier's ranges (one rule per chunk of ranges). @default true */
    protectedResourceMetadata: z.boolean().default(true).meta({ description: "with `authMode` oauth, the load balancer answers RFC 9728 protected resource metadata (`/.well-known/oauth-protected-resource`) on each tier's ranges" }),
    logLevel: z.enum(["debug", "info", "notice", "warning", "error", "crit", "alert", "emerg"]).default("info").meta({ description: "not `debug` in prod" }),
    /**
     * MCP_SESSION_MODE. "stateless" needs no affinity between requests, so any task of a tier can answer; "stateful"
     * and "auto" keep sessions in one process and turn on load balancer stickiness. @default "stateless"
     */
    sessionMode: z.enum(["stateless", "stateful", "auto"]).default("stateless").meta({ description: "`MCP_SESSION_MODE`; `stateful`/`auto` turn on stickiness" }),
    /** The built-in execute_sql tool: off, SELECT only, or any statement (never for read-only tiers). @default "off" */
    executeSql: z.enum(["off", "read-only", "read-write"]).default("off").meta({ description: "`off`, `read-only`, `read-write` (the latter needs approval in prod)" }),
    /**
     * The server's own limit per client id (the token's `cid`), counted in each task separately: a tier with N tasks
     * admits up to N × maxRequests per window behind the load balancer. @default upstream's 100 per 900 s
     */
    rateLimit: z
      .strictObject({
        maxRequests: z
          .number()
          .int({ error: msg("is not a whole number", "write e.g. 300") })
          .min(1, { error: msg("admits no request at all", "write 1 or more, e.g. 300") })
          .max(1_000_000, { error: msg("is so high the limit would never apply", "write 1000000 or less") })
          .default(RATE_LIMIT_DEFAULT.maxRequests)
          .meta({ description: "requests per client id per window: the server's own limit (`MCP_RATE_LIMIT_MAX_REQUESTS`), counted in each task, so a tier with N tasks admits up to N × maxRequests per window" }),
        windowSeconds: z
          .number()
          .int({ error: msg("is not a whole number of seconds", "write e.g. 900") })
          .min(1, { error: msg("is shorter than a second", "write 1 or more seconds, e.g. 900") })
          .max(86_400, { error: msg("is longer than a day", "write 86400 seconds or less") })
          .default(RATE_LIMIT_DEFAULT.windowSeconds)
          .meta({ description: "the rate limit's window in seconds (`MCP_RATE_LIMIT_WINDOW_MS` ÷ 1000)" }),
      })
      .default(RATE_LIMIT_DEFAULT),
  }),
  /** Agent tokens in oauth mode. @default 12-hour tokens re-minted every 4 hours, one key per group */
  agentTokens: agentTokensSchema.default(AGENT_TOKENS_DEFAULT),
  gateway: z.strictObject({
    image: image.meta({
      description:
        "the upstream MCP Context Forge image the kit's gateway image is built FROM: `ghcr.io/ibm/mcp-context-forge:v1.0.8` (the release the kit's gateway settings are checked against, lib/gateway-env.ts); `@sha256:` digest required in prod",
    }),
    port: z
      .literal(4444, { error: msg("is not 4444, the MCP gateway's port", "set gateway.port to 4444") })
      .default(4444)
      .meta({ description: "must be 4444" }),
    /** Operator ranges allowed to reach the gateway; empty means no one outside the VPC. */
    clientCidrs: z.array(cidr).default([]).meta({ description: "operator ranges allowed to reach the gateway; must not overlap agent ranges" }),
    /** Fargate task cpu units and memory (MiB) for the gateway task. */
    cpu: z.number().int().default(512).meta({ description: "Fargate cpu units of one gateway task; with `memory`, a pair Fargate accepts" }),
    memory: z.number().int().default(1024).meta({ description: "memory (MiB) of one gateway task; with `cpu`, a pair Fargate accepts" }),
    /** Turns on the gateway's admin UI and admin API (MCPGATEWAY_UI_ENABLED / MCPGATEWAY_ADMIN_API_ENABLED). @default false */
    adminUi: z.boolean().default(false).meta({ description: "the gateway's admin UI and admin API" }),
    /** PLATFORM_ADMIN_EMAIL, the gateway's first administrator. @default "admin@" + tls.domainName */
    adminEmail: z
      .email({ error: msg("is not an e-mail address", 'write e.g. "mcp-admins@example.com"') })
      .optional()
      .meta({ description: "the gateway's first administrator", default: "`admin@<domainName>`" }),
    /**
     * Where the gateway keeps its state: "managed" (RDS PostgreSQL and ElastiCache Valkey, shared by several tasks) or
     * "sqlite-efs" (SQLite on EFS, one task). @default "sqlite-efs" in dev, "managed" in staging and prod (gatewayStateOf)
     */
    state: z
      .enum(GATEWAY_STATES, { error: msg("is not a gateway state", 'use "managed" (PostgreSQL and Valkey) or "sqlite-efs" (dev only, one task)') })
      .optional()
      .meta({ description: "`managed`: RDS PostgreSQL and ElastiCache Valkey shared by the gateway's tasks; `sqlite-efs`: SQLite on EFS, one task (refused in prod)", default: "`sqlite-efs` in dev, `managed` elsewhere" }),
    /** Gateway tasks. @default 2 with managed state, 1 with sqlite-efs (gatewayDesiredCountOf) */
    desiredCount: z
      .number()
      .int({ error: msg("is not a whole number", "write e.g. 2") })
      .min(1, { error: msg("runs no gateway at all", "write 1 or more") })
      .optional()
      .meta({ description: "gateway tasks; more than 1 needs `managed`, 2 or more in prod", default: "2 (managed) / 1 (sqlite-efs)" }),
    /** The RDS PostgreSQL instance of managed state. */
    database: z
      .strictObject({
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: msg("is not an RDS instance class", 'write e.g. "db.t4g.small"') })
          .default("db.t4g.small")
          .meta({ description: "the gateway's RDS PostgreSQL instance class (managed state); Performance Insights on from `db.t4g.medium`" }),
        storageGiB: z
          .number()
          .int()
          .min(20, { error: msg("is below RDS gp3's 20 GiB", "write 20 or more") })
          .max(6144, { error: msg("is above RDS gp3's 6144 GiB", "write 6144 or less") })
          .default(20)
          .meta({ description: "the gateway database's gp3 storage (GiB, managed state); it grows to 10× by itself" }),
      })
      .default({ instanceClass: "db.t4g.small", storageGiB: 20 }),
    /** The ElastiCache Valkey nodes of managed state. */
    cache: z
      .strictObject({
        nodeType: z
          .string()
          .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: msg("is not an ElastiCache node type", 'write e.g. "cache.t4g.micro"') })
          .default("cache.t4g.micro")
          .meta({ description: "the gateway's ElastiCache Valkey node type (managed state; 2 nodes in prod)" }),
      })
      .default({ nodeType: "cache.t4g.micro" }),
  }),
  logs: z
    .strictObject({
      retentionDays: z.number().int().default(90).meta({ description: "≥ 90 and a value CloudWatch accepts (90, 120, 150, 180, 365, …)" }),
      /** S3 Object Lock on the audit bucket: archived logs cannot be deleted or overwritten for `days` (COMPLIANCE: by no one; GOVERNANCE: by no one without s3:BypassGovernanceRetention). @default none */
      objectLock: z
        .strictObject({
          mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).meta({ description: "Object Lock mode of the audit bucket: `GOVERNANCE` or `COMPLIANCE`" }),
          days: z.number().int().min(1).meta({ description: "days archived logs stay locked; at most `logs.retentionDays`" }),
        })
        .optional(),
    })
    .default({ retentionDays: 90 }),
  secrets: z
    .strictObject({
      /** Days between automatic rotations (≤ 90); also the age that alerts for secrets only people rotate. */
      rotationDays: z.number().int().min(1).default(30).meta({ description: "≤ 90; also the age that alarms for secrets people rotate" }),
    })
    .default({ rotationDays: 30 }),
  /** The kit's Lambda functions (secret rotation, secret age check, auth canary). */
  functions: z
    .strictObject({
      /**
       * Concurrent executions reserved for each function; 0 reserves none, otherwise at least MIN_RESERVED_CONCURRENCY.
       * AWS refuses a reservation that leaves the account fewer than 100 unreserved (new accounts have 10 in all), so
       * it is opt-in; preflight checks it. @default 0
       */
      reservedConcurrency: z.number().int().min(0).max(100).default(0).meta({
        description:
          "Lambda executions reserved for each of the kit's three functions (rotation, age check, auth canary); 0 reserves none, otherwise 11 or more (the first apply runs up to 10 first-value waits at once, plus the rotation they wait for) and, in jwt mode, the largest tier's agent groups plus one (a key rotation re-mints them all at once); AWS keeps 100 unreserved, new accounts have 10 in all; preflight compares it with the account",
      }),
    })
    .default({ reservedConcurrency: 0 }),
  alerts: z
    .strictObject({
      emails: z
        .array(z.email({ error: msg("is not an e-mail address", 'write e.g. "secops@example.com"') }))
        .default([])
        .meta({ description: "security alert recipients (each confirms the subscription e-mail)", required: "in prod" }),
      authFailuresPerHour: z.number().int().min(1).default(10).meta({ description: "alarm threshold (the auth canary's own refused probes are not counted)" }),
      /** Minutes between runs of the auth canary (constructs/auth-canary.ts); it also runs on every apply that changes a tier. */
      authCanaryMinutes: z
        .number()
        .int()
        .min(1)
        .max(720, { error: msg("is more than 720 minutes: the canary alarm watches two intervals, and an alarm looks back at most one day", "use e.g. 15 (the default)") })
        .default(15)
        .meta({ description: "minutes between auth canary runs (1–720); it also runs on every apply that changes a tier" }),
    })
    .default({ emails: [], authFailuresPerHour: 10, authCanaryMinutes: 15 }),
  /** Operators, auditors and the CA of agent hosts outside AWS (config/access.ts). */
  access: accessSchema.default({ operators: [], auditors: [] }),
  /** S3 backend for Terraform state; required in prod. Without it state stays in a local file outside cdktf.out. */
  state: z
    .strictObject({
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: msg("is not an S3 bucket name", 'write e.g. "acme-terraform-state-123456789012"') })
        .meta({ description: "S3 bucket of the Terraform state (encrypted, native lock file); without `state`, state is a local file beside `cdktf.out`", required: "in prod" }),
      key: z.string().min(1).optional().meta({ description: "object key of the state in the bucket", default: "`ibmi-mcp/<environment>.tfstate`" }),
      region: z
        .string()
        .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: msg("is not an AWS region", 'write e.g. "us-east-1"') })
        .optional()
        .meta({ description: "region of the state bucket", default: "`region`" }),
    })
    .optional(),
  /**
   * Policy findings accepted for this environment, each on one resource with a written reason; they still show in
   * every report, marked suppressed (docs/policy.md). @default none
   */
  suppressions: z
    .array(
      z.strictObject({
        rule: z
          .string()
          .regex(/^MCP-[A-Z0-9]+-\d{3}$/, { error: msg("is not a policy rule id", 'write the id from docs/policy.md, e.g. "MCP-NET-004"') })
          .meta({ description: "id of the accepted policy finding (docs/policy.md)" }),
        /** Terraform address (`aws_x.name`) or construct path (`mcp-prod/network/vpc`) of the resource. */
        address: z
          .string()
          .regex(/^((data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*|[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+)$/, {
            error: msg("is not a resource address or construct path", 'copy the address from the policy output, e.g. "aws_security_group.agent-access_tasks_group_8182DB43"'),
          })
          .meta({ description: "Terraform address (`aws_x.name`) or construct path (`mcp-prod/network/vpc`) of the resource the finding is accepted on" }),
        reason: z
          .string()
          .refine((r) => r.trim().length >= 10, { error: msg("is too short to explain anything", "say in a sentence (10 characters or more) why the finding is accepted") })
          .meta({ description: "why the finding is accepted (10 characters or more); shown, marked suppressed, in every report" }),
      }),
    )
    .default([]),
});

/** Where the gateway keeps its state: as configured, else SQLite on EFS in dev and managed PostgreSQL and Valkey elsewhere. */
export function gatewayStateOf(cfg: { readonly stage?: Stage; readonly gateway: { readonly state?: (typeof GATEWAY_STATES)[number] } }): (typeof GATEWAY_STATES)[number] {
  return cfg.gateway.state ?? (cfg.stage === "dev" ? "sqlite-efs" : "managed");
}

/** Gateway tasks: as configured, else 2 with managed state and 1 on SQLite. */
export function gatewayDesiredCountOf(cfg: Parameters<typeof gatewayStateOf>[0] & { readonly gateway: { readonly desiredCount?: number } }): number {
  return cfg.gateway.desiredCount ?? (gatewayStateOf(cfg) === "managed" ? 2 : 1);
}

/** A validated config, defaults applied, `stage` resolved. */
export type McpConfig = z.output<typeof configSchema> & { readonly stage: Stage };
export type AgentConfig = McpConfig["agents"][number];

export interface Finding {
  readonly path: (string | number)[];
  readonly problem: string;
  readonly fix: string;
}
