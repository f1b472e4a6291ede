import type { Stage } from "../config/schema";

/**
 * What a stage decides, in one place: the stack passes these to constructs as plain props, and no construct reads the
 * stage itself. Dev stacks come and go and stay cheap; prod keeps a standby, its data and a record of every call.
 */
export interface StageDefaults {
  /** Days a deleted secret's name stays taken (Secrets Manager: 7 to 30): short in dev, where stacks come and go. */
  readonly recoveryWindowDays: number;
  /** Days KMS waits before deleting a signing key (7 to 30), unless agentTokens.keyDeletionDays says otherwise. */
  readonly keyDeletionWindowDays: number;
  /** Certificate props: a self-signed certificate keeps its private key in Terraform state, so dev only. */
  readonly certificate: { readonly allowSelfSigned: boolean };
  /** LoadBalancer props. */
  readonly loadBalancer: { readonly deletionProtection: boolean; readonly requireAccessLogs: boolean };
  /** GatewayDatabase props. */
  readonly gatewayDatabase: {
    readonly multiAz: boolean;
    readonly deletionProtection: boolean;
    readonly backupRetentionDays: number;
    readonly skipFinalSnapshot: boolean;
    readonly applyImmediately: boolean;
  };
  /** McpService props: outside dev the tier refuses an IBM i certificate it cannot verify (DB2i_IGNORE_UNAUTHORIZED stays off). */
  readonly mcpService: { readonly verifyIbmiCertificate: boolean };
  /** GatewayService props: Context Forge's ENVIRONMENT ("development" relaxes its checks: mcpgateway/config.py, v1.0.8). */
  readonly gatewayService: { readonly environment: "development" | "production" };
  /** GatewayCache props. */
  readonly gatewayCache: {
    readonly automaticFailover: boolean;
    readonly multiAz: boolean;
    readonly snapshotRetentionDays: number;
    readonly applyImmediately: boolean;
  };
}

/** The props a stage stands for. */
export function stageDefaults(stage: Stage): StageDefaults {
  const prod = stage === "prod";
  const dev = stage === "dev";
  return {
    recoveryWindowDays: dev ? 7 : 30,
    keyDeletionWindowDays: dev ? 7 : 30,
    certificate: { allowSelfSigned: dev },
    // Who called what must be on record in prod (the access logs are always passed; prod refuses to go without).
    loadBalancer: { deletionProtection: prod, requireAccessLogs: prod },
    // Outside prod, changes land at once rather than in the next maintenance window.
    gatewayDatabase: { multiAz: prod, deletionProtection: prod, backupRetentionDays: prod ? 14 : 7, skipFinalSnapshot: !prod, applyImmediately: !prod },
    mcpService: { verifyIbmiCertificate: !dev },
    gatewayService: { environment: dev ? "development" : "production" },
    gatewayCache: { automaticFailover: prod, multiAz: prod, snapshotRetentionDays: prod ? 7 : 1, applyImmediately: !prod },
  };
}
