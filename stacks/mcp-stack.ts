import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { Construct } from "constructs";
import { gatewayDesiredCountOf, gatewayStateOf, McpConfig } from "../config/schema";
import { SelfContainedStack } from "../lib/cdktf-compat";
import { AgentAccess } from "../constructs/agent-access";
import { AgentTokenReaders } from "../constructs/agent-token-readers";
import { OperatorAccess } from "../constructs/operator-access";
import { SecretPolicies } from "../constructs/secret-policies";
import { SecurityAlerts } from "../constructs/alerts";
import { AuthCanary } from "../constructs/auth-canary";
import { AuditLogs } from "../constructs/audit-logs";
import { EncryptionKey } from "../constructs/encryption-key";
import { DEFAULT_INTERFACE_ENDPOINTS, Network } from "../constructs/network";
import { Secrets } from "../constructs/secrets";
import { Certificate } from "../constructs/tls";
import { ContainerImages } from "../constructs/container-images";
import { GatewayCache } from "../constructs/gateway-cache";
import { GatewayDatabase } from "../constructs/gateway-database";
import { GatewayService, ManagedState } from "../constructs/gateway-service";
import { LoadBalancer } from "../constructs/load-balancer";
import { McpTiers } from "../constructs/mcp-tiers";
import { ServiceOutputs } from "../constructs/service-outputs";
import { ServiceCluster } from "../constructs/service-cluster";
import { ServiceRole } from "../constructs/service-role";
import { TierSigningSecrets, tierServiceArn } from "../constructs/tier-signing-secrets";
import { JwksBucket } from "../constructs/jwks-bucket";
import { TierRegistration } from "../constructs/tier-registration";
import { TokenSigningKeys } from "../constructs/token-signing-keys";
import { AwsEnv } from "../lib/aws-env";
import { recordStackFacts } from "../lib/resource-meta";
import { stackFactsOf } from "../lib/stack-facts";
import { kitImages } from "../lib/images";
import { planTiers, tierOf } from "../lib/tiers";
import { destructiveToolsOf, loadToolCatalogue } from "../lib/tool-catalogue";
import { environmentOf } from "./environment";
import { StageDefaults, stageDefaults } from "./stage-defaults";

/**
 * Terraform 1.11 brings S3 native locking (use_lockfile) and write-only arguments the kit relies on. Written by the
 * synth pipeline into `versions.tf` beside each `cdk.tf.json` (lib/synth.ts), not into the JSON: checkov's
 * terraform_json parser fails on any plain value in the terraform block (bridgecrewio/checkov#7454).
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11.0";

/** The Terraform stack name of an environment. */
export function stackName(environment: string): string {
  return `mcp-${environment}`;
}

/** One environment: providers, state backend, and the constructs composed from its config. No raw resources. */
export class McpStack extends SelfContainedStack {
  readonly config: McpConfig;
  readonly env: AwsEnv;
  /** What the stage decides (stacks/stage-defaults.ts), passed to constructs as props. */
  readonly stageDefaults: StageDefaults;
  readonly key: EncryptionKey;
  readonly logs: AuditLogs;
  readonly network: Network;
  readonly access: AgentAccess;
  readonly tls: Certificate;
  readonly secrets: Secrets;
  readonly alerts: SecurityAlerts;
  readonly images: ContainerImages;
  readonly cluster: ServiceCluster;
  readonly loadBalancer: LoadBalancer;
  readonly mcp: McpTiers;
  readonly gateway: GatewayService;
  /** Proves after every deploy, and on a schedule, that each tier refuses requests without its own token. */
  readonly authCanary: AuthCanary;
  /** oauth mode: keeps every tier registered with the gateway, with the gateway's own fresh token for it. */
  readonly tierRegistration?: TierRegistration;
  /** One JWT signing secret per toolset tier (jwt auth mode only). */
  readonly tierSecrets?: TierSigningSecrets;
  /** Resource policies of every secret: read and write only by who was granted it. */
  readonly secretPolicies: SecretPolicies;
  /** Per agent group with a tokenReader, the role its hosts read the token with (docs/secrets.md, "Token delivery"). */
  readonly tokenReaders: AgentTokenReaders;
  /** oauth mode: the KMS keys that sign agent tokens (per group or tier) and the gateway's (per tier: gatewayKeyFor). */
  readonly signingKeys?: TokenSigningKeys;
  /** oauth mode: the environment's issuer and JSON Web Key Set, readable only through the VPC's S3 endpoint. */
  readonly jwks?: JwksBucket;

