/**
 * The seed's "Security Checklist" (../shared/seed/security-best-practices.md): 6 groups, 30 items, encoded here so the
 * report does not depend on the seed file at build time (test/review/checklist.test.ts cross-checks the two when
 * the seed is present). Each item is assessed from the plan's facts: met, partly, not met, or outside this kit, with
 * evidence (resource addresses, policy rule ids) and, where the kit cannot do it, what the operator must do.
 */
import type { SecretPurpose } from "../lib/resource-meta";
import { RuleResult, StackResult } from "../policy/types";
import { Facts } from "./facts";
import { code, Md } from "./markdown";
import { OTHERS } from "./secret-access";
import { atLeastTls12 } from "./tls-policies";
import { MAX_ROTATION_DAYS, MCP_PORT, MIN_LOG_RETENTION_DAYS } from "../lib/thresholds";

export type Status = "met" | "partly" | "not met" | "outside this kit";

export interface Assessment {
  readonly status: Status;
  readonly evidence: readonly (string | Md)[];
  /** What the operator must do where the kit cannot (or does not yet) meet the item. */
  readonly operator?: string;
}

export interface ChecklistItem {
  readonly group: string;
  /** The seed's wording, verbatim. */
  readonly item: string;
  /** Policy rules that back the item: checkov / trivy / cdk-nag ids (matched against RuleResult.references) or rule ids. */
  readonly refs: readonly string[];
  readonly assess: (f: Facts) => Assessment;
}

export interface AssessedItem extends Assessment {
  readonly group: string;
  readonly item: string;
  /** Policy rules backing the item, "ID verdict". */
  readonly rules: readonly string[];
}

export const CHECKLIST_GROUPS = ["Infrastructure Security", "Access Control", "Authentication", "Audit & Logging", "Data Protection", "Operational Security"] as const;

const a = (...xs: string[]) => xs.map((x) => code(x));

/** "exclude_public_from_profile (destructive)", "execute_sql (writes)", "top_cpu_jobs (read-only)" */
export function toolText(t: { readonly name: string; readonly readOnly: boolean; readonly destructive: boolean }): string {
  return `${t.name} (${t.destructive ? "destructive" : t.readOnly ? "read-only" : "writes"})`;
}

/** The tools each route's agent groups can call, one entry per distinct set of groups. */
export function toolsByGroup(f: Facts): { groups: string; tools: Facts["tiers"][number]["tools"]; toolsYaml: boolean }[] {
  const out = new Map<string, { groups: string; tools: Facts["tiers"][number]["tools"]; toolsYaml: boolean }>();
  for (const t of f.tiers) {
    const groups = t.agentGroups.join(", ");
    if (!out.has(groups)) out.set(groups, { groups, tools: t.tools, toolsYaml: t.toolsYaml });
  }
  return [...out.values()];
}
const mcpPort = MCP_PORT;
const mcpListeners = (f: Facts) => f.listeners.filter((l) => l.port === mcpPort);
const mcpContainers = (f: Facts) => f.containers.filter((c) => c.env.MCP_TRANSPORT_TYPE !== undefined || /ibmi-mcp|mcp-server/.test(c.name));
/** Secrets of a purpose: by the kit's `secretPurpose` fact; in a plan written elsewhere (no purposes), by name and description. */
const secretsMatching = (f: Facts, purpose: SecretPurpose, re: RegExp) => (f.secrets.some((s) => s.purpose) ? f.secrets.filter((s) => s.purpose === purpose) : f.secrets.filter((s) => re.test(`${s.name} ${s.description ?? ""}`)));
const prod = (f: Facts) => f.stage === "prod";

