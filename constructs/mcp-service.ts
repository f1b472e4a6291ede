import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AwsEnv, prefix } from "../lib/aws-env";
import { TOOLS_DIR_IN_IMAGE } from "../lib/images";
import { ReadableSecret, SecretRef } from "../lib/container";
import { RoutingRule, Tier } from "../lib/tiers";
import { UPSTREAM_RATE_LIMIT, upstreamEnvProblems } from "../lib/upstream-env";
import { ContainerImage, ContainerImages } from "./container-images";
import { FargateService, placementOf } from "./fargate-service";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { ServiceCluster } from "./service-cluster";

/** The user the upstream image creates and runs as (packages/server/Dockerfile: `USER appuser`). */
export const MCP_SERVER_USER = "appuser";
/** Where the v0.5.x image starts the server (packages/server/Dockerfile CMD); used only when an entry script is needed. */
const MCP_SERVER_MAIN = "packages/server/dist/index.js";
const IBMI_KEY_DIR = "/tmp/ibmi-auth";
/** Where the derived image holds the kit's Mapepire CA check (runtime/mcp-server/verify-ibmi-ca.cjs). */
export const VERIFY_IBMI_CA_PATH = "/opt/ibmi-mcp/verify-ibmi-ca.cjs";

/**
 * How the tier's server checks bearer tokens. In "jwt" mode it verifies HS256 tokens with MCP_AUTH_SECRET_KEY and no
 * audience (jwtStrategy.ts: `jwtVerify(token, secretKey)`), so a token is accepted exactly by the servers that
 * hold the key it was signed with: one signing secret per tier confines each agent group's token to its tier.
 */
export type McpAuth =
  | { readonly mode: "jwt"; readonly signingSecret: ReadableSecret }
  /**
   * ES256 tokens verified against the environment's JWKS (oauthStrategy.ts: jose `jwtVerify` with issuer and audience);
   * the audience is the tier's own `internalUrl`, so a token minted for one tier is refused by every other. `ready`:
   * what must exist before the first task starts (the key set published).
   */
  | { readonly mode: "oauth"; readonly issuer: string; readonly jwksUri: string; readonly ready?: readonly ITerraformDependable[] }
  /** No auth at all (dev only: config validation refuses it elsewhere). */
  | { readonly mode: "none" }
  /** The IBM i auth endpoint's RSA key pair: one JSON secret with keyId, privateKey, publicKey. */
  | { readonly mode: "ibmi"; readonly keyPair: ReadableSecret };

export interface McpServiceProps {
  readonly env: AwsEnv;
  /** The toolset tier this service serves (lib/tiers.ts planTiers). */
  readonly tier: Tier;
  readonly cluster: ServiceCluster;
  readonly network: Network;
  /** The MCP task group (AgentAccess.taskGroup). */
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: LoadBalancer;
  /** The tier's listener rules (lib/tiers.ts routingRules, filtered to this tier). */
  readonly routes: readonly RoutingRule[];
  readonly images: ContainerImages;
  readonly image: ContainerImage;
  /** KMS-encrypted log group of the MCP server (AuditLogs.mcpServer); each tier writes its own stream prefix. */
  readonly logGroup: CloudwatchLogGroup;
  /** IBM i host (DB2i_HOST) and the service profile, one JSON secret with `user` and `password`. */
  readonly ibmi: { readonly host: string; readonly credentials: ReadableSecret };
  readonly auth: McpAuth;
  /** @default 3010 */
  readonly port?: number;
  /** @default 2 */
  readonly desiredCount?: number;
  /** Fargate cpu units. @default 512 */
  readonly cpu?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** MCP_LOG_LEVEL. @default "info" */
  readonly logLevel?: string;
  /** MCP_SESSION_MODE; anything but "stateless" turns on stickiness. @default "stateless" */
  readonly sessionMode?: "stateless" | "stateful" | "auto";
  /** The built-in execute_sql tool. Read-only tiers never get "read-write". @default "off" */
  readonly executeSql?: "off" | "read-only" | "read-write";
  /** The server's rate limit per client id and task. @default upstream's 100 requests per 900 s */
  readonly rateLimit?: { readonly maxRequests: number; readonly windowSeconds: number };
  /**
   * PEM of the IBM i CA: every Mapepire connection is verified against it by a preloaded check the derived image
   * carries at VERIFY_IBMI_CA_PATH. @default unset: the server trusts the certificate the IBM i presents (outside dev)
   */
  readonly ibmiCaCertificate?: string;
  /**
   * Without ibmiCaCertificate: `false` lets the server accept any certificate Mapepire presents (upstream's default,
   * DB2i_IGNORE_UNAUTHORIZED=true; the stack sets it in dev only). @default true: the server trusts only the root
   * certificate the IBM i presents
   */
  readonly verifyIbmiCertificate?: boolean;
}