  constructor(scope: Construct, config: McpConfig) {
    super(scope, stackName(config.environment));
    this.config = config;
    // What the config asked, so the review compares the plan with it from the plan alone.
    recordStackFacts(this, stackFactsOf(config));

    this.env = environmentOf(this, config);
    this.stageDefaults = stageDefaults(config.stage);

    this.key = new EncryptionKey(this, "encryption-key", { env: this.env });
    this.logs = new AuditLogs(this, "audit-logs", { env: this.env, key: this.key, retentionDays: config.logs.retentionDays, objectLock: config.logs.objectLock });
    const net = config.network;
    this.network = new Network(this, "network", {
      env: this.env,
      vpcCidr: net.vpcCidr,
      availabilityZones: net.availabilityZones,
      flowLogGroup: this.logs.flowLogs,
      transitGatewayId: net.transitGatewayId,
      vpnGatewayId: net.vpnGatewayId,
      remoteCidrs: [net.ibmi.cidr, ...config.agents.flatMap((a) => a.cidrs), ...config.gateway.clientCidrs],
      // The rotation function restarts the gateway (and in jwt mode a tier) with ecs:UpdateService when a secret it holds rotates.
      // The auth canary publishes its results with cloudwatch:PutMetricData (the monitoring endpoint).
      // With managed gateway state, the cache-password function sets the cache user's password (elasticache:ModifyUser).
      interfaceEndpoints: [...DEFAULT_INTERFACE_ENDPOINTS, "ecs", "monitoring", ...(gatewayStateOf(config) === "managed" ? ["elasticache"] : [])],
    });
    this.access = new AgentAccess(this, "agent-access", {
      env: this.env,
      network: this.network,
      agents: config.agents,
      mcpPort: config.mcpServer.port,
      gatewayPort: config.gateway.port,
      gatewayClientCidrs: config.gateway.clientCidrs,
      ibmi: { cidr: net.ibmi.cidr, port: net.ibmi.mapepirePort },
    });
    this.alerts = new SecurityAlerts(this, "alerts", {
      env: this.env,
      key: this.key,
      emails: config.alerts.emails,
      authFailuresPerHour: config.alerts.authFailuresPerHour,
      mcpServerLogs: this.logs.mcpServer,
      gatewayLogs: this.logs.gateway,
      // Exact names from the tools YAML (destructiveHint) and execute_sql when it may write (lib/tool-catalogue.ts).
      destructiveTools: destructiveToolsOf(loadToolCatalogue(), config.agents, config.mcpServer.executeSql),
    });
    // The tls provider only where a certificate is made here, so acm-mode plans need no extra provider.
    if (config.tls.mode === "self-signed") new TlsProvider(this, "tls-provider");
    this.tls = new Certificate(this, "tls", {
      env: this.env,
      mode: config.tls.mode,
      domainName: config.tls.domainName,
      certificateArn: config.tls.certificateArn,
      minTlsVersion: config.tls.minVersion,
      allowSelfSigned: this.stageDefaults.certificate.allowSelfSigned,
    });
    this.secrets = new Secrets(this, "secrets", {
      env: this.env,
      key: this.key,
      network: this.network,
      logs: this.logs,
      alerts: this.alerts,
      rotationDays: config.secrets.rotationDays,
      authMode: config.mcpServer.authMode,
      // A revoked group has no token secret (removing it deletes the token after the recovery window).
      agents: liveAgents(config),
      agentTokenHours: { rotation: config.agentTokens.rotationHours, lifetime: config.agentTokens.lifetimeHours },
      // A deleted secret's name stays taken for the whole window: short in dev, where stacks come and go.
      recoveryWindowDays: this.stageDefaults.recoveryWindowDays,
      reservedConcurrency: config.functions.reservedConcurrency || undefined,
    });
    if (config.mcpServer.authMode === "oauth") ({ signingKeys: this.signingKeys, jwks: this.jwks } = this.composeTokenKeys(config));
    ({ images: this.images, cluster: this.cluster, loadBalancer: this.loadBalancer, mcp: this.mcp, gateway: this.gateway, tierSecrets: this.tierSecrets } = this.composeServices(config));
    if (this.signingKeys && this.jwks) {
      this.mintAgentTokens(config, this.signingKeys, this.jwks);
      this.tierRegistration = this.registerTiers(config, this.signingKeys, this.jwks);
    }
    this.authCanary = new AuthCanary(this, "auth-canary", {
      env: this.env,
      network: this.network,
      logs: this.logs,
      alerts: this.alerts,
      services: this.mcp.tiers.map((t) => this.mcp.services[t.id]),
      taskGroup: this.access.taskGroup,
      port: config.mcpServer.port,
      agentTokens: config.mcpServer.authMode === "jwt" || config.mcpServer.authMode === "oauth" ? this.secrets.agentTokens : undefined,
      intervalMinutes: config.alerts.authCanaryMinutes,
      reservedConcurrency: config.functions.reservedConcurrency || undefined,
    });
    ({ secretPolicies: this.secretPolicies, tokenReaders: this.tokenReaders } = this.composeAccess(config));
  }

