/**
 * The per-domain comparers of the change report (review/changes/*.ts), each on the few facts it reads; the whole
 * report on real plans is test/review/diff.test.ts.
 */
import { alarmChanges, topicChanges } from "../../../review/changes/alerts";
import { bucketChanges } from "../../../review/changes/buckets";
import { iamChanges } from "../../../review/changes/iam";
import { logGroupChanges } from "../../../review/changes/logs";
import { flowChanges, loadBalancerChanges } from "../../../review/changes/reachability";
import { keyChanges, secretChanges } from "../../../review/changes/secrets";
import { tierRouteChanges } from "../../../review/changes/tier-routes";
import { tlsChanges } from "../../../review/changes/tls";
import type { AlarmFact, BucketFact, FlowFact, ListenerFact, LoadBalancerFact, LogGroupFact, SecretFact, TierFact } from "../../../review/facts";
import type { ChangeSeverity } from "../../../review/diff";

/** Runs one comparer and returns what it reported, as "severity: text". */
function changes(run: (add: (severity: ChangeSeverity, text: string) => void) => void): string[] {
  const out: string[] = [];
  run((severity, text) => out.push(`${severity}: ${text}`));
  return out;
}

const flow = (f: Partial<FlowFact>): FlowFact => ({ address: "r.a", direction: "ingress", group: "g", groupLabel: "alb", peerKind: "cidr", peer: "10.20.1.0/28", protocol: "tcp", ports: "3010", flags: [], ...f });

test("flows: a new source, a port changed on the same rule, a flow removed", () => {
  const x = { ingress: [flow({}), flow({ address: "r.b", peer: "10.20.2.0/28" })], egress: [] };
  const y = { ingress: [flow({ ports: "3010-3020" }), flow({ address: "r.c", peer: "0.0.0.0/0", flags: [{ severity: "critical", text: "open to every address (0.0.0.0/0)" }] })], egress: [] };
  expect(changes((add) => flowChanges(x, y, add))).toEqual([
    "high: ingress port changed from 3010 to 3010-3020: 10.20.1.0/28 → alb on 3010-3020/tcp",
    "critical: new ingress source: 0.0.0.0/0 → alb on 3010/tcp [open to every address (0.0.0.0/0)]",
    "low: ingress removed: 10.20.2.0/28 → alb on 3010/tcp",
  ]);
});

test("load balancers: internet-facing, invalid headers kept, access logs off", () => {
  const lb = (f: Partial<LoadBalancerFact>): LoadBalancerFact => ({ address: "aws_lb.alb", label: "alb", internal: true, type: "application", dropInvalidHeaders: true, accessLogs: "logs", ...f });
  expect(changes((add) => loadBalancerChanges({ loadBalancers: [lb({})] }, { loadBalancers: [lb({})] }, add))).toEqual([]);
  expect(changes((add) => loadBalancerChanges({ loadBalancers: [lb({})] }, { loadBalancers: [lb({ internal: false, dropInvalidHeaders: false, accessLogs: undefined })] }, add))).toEqual([
    "critical: load balancer alb is internet-facing",
    "medium: load balancer alb no longer drops invalid headers",
    "medium: load balancer alb access logs turned off",
  ]);
});

test("tier routes: a range added, toolsets raised to a critical risk", () => {
  const tier = (f: Partial<TierFact>): TierFact => ({
    address: "rule.ops",
    agentGroups: ["ops"],
    sources: ["10.20.2.0/28"],
    listener: "alb:3010",
    targetGroup: "rw",
    services: [],
    toolsets: ["performance"],
    risk: "low",
    toolsYaml: true,
    flags: [],
    ...f,
  });
  expect(changes((add) => tierRouteChanges({ tiers: [tier({})] }, { tiers: [tier({ sources: ["10.20.2.0/28", "10.20.9.0/28"], toolsets: ["security_remediation"], risk: "critical" })] }, add))).toEqual([
    "high: tier route now also from 10.20.9.0/28: 10.20.2.0/28, 10.20.9.0/28 → rw (security_remediation, risk critical)",
    "critical: toolsets for ops changed from performance to security_remediation (risk low → critical)",
  ]);
});