/**
 * One toolset tier: an ECS Fargate service running `ibmi-mcp-server` with exactly the tier's toolsets, behind its own
 * target group, reachable from its agent groups' source ranges (listener rules) and from the gateway (service
 * discovery as `<tier id>.<namespace>`). Its execution role reads only this tier's secrets; the task has no role.
 */
export class McpService extends FargateService {
  readonly tier: Tier;
  /** What the gateway registers: `http://<tier id>.<namespace>:<port>/mcp`. */
  readonly internalUrl: string;

  constructor(scope: Construct, id: string, props: McpServiceProps) {
    const { env, tier } = props;
    const name = `${prefix(env)}-${tier.id}`;
    const port = props.port ?? 3010;
    const sessionMode = props.sessionMode ?? "stateless";
    const executeSql = props.executeSql ?? "off";
    const path = `${scope.node.path}/${id}`;
    if (props.routes.some((r) => r.tierId !== tier.id)) throw new Error(`${path}: a route of another tier was passed to tier ${tier.id}`);

    const internalUrl = `http://${tier.id}.${props.cluster.domain}:${port}/mcp`;
    const environment: Record<string, string> = {
      MCP_TRANSPORT_TYPE: "http",
      MCP_HTTP_HOST: "0.0.0.0",
      MCP_HTTP_PORT: String(port),
      MCP_HTTP_ENDPOINT_PATH: "/mcp",
      MCP_SESSION_MODE: sessionMode,
      MCP_AUTH_MODE: props.auth.mode,
      MCP_SERVER_NAME: `ibmi-mcp-${tier.id}`,
      MCP_LOG_LEVEL: props.logLevel ?? "info",
      MCP_RATE_LIMIT_ENABLED: "true",
      ...rateLimitEnv(props.rateLimit),
      NODE_ENV: "production",
      // The logger also writes files under LOGS_DIR (default ~/.ibmi-mcp-server/logs, on the read-only root).
      LOGS_DIR: "/tmp/logs",
      DB2i_HOST: props.ibmi.host,
      // Unless verifyIbmiCertificate is false (dev) and no CA is given, Mapepire's certificate is verified; the upstream
      // default, true, accepts any. Without a CA, "false" only makes the server trust the root certificate the IBM i
      // presents (baseConnectionPool.ts:107-111).
      DB2i_IGNORE_UNAUTHORIZED: props.verifyIbmiCertificate === false && !props.ibmiCaCertificate ? "true" : "false",
      ...mapepireCaEnv(props.ibmiCaCertificate),
      SELECTED_TOOLSETS: tier.toolsets.join(","),
      IBMI_ENABLE_EXECUTE_SQL: executeSql === "off" ? "false" : "true",
      IBMI_EXECUTE_SQL_READONLY: tier.readOnly || executeSql !== "read-write" ? "true" : "false",
      IBMI_ENABLE_DEFAULT_TOOLS: "false",
      // Tools YAML is part of the image; watching it for changes would only matter on a writable file system.
      YAML_AUTO_RELOAD: "false",
      // The kit image copies tools/ there (images/mcp-server/Dockerfile); the server loads a folder's YAML files.
      TOOLS_YAML_PATH: TOOLS_DIR_IN_IMAGE,
    };
    const secrets: Record<string, SecretRef> = {
      DB2i_USER: { secret: props.ibmi.credentials, jsonKey: "user" },
      DB2i_PASS: { secret: props.ibmi.credentials, jsonKey: "password" },
    };
    let entryPoint: string[] | undefined;
    let command: string[] | undefined;
    if (props.auth.mode === "jwt") {
      secrets.MCP_AUTH_SECRET_KEY = { secret: props.auth.signingSecret };
    } else if (props.auth.mode === "oauth") {
      // No MCP_AUTH_SECRET_KEY: only jwtStrategy reads it (test/constructs/oauth-tiers.test.ts traces each value).
      Object.assign(environment, { OAUTH_ISSUER_URL: props.auth.issuer, OAUTH_AUDIENCE: internalUrl, OAUTH_JWKS_URI: props.auth.jwksUri });
    } else if (props.auth.mode === "ibmi") {
      // The server reads its RSA keys from files only; the entry script writes them to the scratch volume with
      // mode 600 and removes them from the environment before the server starts.
      Object.assign(environment, {
        IBMI_HTTP_AUTH_ENABLED: "true",
        IBMI_AUTH_PRIVATE_KEY_PATH: `${IBMI_KEY_DIR}/private.pem`,
        IBMI_AUTH_PUBLIC_KEY_PATH: `${IBMI_KEY_DIR}/public.pem`,
      });
      Object.assign(secrets, {
        IBMI_AUTH_KEY_ID: { secret: props.auth.keyPair, jsonKey: "keyId" },
        IBMI_AUTH_PRIVATE_KEY_PEM: { secret: props.auth.keyPair, jsonKey: "privateKey" },
        IBMI_AUTH_PUBLIC_KEY_PEM: { secret: props.auth.keyPair, jsonKey: "publicKey" },
      });
      entryPoint = ["sh", "-c"];
      command = [
        `set -eu; umask 077; mkdir -p ${IBMI_KEY_DIR}; printf '%s\\n' "$IBMI_AUTH_PRIVATE_KEY_PEM" > ${IBMI_KEY_DIR}/private.pem; printf '%s\\n' "$IBMI_AUTH_PUBLIC_KEY_PEM" > ${IBMI_KEY_DIR}/public.pem; unset IBMI_AUTH_PRIVATE_KEY_PEM IBMI_AUTH_PUBLIC_KEY_PEM; exec node ${MCP_SERVER_MAIN}`,
      ];
    }
    // A value upstream rejects would start the server with auth "none" (lib/upstream-env.ts): refuse it here instead.
    const envProblems = upstreamEnvProblems(environment, Object.keys(secrets));
    if (envProblems.length) throw new Error(`${path}: the MCP server's environment would not hold:\n  - ${envProblems.join("\n  - ")}`);

    const targetGroup = props.loadBalancer.addTarget(tier.id, {
      name,
      port,
      healthCheckPath: "/healthz",
      // ibmi-mode tokens and stateful MCP sessions live in one process's memory.
      sticky: props.auth.mode === "ibmi" || sessionMode !== "stateless",
      label: `MCP tier ${tier.id} (${tier.toolsets.join(", ")}${tier.readOnly ? ", read-only" : ""})`,
    });
    for (const r of props.routes) props.loadBalancer.route(r, targetGroup);

    super(scope, id, {
      env,
      name,
      ...placementOf(props),
      executionRoleDescription: `Starts the MCP server tasks of tier ${tier.id}: pulls its image, writes its logs, reads its secrets`,
      logGrantSid: "WriteMcpServerLogs",
      // No task role: the server calls no AWS API, so its containers get no AWS credentials at all.
      container: {
        name: "ibmi-mcp-server",
        user: MCP_SERVER_USER,
        port,
        environment,
        secrets,
        scratch: [{ volume: "tmp", path: "/tmp" }],
        // The image has no curl; node is there. /healthz needs no token.
        healthCheck: ["node", "-e", `require('http').get('http://127.0.0.1:${port}/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`],
        startPeriodSeconds: 30,
        streamPrefix: tier.id,
        entryPoint,
        command,
      },
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      loadBalancer: props.loadBalancer,
      targetGroup,
      discovery: { name: tier.id, description: `MCP tier ${tier.id}, for the gateway` },
      desiredCount: props.desiredCount ?? 2,
      rebalanceZones: true,
      tags: tierTags(tier),
      startAfter: props.auth.mode === "oauth" ? props.auth.ready : undefined,
    });
    this.tier = tier;
    this.internalUrl = internalUrl;
  }
}

/** MCP_RATE_LIMIT_* as ibmi-mcp-server reads them (config/index.ts:368-371): a count and a window in milliseconds. */
function rateLimitEnv(limit: McpServiceProps["rateLimit"]): Record<string, string> {
  const { maxRequests, windowSeconds } = limit ?? UPSTREAM_RATE_LIMIT;
  return { MCP_RATE_LIMIT_MAX_REQUESTS: String(maxRequests), MCP_RATE_LIMIT_WINDOW_MS: String(windowSeconds * 1000) };
}

/** The CA and the preload that makes every TLS connection of the server verify against it. */
function mapepireCaEnv(pem: string | undefined): Record<string, string> {
  return pem ? { NODE_OPTIONS: `--require ${VERIFY_IBMI_CA_PATH}`, MAPEPIRE_CA_PEM: pem } : {};
}

/** Tags naming the tier's grant; tag values allow no commas, so toolsets are space-separated. */
function tierTags(tier: Tier): Record<string, string> {
  return { tier: tier.id, toolsets: tier.toolsets.join(" "), "read-only": String(tier.readOnly), "agent-groups": tier.agents.join(" ") };
}