  /**
   * oauth mode: a KMS key per agent group (or tier) and per tier for the gateway, and the JWKS with every live key,
   * published before anything is signed with them (docs/service.md, "Token scoping").
   */
  private composeTokenKeys(config: McpConfig) {
    const tok = config.agentTokens;
    const signingKeys = new TokenSigningKeys(this, "token-signing-keys", {
      env: this.env,
      groups: config.agents.map((a) => ({ name: a.name, tierId: tierOf(a), keyGeneration: a.keyGeneration, revoked: a.revoked })),
      tierIds: planTiers(config.agents).map((t) => t.id),
      signer: this.secrets.rotationFunction.role,
      keyPer: tok.keyPer,
      deletionWindowDays: tok.keyDeletionDays ?? this.stageDefaults.keyDeletionWindowDays,
    });
    const jwks = new JwksBucket(this, "jwks", {
      env: this.env,
      network: this.network,
      publisher: this.secrets.rotationFunction,
      accessLogs: { bucket: this.logs.accessLogsBucket, ready: [this.logs.accessLogsBucketPolicy] },
    });
    jwks.publish(signingKeys.liveKeyArns);
    return { signingKeys, jwks };
  }

  /** oauth mode: each live group's token, bound to its tier's audience, first minted once the JWKS holds its key. */
  private mintAgentTokens(config: McpConfig, keys: TokenSigningKeys, jwks: JwksBucket): void {
    for (const a of liveAgents(config)) {
      const service = this.mcp.services[tierOf(a)];
      const key = keys.keyFor(a.name)!;
      this.secrets.mintAgentToken(a.name, { keyArn: key.arn, audience: service.internalUrl, issuer: jwks.issuer, scopes: service.tier.toolsets, after: [jwks.published] });
    }
    // A new generation (agents[].keyGeneration): re-mint with it once it is published; the old one stays verifiable.
    for (const r of keys.rolledOver) this.secrets.remintOnKeyChange(r.agent, r.key.arn, [jwks.published]);
  }

  /**
   * oauth mode: every tier registered with the gateway on apply and every third of a token's life, each with a token
   * the gateway's own key for that tier signs (audience: the tier), so no manual gateway step remains.
   */
  private registerTiers(config: McpConfig, keys: TokenSigningKeys, jwks: JwksBucket): TierRegistration {
    const tiers = this.mcp.tiers.map((t) => {
      const service = this.mcp.services[t.id];
      return { id: t.id, url: service.internalUrl, audience: service.internalUrl, scopes: t.toolsets };
    });
    const registration = new TierRegistration(this, "tier-registration", {
      env: this.env,
      network: this.network,
      logs: this.logs,
      alerts: this.alerts,
      tiers,
      gatewayKeyAliases: Object.fromEntries(this.mcp.tiers.map((t) => [t.id, keys.gatewayKeyAliasFor(t.id).name])),
      issuer: jwks.issuer,
      gateway: { loadBalancer: this.loadBalancer, certificate: this.tls, securityGroup: this.access.loadBalancerGroup },
      adminEmail: config.gateway.adminEmail ?? `admin@${config.tls.domainName.replace(/^\*\./, "")}`,
      adminJwtSecret: this.secrets.gatewayJwtSecret,
      // The gateway's stored tokens live as long as the agents' (at least 3 hours: it re-registers every third).
      tokenLifetimeHours: Math.max(3, config.agentTokens.lifetimeHours),
      after: [this.gateway.service, ...this.mcp.tiers.map((t) => this.mcp.services[t.id].service), jwks.published, ...this.mcp.tiers.map((t) => keys.gatewayKeyAliasFor(t.id).resource)],
      // A replaced key keeps its alias name: its ARN re-runs the registration, so the stored tokens carry the new kid.
      rerunWhen: { gateway: this.gateway.taskDefinition.arn, gatewayKeys: this.mcp.tiers.map((t) => keys.gatewayKeyFor(t.id).arn).join(",") },
      reservedConcurrency: config.functions.reservedConcurrency || undefined,
    });
    keys.grantGatewaySigning(registration.function.role, "RegisterTiers");
    return registration;
  }

