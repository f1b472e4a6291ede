/**
 * Checks that span fields, or that depend on the stage, one small function per domain. `crossFieldChecks` runs them in
 * a fixed order, so findings keep the order reports and tests expect. Each returns its findings; none throws.
 */
import { z } from "zod";
import { accessChecks } from "./access";
import { contains, isPrivate, overlaps, toCidr } from "../lib/cidr";
import { UPSTREAM_GATEWAY_VERSION } from "../lib/gateway-env";
import { GATEWAY_DATABASE_CA, RDS_CA_SOURCE, rdsCaRegions, rdsRootCertificate } from "../lib/rds-ca";
import { MAX_AGENTS_PER_JWT_TIER, planTiers, tierChecks } from "../lib/tiers";
import { loadToolCatalogue, ToolCatalogue } from "../lib/tool-catalogue";
import { MAX_ROTATION_DAYS, MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";
import { configSchema, FARGATE_SIZES, Finding, gatewayDesiredCountOf, gatewayStateOf, MAX_ROTATION_HOURS, MAX_TOKEN_LIFETIME_HOURS, MIN_RESERVED_CONCURRENCY, MIN_ROTATION_HOURS, RETENTION_DAYS, Stage, STAGES, TERRAFORM_PARALLELISM } from "./schema";

/** A config of the right shape, defaults applied; `stage` may still be missing. */
type Parsed = z.output<typeof configSchema>;

/** A list of findings and the function that adds to it. */
function findings() {
  const out: Finding[] = [];
  return { out, add: (path: (string | number)[], problem: string, fix: string) => void out.push({ path, problem, fix }) };
}

/**
 * Checks that span fields, or that depend on the stage. Runs only on input that has the right shape. Toolsets are
 * checked against `catalogue` (the tools YAML, lib/tool-catalogue.ts). @default catalogue: the tools/ folder
 */
export function crossFieldChecks(cfg: Parsed, fileEnv: string, catalogue: ToolCatalogue = loadToolCatalogue()): Finding[] {
  const stage = cfg.stage ?? ((STAGES as readonly string[]).includes(cfg.environment) ? (cfg.environment as Stage) : undefined);
  const prod = stage === "prod";
  const tiers = tierGrantChecks(cfg, catalogue, prod);
  return [
    ...identityChecks(cfg, fileEnv, stage),
    ...networkChecks(cfg),
    ...agentNetworkChecks(cfg, prod),
    ...tlsChecks(cfg, stage),
    ...taskSizeChecks(cfg),
    ...authChecks(cfg, stage),
    ...gatewayChecks(cfg, stage),
    ...tiers.findings,
    ...serverImageChecks(cfg),
    ...retentionChecks(cfg),
    ...functionChecks(cfg, tiers.largestJwtTier),
    ...accessChecks(cfg),
    ...(prod ? productionChecks(cfg) : []),
  ];
}

/** The file's name against `environment`, and a stage for names that are not one. */
function identityChecks(cfg: Parsed, fileEnv: string, stage: Stage | undefined): Finding[] {
  const { out, add } = findings();
  if (cfg.environment !== fileEnv) add(["environment"], `does not match the file name "${fileEnv}.json"`, `set environment to "${fileEnv}" or rename the file to ${cfg.environment}.json`);
  if (!stage) add(["stage"], `is required because environment "${cfg.environment}" is not dev, staging or prod`, 'set stage to "dev", "staging" or "prod" to choose which rules apply');
  return out;
}

/** The VPC's range and zones, the IBM i network and host, Mapepire's port, the one gateway to remote networks. */
function networkChecks(cfg: Parsed): Finding[] {
  const { out, add } = findings();
  const net = cfg.network;
  const vpc = toCidr(net.vpcCidr)!;
  if (vpc.prefix < 16 || vpc.prefix > 24) add(["network", "vpcCidr"], `has prefix /${vpc.prefix}; AWS VPCs take /16 to /28 and the kit needs room for a subnet per zone`, 'use a /16 to /24 block, e.g. "10.40.0.0/20"');
  if (!isPrivate(vpc)) add(["network", "vpcCidr"], "is not in RFC 1918 private space", "use a range in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
  net.availabilityZones.forEach((az, i) => {
    if (!az.startsWith(cfg.region)) add(["network", "availabilityZones", i], `is not a zone of region ${cfg.region}`, `use zones named ${cfg.region}a, ${cfg.region}b, …`);
  });
  if (new Set(net.availabilityZones).size !== net.availabilityZones.length) add(["network", "availabilityZones"], "lists a zone twice", "list each zone once");
  const ibmi = toCidr(net.ibmi.cidr)!;
  if (overlaps(ibmi, vpc)) add(["network", "ibmi", "cidr"], `overlaps the VPC range ${net.vpcCidr}`, "give the IBM i network's own range, outside the VPC");
  if (ibmi.prefix === 0) add(["network", "ibmi", "cidr"], "is the whole address space", "give the IBM i system's own network, e.g. its /24");
  const hostIp = toCidr(`${net.ibmi.host}/32`);
  if (hostIp && !contains(ibmi, hostIp)) add(["network", "ibmi", "host"], `is not inside network.ibmi.cidr ${net.ibmi.cidr}`, "widen network.ibmi.cidr or correct the host address");
  // ibmi-mcp-server v0.5.1 passes no port to mapepire-js (services/baseConnectionPool.ts:100-105), which then uses its
  // DEFAULT_PORT 8076: another port here would open the security group on a port the server never uses.
  if (net.ibmi.mapepirePort !== 8076)
    add(
      ["network", "ibmi", "mapepirePort"],
      `is ${net.ibmi.mapepirePort}, but ibmi-mcp-server v0.5.1 always connects to Mapepire on 8076 (it passes no port to mapepire-js, YAML sources' port included)`,
      "run Mapepire on 8076 on the IBM i and remove this key",
    );
  if (net.transitGatewayId && net.vpnGatewayId) add(["network"], "sets both transitGatewayId and vpnGatewayId", "keep the one the IBM i network and the agents are reached through");
  return out;
}

/** Agent groups' names and source ranges, and the gateway clients' ranges: a source must identify one group. */
function agentNetworkChecks(cfg: Parsed, prod: boolean): Finding[] {
  const { out, add } = findings();
  const net = cfg.network;
  const vpc = toCidr(net.vpcCidr)!;
  const names = new Map<string, number>();
  const seen: { cidr: string; agent: string }[] = [];
  cfg.agents.forEach((a, i) => {
    if (names.has(a.name)) add(["agents", i, "name"], `repeats the name of agents[${names.get(a.name)}]`, "give every agent group a unique name");
    names.set(a.name, i);
    if (a.cidrs.length === 0 && a.securityGroupIds.length === 0) add(["agents", i], "has neither cidrs nor securityGroupIds, so it could never connect", "list the agent hosts' source ranges in cidrs");
    a.cidrs.forEach((c, j) => {
      const r = toCidr(c);
      if (!r) return;
      if (r.prefix === 0) {
        add(["agents", i, "cidrs", j], "opens port 3010 to every address", 'list only the agent hosts\' ranges, e.g. "10.20.0.0/24"');
        return;
      }
      if (overlaps(r, vpc)) add(["agents", i, "cidrs", j], `overlaps the VPC range ${net.vpcCidr}; agents connect from outside the VPC`, "use the range the agent hosts have on their own network");
      if (prod && !isPrivate(r)) add(["agents", i, "cidrs", j], "is a public range; production agents must come over VPN, transit gateway or peering", "use the agents' private (RFC 1918) range");
      const clash = seen.find((s) => overlaps(toCidr(s.cidr)!, r));
      if (clash) add(["agents", i, "cidrs", j], `overlaps ${clash.cidr} of agent group "${clash.agent}", so the source no longer identifies one group`, "make each group's ranges disjoint");
      seen.push({ cidr: c, agent: a.name });
    });
  });

  cfg.gateway.clientCidrs.forEach((c, j) => {
    const r = toCidr(c);
    if (!r) return;
    if (r.prefix === 0) add(["gateway", "clientCidrs", j], "opens the gateway to every address", 'list only the operators\' ranges, e.g. "10.30.0.0/24"');
    else if (prod && !isPrivate(r)) add(["gateway", "clientCidrs", j], "is a public range", "use the operators' private (RFC 1918) range");
  });
  return out;
}

/** The certificate: ACM outside dev, an ARN of the stack's region and account. */
function tlsChecks(cfg: Parsed, stage: Stage | undefined): Finding[] {
  const { out, add } = findings();
  const tls = cfg.tls;
  if (tls.mode === "self-signed" && stage !== "dev")
    add(["tls", "mode"], `is self-signed in ${stage ?? "a non-dev"} environment; clients cannot verify it and its key sits in Terraform state`, 'set mode "acm" with certificateArn of an ACM certificate issued by a trusted CA');
  if (tls.mode === "acm") {
    const arn = tls.certificateArn;
    const m = arn ? /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/.exec(arn) : null;
    if (!arn) add(["tls", "certificateArn"], 'is required when tls.mode is "acm"', 'give the ARN of an issued ACM certificate, e.g. "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"');
    else if (!m) add(["tls", "certificateArn"], "is not an ACM certificate ARN", 'write "arn:aws:acm:<region>:<account>:certificate/<uuid>"');
    else {
      if (m[1] !== cfg.region) add(["tls", "certificateArn"], `is in region ${m[1]} but the stack deploys to ${cfg.region}; a load balancer can use only certificates of its own region`, `import or request the certificate in ${cfg.region}`);
      if (cfg.accountId && m[2] !== cfg.accountId) add(["tls", "certificateArn"], `belongs to account ${m[2]}, not ${cfg.accountId}`, "use a certificate of the deployment account");
    }
  } else if (tls.certificateArn) add(["tls", "certificateArn"], "is set but tls.mode is self-signed, so it would be ignored", 'remove it, or set mode "acm"');
  return out;
}

/** Fargate cpu and memory of the MCP server's and the gateway's tasks. */
function taskSizeChecks(cfg: Parsed): Finding[] {
  const { out, add } = findings();
  const srv = cfg.mcpServer;
  const mem = FARGATE_SIZES[srv.cpu];
  if (!mem) add(["mcpServer", "cpu"], `${srv.cpu} is not a Fargate cpu size`, `use one of ${Object.keys(FARGATE_SIZES).join(", ")}`);
  else if (!mem.includes(srv.memory)) add(["mcpServer", "memory"], `${srv.memory} MiB is not accepted by Fargate with cpu ${srv.cpu}`, `use one of ${mem.join(", ")}`);

  const gw = cfg.gateway;
  const gwMem = FARGATE_SIZES[gw.cpu];
  if (!gwMem) add(["gateway", "cpu"], `${gw.cpu} is not a Fargate cpu size`, `use one of ${Object.keys(FARGATE_SIZES).join(", ")}`);
  else if (!gwMem.includes(gw.memory)) add(["gateway", "memory"], `${gw.memory} MiB is not accepted by Fargate with cpu ${gw.cpu}`, `use one of ${gwMem.join(", ")}`);
  return out;
}

/** The auth mode per stage, agent tokens' rotation and lifetime, and what oauth mode reserves or needs. */
function authChecks(cfg: Parsed, stage: Stage | undefined): Finding[] {
  const { out, add } = findings();
  const srv = cfg.mcpServer;
  if (srv.authMigration && srv.authMode !== "oauth")
    add(
      ["mcpServer", "authMigration"],
      `is ${srv.authMigration}, but mcpServer.authMode is "${srv.authMode}": a migration runs oauth services beside today's jwt ones`,
      'set mcpServer.authMode to "oauth" to start the migration, or remove authMigration',
    );
  // ibmi: upstream issue #190 (IBM/ibmi-mcp-server): built-in tools run with the server's own IBM i credentials whoever
  // signed in, and the auth endpoint takes an unvalidated host field, so a caller can mint tokens the server accepts.
  if (srv.authMode === "ibmi" && stage !== "dev")
    add(
      ["mcpServer", "authMode"],
      `is ibmi in ${stage ?? "a non-dev"} environment: built-in tools run with the server's own IBM i credentials whoever signed in, and the auth endpoint's unvalidated host field lets a caller mint tokens the server accepts (IBM/ibmi-mcp-server issue #190)`,
      'use "oauth" (the default), or "jwt" while migrating',
    );
  if (srv.authMode === "none" && stage !== "dev")
    add(["mcpServer", "authMode"], `is none in ${stage ?? "a non-dev"} environment: every caller that reaches a tier could run its tools unauthenticated`, 'use "oauth" (the default), or "jwt" while migrating');
  const tok = cfg.agentTokens;
  if (tok.rotationHours < MIN_ROTATION_HOURS || tok.rotationHours > MAX_ROTATION_HOURS)
    add(["agentTokens", "rotationHours"], `is ${tok.rotationHours}; Secrets Manager rotates as often as every ${MIN_ROTATION_HOURS} hours, and a rate of 24 hours or more is a rate in days`, `write ${MIN_ROTATION_HOURS} to ${MAX_ROTATION_HOURS}`);
  if (tok.lifetimeHours < 1 || tok.lifetimeHours > MAX_TOKEN_LIFETIME_HOURS) add(["agentTokens", "lifetimeHours"], `is ${tok.lifetimeHours}; tokens must be short-lived (1 to ${MAX_TOKEN_LIFETIME_HOURS} hours)`, "write e.g. 12");
  else if (tok.lifetimeHours < 2 * tok.rotationHours)
    add(
      ["agentTokens", "lifetimeHours"],
      `is ${tok.lifetimeHours} hours, less than twice agentTokens.rotationHours (${tok.rotationHours}): a failed re-mint would have no whole interval to be retried before agents hold an expired token`,
      `write ${2 * tok.rotationHours} or more, or lower agentTokens.rotationHours`,
    );
  if (tok.keyDeletionDays !== undefined && (tok.keyDeletionDays < 7 || tok.keyDeletionDays > 30))
    add(["agentTokens", "keyDeletionDays"], `is ${tok.keyDeletionDays}; AWS KMS waits 7 to 30 days before deleting a key`, "write 7 to 30, or remove it (30; 7 in dev)");
  cfg.agents.forEach((a, i) => {
    if (srv.authMode === "oauth" && (a.name === "gateway" || a.name.startsWith("gateway-")))
      add(["agents", i, "name"], `is "${a.name}", but in oauth mode client id "gateway" and the key names gateway-<tier> belong to the gateway's own tokens`, 'rename the group, e.g. "gateway-operators" → "operators"');
    if (a.keyGeneration > 1 && srv.authMode !== "oauth") add(["agents", i, "keyGeneration"], `is ${a.keyGeneration}, but signing keys exist only in oauth mode (mcpServer.authMode is ${srv.authMode})`, 'remove it, or set mcpServer.authMode "oauth"');
  });
  if (cfg.agents.every((a) => a.revoked) && srv.authMode === "oauth") add(["agents"], "revokes every agent group, so no tier could be called", "keep at least one group unrevoked, or remove the environment");
  return out;
}

/** The gateway's state against its task count and the stage, and the Context Forge tag the kit is checked against. */
function gatewayChecks(cfg: Parsed, stage: Stage | undefined): Finding[] {
  const { out, add } = findings();
  const prod = stage === "prod";
  const gw = cfg.gateway;
  const gwState = gatewayStateOf({ stage, gateway: gw });
  const gwTasks = gatewayDesiredCountOf({ stage, gateway: gw });
  if (gwState === "sqlite-efs" && gwTasks > 1)
    add(
      ["gateway", "desiredCount"],
      `runs ${gwTasks} tasks on SQLite over EFS; SQLite allows one writer (tasks would corrupt or lock each other's database) and Context Forge advises against SQLite on network shares`,
      'set gateway.state to "managed" (PostgreSQL and Valkey shared by the tasks), or desiredCount to 1',
    );
  if (prod && gwState === "sqlite-efs") add(["gateway", "state"], "is sqlite-efs in production: one task, no failover, a gap in service on every deployment", 'remove it (production defaults to "managed") or set "managed"');
  else if (prod && gwTasks < 2) add(["gateway", "desiredCount"], `runs ${gwTasks} gateway task; production needs 2 or more across zones`, "set 2 or more (the default with managed state)");
  // The gateway verifies its PostgreSQL server against the region's RDS root (constructs/gateway-database.ts).
  if (gwState === "managed" && !rdsRootCertificate(cfg.region, GATEWAY_DATABASE_CA))
    add(
      ["region"],
      `has no ${GATEWAY_DATABASE_CA} root in ${RDS_CA_SOURCE}, so the gateway could not verify its database server`,
      `deploy managed gateway state to one of ${rdsCaRegions(GATEWAY_DATABASE_CA).join(", ")}, or update ${RDS_CA_SOURCE.split("@")[0]} (package.json) to a version that has the region`,
    );
  const gwTag = /^ghcr\.io\/ibm\/mcp-context-forge:([^@]+)(@|$)/.exec(gw.image);
  if (gwTag && gwTag[1] !== UPSTREAM_GATEWAY_VERSION)
    add(
      ["gateway", "image"],
      `uses tag "${gwTag[1]}", but the kit's gateway settings, entry script and user (uid 10001) are checked against Context Forge ${UPSTREAM_GATEWAY_VERSION}`,
      `write "ghcr.io/ibm/mcp-context-forge:${UPSTREAM_GATEWAY_VERSION}" (with @sha256:<digest> in prod), or re-check lib/gateway-env.ts against the new tag first`,
    );
  return out;
}

/**
 * Agent groups' grants (lib/tiers.ts tierChecks), and in jwt mode the size of each tier; `largestJwtTier` tells the
 * function checks how many tokens one rotation re-mints.
 */
function tierGrantChecks(cfg: Parsed, catalogue: ToolCatalogue, prod: boolean): { findings: Finding[]; largestJwtTier: number } {
  const { out, add } = findings();
  const srv = cfg.mcpServer;
  const tierFindings = tierChecks(cfg.agents, catalogue, prod, { gatewayClientCidrs: cfg.gateway.clientCidrs, executeSql: srv.executeSql });
  for (const f of tierFindings) add(f.path, f.problem, f.fix);
  // A jwt tier's key rotation re-mints all its groups' tokens at once: one execution each, plus the rotation itself.
  let largestJwtTier = 0;
  if (srv.authMode === "jwt" && tierFindings.length === 0) {
    for (const tier of planTiers(cfg.agents, catalogue)) {
      largestJwtTier = Math.max(largestJwtTier, tier.agents.length);
      if (tier.agents.length > MAX_AGENTS_PER_JWT_TIER)
        add(
          ["agents"],
          `gives ${tier.agents.length} agent groups the same grant (${tier.toolsets.join(", ")}${tier.readOnly ? ", read-only" : ""}); in jwt mode one tier serves at most ${MAX_AGENTS_PER_JWT_TIER}, because its signing secret lists their tokens in its tags`,
          `merge groups whose hosts can share a token, or split them across grants of at most ${MAX_AGENTS_PER_JWT_TIER} groups`,
        );
    }
  }
  return { findings: out, largestJwtTier };
}

/** The MCP server's upstream image tag. */
function serverImageChecks(cfg: Parsed): Finding[] {
  const { out, add } = findings();
  const srv = cfg.mcpServer;
  // The images are the upstream ones the kit builds FROM (images/*/Dockerfile, npm run images); the tasks pull the
  // kit's own image from the environment's ECR, so any registry the build machine reaches will do.
  const upstreamTag = /^ghcr\.io\/ibm\/ibmi-mcp-server:(\d+\.\d+\.\d+)(@|$)/.exec(srv.image);
  if (upstreamTag) add(["mcpServer", "image"], `uses tag "${upstreamTag[1]}", which upstream never publishes (its release workflow tags images v<version>)`, `write "ghcr.io/ibm/ibmi-mcp-server:v${upstreamTag[1]}"`);
  return out;
}

/** How long logs and archived logs are kept, and how often secrets rotate. */
function retentionChecks(cfg: Parsed): Finding[] {
  const { out, add } = findings();
  const days = cfg.logs.retentionDays;
  if (days < MIN_LOG_RETENTION_DAYS) add(["logs", "retentionDays"], `keeps logs ${days} days; the seed asks for ${MIN_LOG_RETENTION_DAYS} or more`, `set ${MIN_LOG_RETENTION_DAYS} or more (${RETENTION_DAYS.slice(0, 4).join(", ")}, …)`);
  else if (!RETENTION_DAYS.includes(days)) {
    const lower = [...RETENTION_DAYS].reverse().find((d) => d < days);
    const upper = RETENTION_DAYS.find((d) => d > days);
    add(["logs", "retentionDays"], `${days} is not a retention period CloudWatch Logs accepts`, `use ${[lower, upper].filter(Boolean).join(" or ")}`);
  }
  const lock = cfg.logs.objectLock;
  if (lock && lock.days > days) add(["logs", "objectLock", "days"], `locks archived logs ${lock.days} days, longer than logs.retentionDays ${days}, so the lifecycle could not expire them`, `set ${days} or fewer, or raise logs.retentionDays`);
  if (cfg.secrets.rotationDays > MAX_ROTATION_DAYS) add(["secrets", "rotationDays"], `rotates every ${cfg.secrets.rotationDays} days; the kit's limit is ${MAX_ROTATION_DAYS}`, `set ${MAX_ROTATION_DAYS} or fewer (30 is the default)`);
  return out;
}

/** The functions' reserved concurrency against what the rotation function needs at once. */
function functionChecks(cfg: Parsed, largestJwtTier: number): Finding[] {
  const { out, add } = findings();
  const reserved = cfg.functions.reservedConcurrency;
  const needed = Math.max(MIN_RESERVED_CONCURRENCY, largestJwtTier + 1);
  if (reserved > 0 && reserved < needed) {
    const why =
      needed > MIN_RESERVED_CONCURRENCY
        ? `a tier signing key's rotation re-mints its ${largestJwtTier} agent tokens at once, one execution each besides its own`
        : `Terraform runs up to ${TERRAFORM_PARALLELISM} synchronous invocations of the rotation function in parallel on the first apply (first-value waits, up to 60 s each), and the rotations they wait for need executions of their own`;
    add(
      ["functions", "reservedConcurrency"],
      `reserves ${reserved} executions per function, fewer than the rotation function needs at once: ${why}; throttled, rotations fail or the apply does`,
      `set 0 (no reservation, the default) or ${needed} or more`,
    );
  }
  return out;
}

/** What production needs besides: pinned images, no debug logs, two tasks, someone to alert, remote state. */
function productionChecks(cfg: Parsed): Finding[] {
  const { out, add } = findings();
  const srv = cfg.mcpServer;
  (["mcpServer", "gateway"] as const).forEach((k) => {
    const img = cfg[k].image;
    if (!img.includes("@sha256:")) {
      const tag = /:[\w][\w.-]*$/.exec(img.split("/").pop() ?? "")?.[0];
      const why = !tag ? "has no tag or digest" : tag === ":latest" ? 'uses the moving tag "latest"' : "is not pinned by digest";
      add([k, "image"], `${why}; production must build from exactly the upstream image that was reviewed`, `pin it: append @sha256:<digest> of the reviewed image (docker buildx imagetools inspect ${img})`);
    }
  });
  if (srv.logLevel === "debug") add(["mcpServer", "logLevel"], "is debug in production; debug logs can carry request data", 'use "info" or higher');
  if (srv.desiredCount < 2) add(["mcpServer", "desiredCount"], `runs ${srv.desiredCount} task; production needs 2 or more across zones`, "set 2 or more");
  if (cfg.alerts.emails.length === 0) add(["alerts", "emails"], "is empty; security alerts would reach no one", 'add the security team\'s address, e.g. ["secops@example.com"]');
  if (!cfg.state) add(["state"], "is missing; production state must live in an encrypted, versioned S3 bucket", 'add "state": { "bucket": "<state bucket>" }');
  return out;
}