const items: ChecklistItem[] = [
  // Infrastructure Security
  {
    group: "Infrastructure Security",
    item: "MCP server uses HTTPS with valid SSL certificate",
    refs: ["CKV_AWS_2", "CKV_AWS_103", "AWS-0054"],
    assess: (f) => {
      const ls = mcpListeners(f);
      if (ls.length === 0) return { status: "not met", evidence: ["no listener on 3010 in this plan"], operator: "deploy the load balancer construct (HTTPS listener on 3010)" };
      const plain = ls.filter((l) => l.protocol !== "HTTPS");
      if (plain.length) return { status: "not met", evidence: a(...plain.map((l) => l.address)), operator: "use HTTPS listeners only" };
      const selfSigned = ls.filter((l) => l.certificate.startsWith("self-signed"));
      // TLS ends at the load balancer: what it forwards to the tasks, and what the gateway sends to the tiers, is
      // plain HTTP inside the VPC (ibmi-mcp-server v0.5.1 has no TLS listener). The next hop, Mapepire, is judged too.
      const plainHops = plainHttpHops(f);
      const ibmi = mapepireTls(f);
      const evidence = [...a(...ls.map((l) => l.address)), ...ls.map((l) => l.certificate), ...(selfSigned.length ? ["certificate is self-signed (dev only)"] : []), ...plainHops, ibmi.evidence];
      const operator = [
        ...(selfSigned.length ? ['use tls.mode "acm" with a certificate from a trusted CA outside dev'] : []),
        ...(plainHops.length ? ["accept that load balancer → task and gateway → tier are plain HTTP inside the VPC (only the load balancer's and the gateway's security groups reach the tasks), or terminate TLS in a sidecar"] : []),
        ...(ibmi.operator ? [ibmi.operator] : []),
      ].join("; ");
      return { status: selfSigned.length || plainHops.length || !ibmi.verified ? "partly" : "met", evidence, ...(operator ? { operator } : {}) };
    },
  },
  {
    group: "Infrastructure Security",
    item: "Firewall rules restrict MCP server access",
    refs: ["CKV_AWS_277", "AWS-0107", "CKV_AWS_260", "AWS-0124"],
    assess: (f) => {
      const mcp = f.ingress.filter((x) => x.fromPort !== undefined && x.fromPort <= mcpPort && (x.toPort ?? x.fromPort) >= mcpPort);
      if (mcp.length === 0) return { status: "not met", evidence: ["no ingress rule admits 3010"], operator: "add agent ranges to the config" };
      const bad = mcp.filter((x) => x.flags.some((fl) => fl.severity === "critical" || fl.severity === "high"));
      const wide = f.ingress.filter((x) => x.flags.some((fl) => fl.severity === "critical"));
      if (bad.length || wide.length) return { status: "not met", evidence: a(...[...bad, ...wide].map((x) => x.address)), operator: "remove the flagged rules (see Reachability)" };
      return { status: "met", evidence: [`${mcp.length} ingress rules on 3010, each from a named source`, ...a(...[...new Set(mcp.map((x) => x.group))])] };
    },
  },
  {
    group: "Infrastructure Security",
    item: "Network segmentation isolates IBM i systems",
    refs: ["CKV2_AWS_12", "AWS-0173", "AWS-0164", "CKV_AWS_333", "CKV2_AWS_19"],
    assess: (f) => {
      const n = f.network;
      const openings = [...n.internetGateways, ...n.natGateways, ...n.publicSubnets];
      const wideEgress = f.egress.filter((e) => e.flags.length > 0);
      const toIbmi = f.egress.filter((e) => e.peerKind === "cidr" && e.ports !== "all");
      if (openings.length || wideEgress.length) return { status: "not met", evidence: a(...openings, ...wideEgress.map((e) => e.address)), operator: "remove internet paths and wide egress" };
      return {
        status: "met",
        evidence: ["no internet or NAT gateway, no public subnet", ...toIbmi.map((e) => md2(e.address, `${e.peer}:${e.ports}`))],
        operator: "on the IBM i side, admit only the VPC range on the Mapepire port (8076)",
      };
    },
  },
  {
    group: "Infrastructure Security",
    item: "VPN required for remote agent access",
    refs: ["AWS-0053"],
    assess: (f) => {
      const publicLb = f.loadBalancers.filter((l) => l.internal !== true);
      if (f.network.internetGateways.length || publicLb.length) return { status: "not met", evidence: a(...f.network.internetGateways, ...publicLb.map((l) => l.address)), operator: "make the load balancer internal and remove the internet gateway" };
      if (f.network.attachments.length === 0)
        return { status: "partly", evidence: ["no internet path into the VPC", "no VPN or transit gateway attachment in this plan"], operator: "attach the VPC to the VPN or transit gateway the agents use (network.vpnGatewayId / transitGatewayId)" };
      // The plan can route agents only through the attached gateway and keep the load balancer internal; it cannot see
      // whether the networks behind that gateway reach it over a VPN (an office LAN routed by the transit gateway
      // reaches 3010 with no VPN at all). Hence "partly" even when everything the plan holds is right.
      return {
        status: "partly",
        evidence: [
          ...a(...f.network.attachments),
          ...(f.loadBalancers.length ? a(...f.loadBalancers.map((l) => l.address)).map((x) => md2x(x, "internal")) : ["no load balancer in this plan yet"]),
          "no internet path into the VPC; whether each agent network reaches the attachment over a VPN is outside the plan",
        ],
        operator: "run the VPN / transit gateway itself and route only VPN-connected agent networks to it (agents[].connection records how each group connects; the kit cannot verify it)",
      };
    },
  },
  {
    group: "Infrastructure Security",
    item: "SSL/TLS 1.2+ minimum version enforced",
    refs: ["CKV_AWS_103", "AWS-0047"],
    assess: (f) => {
      const tls = f.listeners.filter((l) => l.protocol === "HTTPS" || l.protocol === "TLS");
      if (tls.length === 0) return { status: "not met", evidence: ["no HTTPS listener in this plan"] };
      const weak = f.listeners.filter((l) => !atLeastTls12(l.sslPolicy));
      if (weak.length) return { status: "not met", evidence: a(...weak.map((l) => l.address)), operator: "set a TLS13-1-2 or TLS13-1-3 policy" };
      return { status: "met", evidence: tls.map((l) => md2(l.address, `${l.sslPolicy} (TLS ${l.minTls}+)`)) };
    },
  },
  // Access Control
  {
    group: "Access Control",
    item: "Dedicated IBM i user profile for MCP server",
    refs: [],
    assess: (f) => {
      const cred = secretsMatching(f, "ibmi-credentials", /ibm ?i|db2i/i);
      return {
        status: "outside this kit",
        evidence: cred.length ? [`credentials kept in ${cred.map((s) => s.name).join(", ")}`] : [],
        operator: "create a dedicated profile (CRTUSRPRF … USRCLS(*USER) SPCAUT(*NONE)) and store its credentials in the IBM i secret",
      };
    },
  },
  {
    group: "Access Control",
    item: "Least privilege authorities assigned",
    refs: ["cdk-nag IAM5", "CKV_AWS_355", "CKV_AWS_290"],
    assess: (f) => ({
      status: f.iam.wildcardActions.length ? "not met" : "partly",
      evidence: f.iam.wildcardActions.length ? f.iam.wildcardActions.map((w) => md2(w.address, `${w.sid}: ${w.what}`)) : [`AWS side: ${f.iam.roles.length} IAM roles, no wildcard action`],
      operator: "grant the IBM i profile only the object authorities its toolsets need (GRTOBJAUT … AUT(*USE)); check with DSPUSRAUT",
    }),
  },
  {
    group: "Access Control",
    item: "FilteredMCPTools limits toolsets per agent",
    refs: [],
    assess: (f) => {
      if (f.tiers.length) {
        const routed = `${f.tiers.length} listener rules route each agent range to its own tier's SELECTED_TOOLSETS (see Toolset tiers)`;
        const groups = toolsByGroup(f);
        if (groups.some((g) => !g.tools))
          return {
            status: "partly",
            evidence: [routed, "the plan records no tool catalogue, so which tools each group can call is not known"],
            operator: "synthesize with the kit (npm run synth) so the plan records the tools YAML it was built with",
          };
        const evidence = [routed, ...groups.map((g) => `${g.groups}: ${g.tools!.map(toolText).join(", ")}`)];
        if (groups.some((g) => !g.toolsYaml))
          return {
            status: "partly",
            evidence: [...evidence, "tasks without TOOLS_YAML_PATH load none of their toolsets' tools"],
            operator: "run the kit's MCP server image (images/mcp-server/Dockerfile), which holds tools/ at the path TOOLS_YAML_PATH names",
          };
        return { status: "met", evidence, operator: "keep FilteredMCPTools in agent code as a second layer" };
      }
      const sel = mcpContainers(f).filter((c) => c.env.SELECTED_TOOLSETS);
      if (sel.length) return { status: "partly", evidence: sel.map((c) => `${c.family}/${c.name} SELECTED_TOOLSETS=${c.env.SELECTED_TOOLSETS}`), operator: "filter per agent with FilteredMCPTools; the server exposes the union" };
      return { status: "not met", evidence: ["no MCP server task with SELECTED_TOOLSETS in this plan"], operator: "filter toolsets with FilteredMCPTools in every agent" };
    },
  },
  {
    group: "Access Control",
    item: "Read-only annotations enforced for safe agents",
    refs: [],
    assess: (f) => {
      const ro = mcpContainers(f).filter((c) => c.env.IBMI_EXECUTE_SQL_READONLY === "true" || c.env.IBMI_ENABLE_EXECUTE_SQL === "false");
      return ro.length
        ? {
            status: "partly",
            evidence: ro.map((c) => `${c.family}/${c.name}: IBMI_ENABLE_EXECUTE_SQL=${c.env.IBMI_ENABLE_EXECUTE_SQL ?? "unset"}, IBMI_EXECUTE_SQL_READONLY=${c.env.IBMI_EXECUTE_SQL_READONLY ?? "unset"}`),
            operator: "set readOnlyHint: True and destructiveHint: False in the read-only agents' FilteredMCPTools",
          }
        : { status: "outside this kit", evidence: [], operator: "set readOnlyHint: True and destructiveHint: False in the read-only agents' FilteredMCPTools" };
    },
  },
  {
    group: "Access Control",
    item: "No destructive operations in monitoring agents",
    refs: [],
    assess: (f) => {
      const destructiveAlarm = f.alarms.filter((x) => /destruct|delete|drop/i.test(`${x.name} ${x.description ?? ""} ${x.source ?? ""}`));
      // Read-only groups as the config grants them; without config, the tiers whose SQL is read-only and whose name says so.
      const ro = f.tiers.filter((t) => t.readOnlyGrant ?? (t.readOnlySql === "true" && /(^|-)ro-/.test(t.targetGroup)));
      const risky = ro.filter((t) => t.risk !== "low" || (t.tools ?? []).some((x) => !x.readOnly));
      if (risky.length) return { status: "not met", evidence: risky.map((t) => `${t.agentGroups.join(", ")} reach ${t.toolsets.join(", ")}`) };
      if (ro.length) return { status: "met", evidence: [...ro.map((t) => `${t.agentGroups.join(", ")}: read-only tier, highest risk ${t.risk}`), ...a(...destructiveAlarm.map((x) => x.address))] };
      return { status: destructiveAlarm.length ? "partly" : "outside this kit", evidence: a(...destructiveAlarm.map((x) => x.address)), operator: "give monitoring agents only low-risk toolsets and exclude destructiveHint tools" };
    },
  },
  // Authentication
  {
    group: "Authentication",
    item: "OpenAI API keys stored in environment variables",
    refs: [],
    assess: (f) => {
      const keys = secretsMatching(f, "model-api-key", /openai|model|api[- ]?key/i);
      if (keys.length === 0) return { status: "not met", evidence: ["no model API key secret in this plan"], operator: "keep the key in Secrets Manager and inject it as an environment variable" };
      const read = keys.filter((k) => k.readers.length);
      return {
        status: read.length ? "met" : "partly",
        evidence: keys.map((k) => md2(k.address, k.readers.length ? `injected as ${k.readers.join(", ")}` : "stored; no task in this plan reads it")),
        operator: "agents read it from the environment (ECS `secrets` injects it at start); never write it in code",
      };
    },
  },
  {
    group: "Authentication",
    item: "MCP server requires authentication tokens",
    refs: [],
    assess: (f) => {
      const tokens = secretsMatching(f, "agent-token", /token/i);
      const modes = mcpContainers(f)
        .map((c) => c.env.MCP_AUTH_MODE)
        .filter(Boolean);
      if (modes.includes("none")) return { status: "not met", evidence: ["MCP_AUTH_MODE=none"] };
      // The auth canary (constructs/auth-canary.ts) proves it at run time: each tier must answer 401 without its own token.
      const canary = f.alarms.filter((x) => /\/AuthCanaryFailures$/.test(x.metric));
      const proven = canary.length ? [`${canary.length} auth canary alarms (${canary.map((x) => x.name).join(", ")}): each tier must answer 401 without a token of its own, after every deploy and on a schedule`] : [];
      if (modes.length && tokens.length) return { status: "met", evidence: [`MCP_AUTH_MODE=${[...new Set(modes)].join(", ")}`, `${tokens.length} token secrets: ${tokens.map((t) => t.name).join(", ")}`, ...proven] };
      return {
        status: tokens.length || modes.length ? "partly" : "not met",
        evidence: [...(modes.length ? [`MCP_AUTH_MODE=${modes.join(", ")}`] : []), ...tokens.map((t) => t.name)],
        operator: "set MCP_AUTH_MODE to jwt or ibmi and give each agent group its own token",
      };
    },
  },
  {
    group: "Authentication",
    item: "API key rotation policy implemented",
    refs: ["CKV2_AWS_57", "CKV_AWS_304", "CKV_AWS_7"],
    assess: (f) => {
      if (f.secrets.length === 0) return { status: "not met", evidence: ["no secrets in this plan"] };
      const missing = f.secrets.filter((s) => !s.rotation && s.alerts.length === 0);
      const tooSlow = f.secrets.filter((s) => s.rotation?.days !== undefined && s.rotation.days > MAX_ROTATION_DAYS);
      const ev = [`${f.secrets.filter((s) => s.rotation).length} rotated automatically, ${f.secrets.filter((s) => !s.rotation && s.alerts.length).length} watched by an age alert`];
      if (missing.length || tooSlow.length) return { status: "partly", evidence: [...ev, ...a(...missing.map((s) => s.address), ...tooSlow.map((s) => s.address))], operator: "rotate the flagged secrets (≤ 90 days) or alert on their age" };
      return { status: "met", evidence: ev, operator: "rotate the model API key and IBM i password when their age alert fires" };
    },
  },
  {
    group: "Authentication",
    item: "No credentials in code or configuration files",
    refs: ["AWS-0036"],
    assess: (f) => {
      // A credential-named variable holding a value (not a flag, number, path or reference) is a credential in the plan.
      const envSecrets = f.containers.flatMap((c) =>
        Object.entries(c.env)
          .filter(([k, v]) => /PASS|SECRET|TOKEN|API_KEY|PRIVATE_KEY/i.test(k) && !/_PATH$|_FILE$|_ENABLED$|_SECONDS$|_EXPIR/i.test(k) && v !== "" && !/^(true|false|\d+)$/i.test(v))
          .map(([k]) => `${c.family}/${c.name} environment ${k}`),
      );
      const bad = [...envSecrets, ...f.secretVersionsWithValue.map((v) => `${v} holds a value in the plan`), ...f.variablesWithDefaults.map((v) => `${v} has a default`)];
      if (bad.length) return { status: "not met", evidence: bad, operator: "move values to Secrets Manager and inject them through `secrets`" };
      return {
        status: "met",
        evidence: ["no secret-named environment variable, no secret value or variable default in the plan", ...(f.containers.length ? [`${f.containers.reduce((n, c) => n + c.secrets.length, 0)} values injected from Secrets Manager`] : [])],
      };
    },
  },
  {
    group: "Authentication",
    item: "Secrets management system in use",
    refs: ["CKV_AWS_149"],
    assess: (f) => {
      if (f.secrets.length === 0) return { status: "not met", evidence: ["no Secrets Manager secret in this plan"] };
      const aws = f.secrets.filter((s) => !s.customerKey);
      return aws.length
        ? { status: "partly", evidence: a(...aws.map((s) => s.address)), operator: "encrypt every secret with the environment's customer key" }
        : {
            status: "met",
            evidence: [
              `${f.secrets.length} Secrets Manager secrets, customer-managed KMS key`,
              `${f.secrets.filter((s) => !s.access.read.includes(OTHERS)).length} of them readable only by the principals granted them (resource and key policies; section 2)`,
            ],
          };
    },
  },
  // Audit & Logging
  {
    group: "Audit & Logging",
    item: "Comprehensive audit logging enabled",
    refs: ["CKV2_AWS_11", "AWS-0178", "CKV_AWS_158", "cdk-nag ECS7", "CKV_AWS_18"],
    assess: (f) => {
      const flows = f.network.flowLogs.filter((l) => l.traffic === "ALL");
      const logged = f.containers.filter((c) => c.logGroup);
      // Who read or deleted archived records: server access logs of each bucket that does not itself receive logs.
      const accessLogged = f.buckets.filter((b) => b.accessLogging.startsWith("to "));
      const ev = [...flows.map((l) => md2(l.address, `ALL traffic → ${l.destination}`)), ...logged.map((c) => `${c.family}/${c.name} → awslogs`), ...accessLogged.map((b) => `bucket ${b.name} access → ${b.accessLogging.slice(3)}`)];
      // The control plane (who changed the stack, who read a secret or used the key) is CloudTrail's: account-wide, never
      // in a stack's plan, so the report says what preflight requires of it (preflight/cloudtrail.ts).
      const trail = `control plane: CloudTrail, outside this plan; npm run preflight -- ${f.stack} requires a logging trail that records read and write management events in the stack's region, KMS included (secret reads and key use are management read events)`;
      const keepTrail = `keep that trail (or the organization's) logging; preflight fails without it`;
      if (flows.length && logged.length && logged.length === f.containers.length) return { status: "met", evidence: [...ev, trail], operator: keepTrail };
      return {
        status: flows.length || logged.length ? "partly" : "not met",
        evidence: ev.length ? [...ev, trail] : ["no flow log or container log configuration", trail],
        operator: `${f.containers.length ? "send every container's logs to CloudWatch" : "deploy the services (their containers log to the audit log groups)"}; ${keepTrail}`,
      };
    },
  },
  {
    group: "Audit & Logging",
    item: "Tool usage tracking implemented",
    refs: [],
    assess: (f) => {
      const filters = f.logGroups.filter((g) => /mcp/i.test(g.name) && g.metricFilters.length);
      return filters.length
        ? { status: "partly", evidence: filters.map((g) => `${g.name}: ${g.metricFilters.join(", ")}`), operator: "track tool usage per agent in the agent runtime (ToolTrackingAgent)" }
        : { status: "outside this kit", evidence: [], operator: "track tool usage per agent in the agent runtime (ToolTrackingAgent); the MCP server log keeps each call" };
    },
  },
  {
    group: "Audit & Logging",
    item: "User attribution for all operations",
    refs: [],
    assess: (f) => {
      const tokens = secretsMatching(f, "agent-token", /token/i);
      return {
        status: tokens.length ? "partly" : "outside this kit",
        evidence: tokens.length ? [`one token per agent group: ${tokens.map((t) => t.name).join(", ")}`] : [],
        operator: "attribute each request to an end user in the agent (AuditedAgent user_id); the kit attributes calls to agent groups only",
      };
    },
  },
  {
    group: "Audit & Logging",
    item: "Log retention policy defined (90+ days)",
    refs: ["CKV_AWS_66", "CKV_AWS_338", "AWS-0017"],
    assess: (f) => {
      if (f.logGroups.length === 0) return { status: "not met", evidence: ["no log group in this plan"] };
      const short = f.logGroups.filter((g) => g.retentionDays !== undefined && g.retentionDays < MIN_LOG_RETENTION_DAYS);
      const forever = f.logGroups.filter((g) => g.retentionDays === undefined);
      const shortBuckets = f.buckets.filter((b) => b.expirationDays !== undefined && b.expirationDays < MIN_LOG_RETENTION_DAYS);
      if (short.length || shortBuckets.length) return { status: "not met", evidence: a(...short.map((g) => g.address), ...shortBuckets.map((b) => b.address)), operator: "keep logs 90 days or more" };
      const days = [...new Set(f.logGroups.map((g) => g.retentionDays).filter((d): d is number => d !== undefined))].sort((x, y) => x - y);
      return {
        status: "met",
        evidence: [
          `${f.logGroups.length} log groups kept ${days.join("/")} days${forever.length ? `, ${forever.length} never expire` : ""}`,
          ...f.buckets.filter((b) => b.expirationDays).map((b) => `${b.name}: objects expire after ${b.expirationDays} days`),
        ],
      };
    },
  },
  {
    group: "Audit & Logging",
    item: "Regular log analysis for security events",
    refs: ["MCP-PROD-005", "AWS-0095"],
    assess: (f) => {
      const wired = f.alarms.filter((x) => x.topics.length);
      const subscribed = f.topics.filter((t) => t.subscriptions.length);
      if (wired.length && subscribed.length)
        return {
          status: "partly",
          evidence: [`${wired.length} alarms → ${subscribed.map((t) => t.name).join(", ")} (${subscribed.flatMap((t) => t.subscriptions).length} subscriptions)`],
          operator: "review the audit logs on a schedule (e.g. CloudWatch Logs Insights queries for Unauthorized and destructive calls) and record it",
        };
      return { status: "outside this kit", evidence: wired.length ? [`${wired.length} alarms`] : ["no alarms in this plan"], operator: "set alerts.emails and review the audit logs on a schedule" };
    },
  },
  // Data Protection
  {
    group: "Data Protection",
    item: "Sensitive data sanitized in outputs",
    refs: [],
    assess: () => ({ status: "outside this kit", evidence: [], operator: "sanitize agent outputs (passwords, API keys, user profiles) in the agent, as the seed's sanitize_output does" }),
  },
  {
    group: "Data Protection",
    item: "Agent memory data retention policy",
    refs: [],
    assess: () => ({ status: "outside this kit", evidence: [], operator: "purge agent sessions and memories after the retention period in the agent runtime (seed: cleanup_old_sessions, 90 days)" }),
  },
  {
    group: "Data Protection",
    item: "Database files in protected directories",
    refs: ["CKV_AWS_336"],
    assess: (f) => {
      const ro = f.containers.filter((c) => c.readonlyRootFilesystem === true);
      return ro.length
        ? { status: "partly", evidence: [`${ro.length} of ${f.containers.length} containers run with a read-only root filesystem`], operator: "keep agent databases (e.g. agent.db) in directories only the agent's user can read" }
        : { status: "outside this kit", evidence: [], operator: "keep agent databases (e.g. agent.db) in directories only the agent's user can read" };
    },
  },
  {
    group: "Data Protection",
    item: "Backup encryption enabled",
    refs: ["CKV_AWS_145", "AWS-0132"],
    assess: (f) => {
      const enc = f.buckets.filter((b) => b.customerKey && b.versioning === "Enabled");
      return enc.length
        ? { status: "partly", evidence: enc.map((b) => md2(b.address, `${b.encryption}, versioning on`)), operator: "encrypt IBM i backups (SAVSYS / BRMS media) and any agent database backups" }
        : { status: "outside this kit", evidence: [], operator: "encrypt IBM i backups (SAVSYS / BRMS media) and any agent database backups" };
    },
  },
  {
    group: "Data Protection",
    item: "GDPR/compliance requirements met",
    refs: [],
    assess: (f) => ({
      status: "outside this kit",
      evidence: f.buckets.some((b) => b.objectLock)
        ? [
            `object lock: ${f.buckets
              .filter((b) => b.objectLock)
              .map((b) => b.name)
              .join(", ")}`,
          ]
        : [],
      operator: "map the deployment to your compliance regime (data residency: the region; retention; access reviews) with your compliance officer",
    }),
  },
  // Operational Security
  {
    group: "Operational Security",
    item: "Debug mode disabled in production",
    refs: ["MCP-PROD-002"],
    assess: (f) => {
      const debug = f.containers.filter((c) => /debug/i.test(c.env.MCP_LOG_LEVEL ?? "") || c.env.NODE_ENV === "development");
      if (f.containers.length === 0) return { status: "not met", evidence: ["no container definitions in this plan"] };
      if (debug.length && prod(f)) return { status: "not met", evidence: debug.map((c) => `${c.family}/${c.name}`) };
      if (debug.length) return { status: "partly", evidence: [`debug logging in ${f.stage ?? "this"} environment: ${debug.map((c) => c.name).join(", ")}`], operator: "production configs refuse debug logging" };
      return { status: "met", evidence: [`${f.containers.length} containers without debug logging`] };
    },
  },
  {
    group: "Operational Security",
    item: "Health checks monitor security components",
    refs: [],
    assess: (f) => {
      const hc = f.targetGroups.filter((t) => t.healthCheck);
      const health = f.alarms.filter((x) => /Unhealthy|HealthyHost|5XX/i.test(x.metric));
      const paths = [...new Set(hc.map((t) => t.healthCheck!))].sort();
      const ev = [...(hc.length ? [`${hc.length} target groups with health checks (${paths.join(", ")})`] : []), ...(health.length ? [`${health.length} alarms on unhealthy targets or 5XX responses`] : [])];
      if (hc.length && health.length) return { status: "met", evidence: ev };
      return { status: ev.length ? "partly" : "not met", evidence: ev.length ? ev : ["no target group health check or health alarm in this plan"], operator: "deploy the services (target group health checks, unhealthy-target alarms)" };
    },
  },
  {
    group: "Operational Security",
    item: "Incident response plan documented",
    refs: [],
    assess: (f) => ({
      status: "outside this kit",
      evidence: f.topics.length ? [`alerts reach ${f.topics.flatMap((t) => t.subscriptions.map((s) => s.endpoint)).join(", ") || "no subscriber"}`] : [],
      operator: "write the runbook: who receives the alerts, how to revoke an agent group's token, how to isolate the service",
    }),
  },
  {
    group: "Operational Security",
    item: "Security updates applied regularly",
    refs: ["MCP-PROD-001"],
    assess: (f) => {
      // A literal digest, or the digest a kit tag holds, read at plan time (constructs/container-images.ts).
      const pinned = f.containers.filter((c) => c.image?.includes("@sha256:") || /@\$\{data\.aws_ecr_image\.[^}]+\.image_digest\}$/.test(c.image ?? ""));
      return {
        status: "outside this kit",
        evidence: f.containers.length ? [`${pinned.length} of ${f.containers.length} images pinned by digest`] : [],
        operator: "update the image digests in config on each upstream release and re-deploy; patch the IBM i system (PTF groups)",
      };
    },
  },
  {
    group: "Operational Security",
    item: "Penetration testing completed",
    refs: [],
    assess: () => ({ status: "outside this kit", evidence: [], operator: "commission a penetration test of the deployed environment (agent network → 3010/4444) before production use" }),
  },
];