  /** Who may read and write each secret: operators, auditors, agent token readers (config access, agents[].tokenReader). */
  private composeAccess(config: McpConfig) {
    const secrets = this.secrets;
    const secretPolicies = new SecretPolicies(this, "secret-policies", { secrets: [...secrets.all, ...Object.values(this.tierSecrets?.byTier ?? {})] });
    const tokens = liveAgents(config).map((a) => secrets.agentTokens[a.name]);
    new OperatorAccess(this, "operator-access", {
      env: this.env,
      key: this.key,
      policies: secretPolicies,
      operators: config.access.operators,
      auditors: config.access.auditors,
      peopleRotated: secrets.all.filter((s) => s.rotation.by === "person"),
      replacedByPeople: secrets.all.filter((s) => s.rotation.by === "aws-once"),
      agentTokens: tokens,
      // PLATFORM_ADMIN_PASSWORD: operators sign in to the gateway with it to register the tiers (docs/service.md).
      readByOperators: [secrets.gatewayAdminPassword],
      auditBucket: this.logs.auditBucket,
    });
    const ra = config.access.rolesAnywhere;
    const tokenReaders = new AgentTokenReaders(this, "agent-token-readers", {
      env: this.env,
      key: this.key,
      tokens: secrets.agentTokens,
      policies: secretPolicies,
      readers: liveAgents(config)
        .filter((a) => a.tokenReader)
        .map((a) => ({ agent: a.name, ...a.tokenReader })),
      certificateAuthority: ra?.caCertificatePem ? { certificatePem: ra.caCertificatePem } : ra?.acmPcaArn ? { acmPcaArn: ra.acmPcaArn } : undefined,
    });
    return { secretPolicies, tokenReaders };
  }

