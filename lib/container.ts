/**
 * ECS container definitions with the kit's hardening applied once, for every service: non-root user, read-only root
 * file system with named scratch volumes, all Linux capabilities dropped, an init process, secrets only through
 * `secrets`, logs to an encrypted CloudWatch group. Checked by CKV_AWS_336/334, AWS-0036, cdk-nag ECS2/ECS7.
 */
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";

/** A Secrets Manager secret a role can be allowed to read (constructs/secrets.ts ManagedSecret fits). */
export interface ReadableSecret {
  readonly arn: string;
  /**
   * What gives the secret its first value on apply (its first rotation, or a generate-once invocation): a service
   * whose tasks read it is created after them, so no task starts against a secret with no value yet. Empty for a
   * secret a person puts (docs/deploy.md: put it, then force a new deployment).
   */
  readonly firstValue: readonly ITerraformDependable[];
  /** `role` is the task's role construct (constructs/service-role.ts ServiceRole); lib/ names no construct of ours. */
  grantRead(role: Construct): void;
}

/** One value injected from Secrets Manager: the whole secret, or one key of its JSON. */
export interface SecretRef {
  readonly secret: ReadableSecret;
  readonly jsonKey?: string;
}

/** The resources after which every one of `secrets` has a value (ReadableSecret.firstValue), once each. */
export function firstValues(secrets: Iterable<ReadableSecret>): ITerraformDependable[] {
  return [...new Set([...secrets].flatMap((s) => s.firstValue))];
}

/** ECS `valueFrom` of a secret reference: `<arn>` or `<arn>:<json key>::` (AWSCURRENT version). */
export function valueFrom(ref: SecretRef): string {
  return ref.jsonKey ? `${ref.secret.arn}:${ref.jsonKey}::` : ref.secret.arn;
}

export interface HardenedContainer {
  readonly name: string;
  readonly image: string;
  /** A user name or uid that exists in the image and is not root. */
  readonly user: string;
  readonly port: number;
  /** Plain settings. A name that looks like a credential is refused: those go in `secrets`. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretRef>>;
  /** Writable paths, each backed by a task volume of the same name. */
  readonly scratch: readonly { readonly volume: string; readonly path: string }[];
  /** Container health command, run without a shell. */
  readonly healthCheck: readonly string[];
  /** Seconds the container gets to start before failed health checks count. */
  readonly startPeriodSeconds: number;
  readonly logGroupName: string;
  readonly region: string;
  readonly streamPrefix: string;
  /** @default the image's own entry point and command */
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
}

const CREDENTIAL_NAME = /(PASS|PASSWORD|SECRET|SECRET_KEY|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIALS?)$/i;

export function containerDefinition(c: HardenedContainer): Record<string, unknown> {
  if (c.user === "root" || c.user === "0" || c.user.startsWith("0:")) throw new Error(`container ${c.name}: runs as root`);
  for (const k of Object.keys(c.environment)) {
    if (CREDENTIAL_NAME.test(k)) throw new Error(`container ${c.name}: ${k} looks like a credential; pass it in secrets, never in environment`);
    if (k in c.secrets) throw new Error(`container ${c.name}: ${k} is both a setting and a secret`);
  }
  return {
    name: c.name,
    image: c.image,
    essential: true,
    user: c.user,
    readonlyRootFilesystem: true,
    privileged: false,
    // Fargate cannot run privileged containers; dropping every capability removes what a non-root process could
    // still gain (ECS has no allowPrivilegeEscalation switch). The init process reaps zombies and forwards SIGTERM.
    linuxParameters: { initProcessEnabled: true, capabilities: { add: [], drop: ["ALL"] } },
    portMappings: [{ containerPort: c.port, hostPort: c.port, protocol: "tcp", name: `${c.name}-${c.port}` }],
    ...(c.entryPoint ? { entryPoint: [...c.entryPoint] } : {}),
    ...(c.command ? { command: [...c.command] } : {}),
    environment: Object.entries(c.environment)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value })),
    secrets: Object.entries(c.secrets)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, ref]) => ({ name, valueFrom: valueFrom(ref) })),
    mountPoints: c.scratch.map((s) => ({ sourceVolume: s.volume, containerPath: s.path, readOnly: false })),
    volumesFrom: [],
    healthCheck: { command: ["CMD", ...c.healthCheck], interval: 30, timeout: 5, retries: 3, startPeriod: c.startPeriodSeconds },
    // awslogs in its default blocking mode: an audit line is never dropped to keep the process going.
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": c.logGroupName, "awslogs-region": c.region, "awslogs-stream-prefix": c.streamPrefix },
    },
    stopTimeout: 30,
  };
}