/** Hops of MCP traffic inside the VPC that carry plain HTTP. */
function plainHttpHops(f: Facts): string[] {
  const tgs = f.targetGroups.filter((t) => t.protocol === "HTTP");
  const hops = tgs.length ? [`load balancer → task is plain HTTP: ${tgs.map((t) => t.name).join(", ")}`] : [];
  const gateway = f.containers.some((c) => /gateway/.test(c.name)) && mcpContainers(f).length > 0;
  if (gateway) hops.push("gateway → tier is plain HTTP (http://<tier>.<namespace>:3010/mcp; the MCP server has no TLS listener)");
  return hops;
}

/**
 * How the MCP server's Mapepire connections to the IBM i are verified, from its containers' environment.
 * ibmi-mcp-server v0.5.1 cannot be given a CA: with DB2i_IGNORE_UNAUTHORIZED=false it trusts the root certificate the
 * IBM i presents (services/baseConnectionPool.ts:107-111), so only the kit's preloaded check verifies against a known CA.
 */
function mapepireTls(f: Facts): { verified: boolean; evidence: string; operator?: string } {
  const cs = mcpContainers(f).filter((c) => c.env.DB2i_HOST !== undefined);
  if (cs.length === 0) return { verified: true, evidence: "no MCP server container reaches an IBM i in this plan" };
  const pinned = cs.filter((c) => c.env.MAPEPIRE_CA_PEM && /verify-ibmi-ca\.cjs/.test(c.env.NODE_OPTIONS ?? ""));
  if (pinned.length === cs.length)
    return { verified: true, evidence: `Mapepire: ${cs.length} MCP containers verify the IBM i against network.ibmi.caCertificate (NODE_OPTIONS preloads verify-ibmi-ca.cjs, which the kit's MCP server image carries at the same path)` };
  const unverified = cs.filter((c) => !pinned.includes(c) && c.env.DB2i_IGNORE_UNAUTHORIZED !== "false");
  const fix = "set network.ibmi.caCertificate to the IBM i's CA (PEM): the server itself cannot be given one";
  if (unverified.length)
    return { verified: false, evidence: `Mapepire: certificate not verified (DB2i_IGNORE_UNAUTHORIZED=${unverified[0].env.DB2i_IGNORE_UNAUTHORIZED ?? "unset, upstream default true"}) in ${unverified.map((c) => c.family).join(", ")}`, operator: fix };
  return { verified: false, evidence: "Mapepire: DB2i_IGNORE_UNAUTHORIZED=false, but the server trusts whatever root certificate the IBM i presents (trust on first use, no CA configured)", operator: fix };
}

function md2(address: string, note: string): Md {
  return new Md(`${code(address).md} ${note.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;")}`);
}
function md2x(address: Md, note: string): Md {
  return new Md(`${address.md} ${note}`);
}

export const CHECKLIST: readonly ChecklistItem[] = items;

function policyEvidence(item: ChecklistItem, policy?: StackResult): string[] {
  if (!policy || item.refs.length === 0) return [];
  const hits = policy.results.filter((r: RuleResult) => item.refs.includes(r.rule.id) || r.rule.references.some((ref) => item.refs.includes(ref)));
  return hits.map((r) => `${r.rule.id} ${r.verdict}${r.suppressed.length ? ` (${r.suppressed.length} suppressed)` : ""}`).sort();
}

/** Assesses every item; a failing policy rule that backs a "met" item downgrades it to "not met". */
export function assessChecklist(f: Facts, policy?: StackResult): AssessedItem[] {
  return CHECKLIST.map((item) => {
    let result = item.assess(f);
    const rules = policyEvidence(item, policy);
    if (result.status === "met" && rules.some((r) => / fail/.test(r))) result = { ...result, status: "not met", operator: result.operator ?? "fix the failing policy rules" };
    return { group: item.group, item: item.item, rules, ...result };
  });
}