  /** The load balancer, the MCP tiers and the gateway (docs/service.md). */
  private composeServices(config: McpConfig) {
    const { mcpServer: srv, gateway: gw } = config;
    const host = config.tls.domainName.replace(/^\*\./, "");
    const images = new ContainerImages(this, "images", { env: this.env, images: kitImages(config) });
    const cluster = new ServiceCluster(this, "cluster", { env: this.env, network: this.network });
    const loadBalancer = new LoadBalancer(this, "load-balancer", {
      env: this.env,
      network: this.network,
      securityGroup: this.access.loadBalancerGroup,
      additionalSecurityGroups: this.access.agentRangeGroups,
      tls: this.tls,
      mcpPort: srv.port,
      gatewayPort: gw.port,
      accessLogs: { bucket: this.logs.accessLogsBucket.bucket, prefix: this.logs.accessLogsPrefix, ready: [this.logs.accessLogsBucketPolicy] },
      ...this.stageDefaults.loadBalancer,
      alarms: this.alerts,
    });
    const secrets = this.secrets;
    // Each tier verifies tokens with its own key, so a group's token is refused by every other tier (docs/service.md).
    // jwt mode, or a migration to oauth: each legacy jwt service keeps verifying with today's secret until its tokens expire.
    const migrating = srv.authMode === "oauth" && !!srv.authMigration;
    const tierSecrets =
      srv.authMode === "jwt" || migrating
        ? new TierSigningSecrets(this, "tier-signing-secrets", {
            legacy: migrating,
            env: this.env,
            key: this.key,
            secrets,
            // A revoked group's token is gone; its tier keeps its signing secret.
            tiers: planTiers(config.agents).map((t) => ({ ...t, agents: t.agents.filter((n) => !config.agents.find((a) => a.name === n)?.revoked) })),
            rotationDays: config.secrets.rotationDays,
            recoveryWindowDays: this.stageDefaults.recoveryWindowDays,
          })
        : undefined;
    const mcp = new McpTiers(this, "mcp", {
      env: this.env,
      agents: config.agents,
      cluster,
      network: this.network,
      securityGroup: this.access.taskGroup,
      loadBalancer,
      images,
      image: images.of("ibmi-mcp-server"),
      logGroup: this.logs.mcpServer,
      ibmi: { host: config.network.ibmi.host, credentials: secrets.ibmiCredentials },
      oauth:
        srv.authMode === "oauth" && this.jwks
          ? {
              issuer: this.jwks.issuer,
              protectedResourceMetadata: srv.protectedResourceMetadata,
              legacyAuthFor: migrating && tierSecrets ? (tier) => ({ mode: "jwt", signingSecret: tierSecrets.of(tier.id) }) : undefined,
            }
          : undefined,
      authFor: (tier) => {
        if (srv.authMode === "ibmi" && secrets.ibmiAuthKeyPair) return { mode: "ibmi", keyPair: secrets.ibmiAuthKeyPair };
        if (srv.authMode === "jwt" && tierSecrets) return { mode: "jwt", signingSecret: tierSecrets.of(tier.id) };
        if (srv.authMode === "oauth" && this.jwks) return { mode: "oauth", issuer: this.jwks.issuer, jwksUri: this.jwks.jwksUri, ready: [this.jwks.published] };
        if (srv.authMode === "none") return { mode: "none" };
        throw new Error(`${this.node.path}: mcpServer.authMode "${srv.authMode}" has nothing to verify tokens with`);
      },
      server: {
        port: srv.port,
        desiredCount: srv.desiredCount,
        cpu: srv.cpu,
        memoryMiB: srv.memory,
        logLevel: srv.logLevel,
        sessionMode: srv.sessionMode,
        executeSql: srv.executeSql,
        rateLimit: srv.rateLimit,
        ibmiCaCertificate: config.network.ibmi.caCertificate,
        // Dev may reach an IBM i whose Mapepire certificate no CA vouches for.
        verifyIbmiCertificate: this.stageDefaults.mcpService.verifyIbmiCertificate,
      },
    });
    const managedState = gatewayStateOf(config) === "managed" ? this.gatewayState(config) : undefined;
    const gateway = new GatewayService(this, "gateway", {
      managedState,
      desiredCount: gatewayDesiredCountOf(config),
      env: this.env,
      cluster,
      network: this.network,
      securityGroup: this.access.gatewayGroup,
      loadBalancer,
      images,
      image: images.of("mcp-gateway"),
      logGroup: this.logs.gateway,
      jwtSecret: secrets.gatewayJwtSecret,
      adminPassword: secrets.gatewayAdminPassword,
      encryptionSecret: secrets.gatewayEncryptionSecret,
      adminEmail: gw.adminEmail ?? `admin@${host}`,
      publicHost: host,
      adminUi: gw.adminUi,
      // The tiers it federates live in the VPC (tier registration, constructs/tier-registration.ts).
      allowedNetworks: [config.network.vpcCidr],
      cpu: gw.cpu,
      memoryMiB: gw.memory,
      logLevel: srv.logLevel === "debug" ? "DEBUG" : "INFO",
      environment: this.stageDefaults.gatewayService.environment,
    });
    // Its tasks read these only at start: each finished rotation redeploys the gateway (docs/secrets.md).
    secrets.restartOnRotation("gateway", gateway.serviceArn, [secrets.gatewayJwtSecret]);
    // RDS rotates the database password itself (every 7 days): the gateway is redeployed on its rotation event.
    if (managedState) secrets.restartOnServiceRotation("gateway-database", managedState.database.masterSecret.arn, { gateway: gateway.serviceArn });
    // ibmi mode: every tier loads the key pair once per process (upstream auth/crypto.ts loadKeyPair caches it).
    if (secrets.ibmiAuthKeyPair) secrets.restartOnRotation("tiers", Object.fromEntries(mcp.tiers.map((t) => [t.id, tierServiceArn(this.env, t.id)])), [secrets.ibmiAuthKeyPair]);
    new ServiceOutputs(this, "service-outputs", {
      loadBalancer,
      host,
      mcpPort: srv.port,
      gatewayPort: gw.port,
      logGroups: { mcp_server: this.logs.mcpServer, gateway: this.logs.gateway },
    });
    return { images, cluster, loadBalancer, mcp, gateway, tierSecrets };
  }

  /** The gateway's PostgreSQL and Valkey (staging and prod by default; docs/service.md, "Gateway state"). */
  private gatewayState(config: McpConfig): ManagedState {
    const common = { env: this.env, network: this.network, key: this.key, clients: this.access.gatewayGroup, retentionDays: config.logs.retentionDays, grantDecrypt: (role: ServiceRole) => this.secrets.grantDecryptThroughSecretsManager(role) };
    const database = new GatewayDatabase(this, "gateway-database", { ...common, ...this.stageDefaults.gatewayDatabase, instanceClass: config.gateway.database.instanceClass, storageGiB: config.gateway.database.storageGiB });
    const cache = new GatewayCache(this, "gateway-cache", { ...common, ...this.stageDefaults.gatewayCache, logs: this.logs, nodeType: config.gateway.cache.nodeType, recoveryWindowDays: this.stageDefaults.recoveryWindowDays });
    return { database, cache };
  }
}

/** The agent groups that are not revoked (agents[].revoked): only they have tokens. */
function liveAgents(config: McpConfig) {
  return config.agents.filter((a) => !a.revoked);
}