test("TLS: a weaker policy is critical, a removed listener medium", () => {
  const l = (f: Partial<ListenerFact>): ListenerFact => ({
    address: "l.mcp",
    loadBalancer: "alb",
    port: 3010,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    minTls: "1.2",
    certificate: "c",
    defaultAction: "fixed response 403",
    flags: [],
    ...f,
  });
  expect(changes((add) => tlsChanges({ listeners: [l({}), l({ address: "l.gw", port: 4444 })] }, { listeners: [l({ sslPolicy: "ELBSecurityPolicy-2016-08", minTls: "1.0" })] }, add))).toEqual([
    "critical: TLS policy ELBSecurityPolicy-TLS13-1-2-2021-06 → ELBSecurityPolicy-2016-08 (lowest TLS 1.2 → 1.0)",
    "medium: listener removed: alb:4444 HTTPS",
  ]);
});

test("secrets and keys: customer key lost, rotation removed, a new writer, key rotation off", () => {
  const s = (f: Partial<SecretFact>): SecretFact => ({
    address: "s.t",
    name: "mcp/dev/t",
    kmsKey: "alias/mcp-dev",
    customerKey: true,
    rotation: { address: "r", days: 30 },
    alerts: [],
    readers: [],
    grantees: [],
    access: { read: [], write: [], blocked: [] },
    ...f,
  });
  expect(changes((add) => secretChanges({ secrets: [s({})] }, { secrets: [s({ customerKey: false, kmsKey: "aws/secretsmanager (AWS managed)", rotation: undefined, access: { read: [], write: ["role intruder"], blocked: [] } })] }, add))).toEqual([
    "critical: secret mcp/dev/t no longer encrypted with a customer key (aws/secretsmanager (AWS managed))",
    "high: rotation removed from mcp/dev/t",
    "high: mcp/dev/t can now be written by role intruder",
  ]);
  expect(changes((add) => keyChanges({ keys: [{ address: "k", label: "alias/k", rotation: true }] }, { keys: [{ address: "k", label: "alias/k", rotation: false }] }, add))).toEqual(["high: KMS key alias/k rotation turned off"]);
});

test("logs, buckets, topics and alarms", () => {
  const g = (f: Partial<LogGroupFact>): LogGroupFact => ({ address: "g", name: "/mcp", retentionDays: 90, kmsKey: "alias/mcp-dev", writers: [], metricFilters: [], ...f });
  expect(changes((add) => logGroupChanges({ logGroups: [g({})] }, { logGroups: [g({ retentionDays: 30 })] }, add))).toEqual(["critical: retention of /mcp changed from 90 to 30 days"]);
  const b = (f: Partial<BucketFact>): BucketFact => ({ address: "b", name: "audit", versioning: "Enabled", encryption: "SSE-KMS with alias/k", customerKey: true, publicAccessBlocked: 4, tlsOnly: true, accessLogging: "off", ...f });
  expect(changes((add) => bucketChanges({ buckets: [b({})] }, { buckets: [b({ publicAccessBlocked: 2, tlsOnly: false })] }, add))).toEqual([
    "critical: bucket audit public access blocks 4 → 2 of 4",
    "high: bucket audit no longer denies non-TLS access",
  ]);
  const topic = (endpoints: string[]) => ({ address: "t", name: "alerts", kmsKey: "alias/k", customerKey: true, subscriptions: endpoints.map((endpoint) => ({ address: endpoint, protocol: "email", endpoint })) });
  expect(changes((add) => topicChanges({ topics: [topic(["a@example.com"])] }, { topics: [topic(["b@example.com"])] }, add))).toEqual([
    "medium: alert subscribers removed from alerts: a@example.com",
    "low: alert subscribers added to alerts: b@example.com",
  ]);
  const al = (f: Partial<AlarmFact>): AlarmFact => ({ address: "a", name: "auth", metric: "MCP/Auth", condition: "Sum > 20", topics: ["alerts"], ...f });
  expect(changes((add) => alarmChanges({ alarms: [al({}), al({ address: "gone", name: "gone" })] }, { alarms: [al({ topics: [] })] }, add))).toEqual(["high: alarm removed: gone", "high: alarm auth notifies no one"]);
});

test("IAM: a wildcard action added is critical", () => {
  const iam = (what: string[]) => ({ roles: [], wildcardActions: what.map((w) => ({ address: "p", sid: "S", what: w })), wildcardResources: [] });
  expect(changes((add) => iamChanges({ iam: iam([]) }, { iam: iam(["s3:*"]) }, add))).toEqual(["critical: IAM wildcard action added: s3:* in S"]);
});
