/**
 * "Cost estimate" of a stack's report: what the plan's always-on resources cost a month at the list prices of
 * review/prices.ts (us-east-1, On-Demand), line by line with the quantity read from the plan and the price used.
 * An estimate, not a bill: usage-priced items are either left out (and said so) or priced on a stated assumption.
 * Pure: plan in, numbers and Markdown out.
 */
import { blocks, bool, isObject, num, PlanResource, PlanView, view } from "../policy/plan";
import { caches, dataOwners, isClusterMember } from "../policy/databases";
import { TerraformJson } from "../policy/types";
import { code, esc, md, table } from "./markdown";
import { ELASTICACHE_REDIS_HOURLY, HOURS_PER_MONTH, Price, PRICE_REGION, PRICE_SOURCES, PRICES, PRICES_DATED, RDS_POSTGRES_HOURLY, VALKEY_DISCOUNT } from "./prices";

/** Stated assumptions for what the plan cannot tell. */
export const ASSUMPTIONS = {
  /** Average load balancer capacity units in use; an LCU is 25 new connections/s, 3,000 active connections, 1 GB/h or 1,000 rule evaluations/s. */
  albLcus: 1,
  /** Log data ingested per log group and month. */
  logGbPerGroup: 1,
} as const;

export interface CostLine {
  readonly item: string;
  /** What was counted, in words (e.g. "8 endpoints × 3 zones × 730 h"). */
  readonly quantity: string;
  /** undefined: the resource is in the plan but not in the price table. */
  readonly monthlyUsd: number | undefined;
  readonly price: string;
  readonly source: string;
}

export interface CostEstimate {
  readonly region: string | undefined;
  readonly lines: readonly CostLine[];
  /** The sum of the priced lines, in dollars (cents exact). */
  readonly totalUsd: number;
  /** Signing keys: the plan's asymmetric keys, and what per-group and per-tier keys would cost for the recorded agent groups. */
  readonly signingKeys: { readonly inPlan: number; readonly agentGroups: number; readonly tiers: number };
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
const fmt = (usd: number) => `$${usd.toFixed(2)}`;
const priceText = (p: Price) => `$${p.usd} per ${p.unit}`;
const count = (r: PlanResource) => num(r.body.count) ?? 1;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Asymmetric keys: a key spec other than SYMMETRIC_DEFAULT / HMAC, or key usage SIGN_VERIFY. */
function isAsymmetric(k: PlanResource): boolean {
  const spec = k.body.customer_master_key_spec ?? k.body.key_spec;
  return (typeof spec === "string" && /^(RSA|ECC|SM2|ML_DSA)/.test(spec)) || k.body.key_usage === "SIGN_VERIFY";
}

/** Each agent group's grant the plan records (written at synth by policy/synth-hook.ts), and the tiers they form. */
function agentGrants(plan: TerraformJson): { groups: number; tiers: number } {
  const grants = (plan as { "//"?: { policy?: { agentGrants?: unknown } } })["//"]?.policy?.agentGrants;
  if (!Array.isArray(grants)) return { groups: 0, tiers: 0 };
  // Groups with the same grant (toolsets, read-only) share a tier (lib/tiers.ts).
  const tiers = new Set(grants.filter(isObject).map((g) => `${[...(Array.isArray(g.toolsets) ? g.toolsets : [])].map(String).sort().join(",")}|${g.readOnly === true}`));
  return { groups: grants.length, tiers: tiers.size };
}

function region(plan: TerraformJson): string | undefined {
  const aws = (plan.provider as Record<string, unknown> | undefined)?.aws;
  const first = Array.isArray(aws) ? aws[0] : aws;
  return isObject(first) && typeof first.region === "string" ? first.region : undefined;
}

export function estimateCost(plan: TerraformJson): CostEstimate {
  const p: PlanView = view(plan);
  const lines: CostLine[] = [];
  const hourly = (perHour: number, n: number) => cents(perHour * n * HOURS_PER_MONTH);

  // KMS keys: $1 a month each, whatever their kind.
  const keys = p.resources("aws_kms_key", "aws_kms_replica_key");
  const asym = keys.filter(isAsymmetric).reduce((n, k) => n + count(k), 0);
  const sym = keys.reduce((n, k) => n + count(k), 0) - asym;
  if (sym) lines.push({ item: "KMS keys, symmetric", quantity: plural(sym, "key"), monthlyUsd: cents(sym * PRICES.kmsKey.usd), price: priceText(PRICES.kmsKey), source: PRICES.kmsKey.source });
  if (asym)
    lines.push({
      item: "KMS keys, asymmetric (token signing)",
      quantity: plural(asym, "key"),
      monthlyUsd: cents(asym * PRICES.kmsKey.usd),
      price: `${priceText(PRICES.kmsKey)}; kms:Sign requests ${priceText(PRICES.kmsAsymmetricRequests)}, not counted`,
      source: PRICES.kmsKey.source,
    });

  // Interface endpoints bill per zone they sit in (one network interface per subnet); gateway endpoints are free.
  const endpoints = p.resources("aws_vpc_endpoint").filter((e) => e.body.vpc_endpoint_type === "Interface");
  const zones = endpoints.reduce((n, e) => n + count(e) * (Array.isArray(e.body.subnet_ids) ? e.body.subnet_ids.length : 1), 0);
  if (endpoints.length)
    lines.push({
      item: "Interface VPC endpoints",
      quantity: `${plural(endpoints.length, "endpoint")}, ${zones} endpoint-zones × ${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly(PRICES.interfaceEndpoint.usd, zones),
      price: `${priceText(PRICES.interfaceEndpoint)}; data ${priceText(PRICES.endpointData)}, not counted`,
      source: PRICES.interfaceEndpoint.source,
    });

  // Application load balancers: hours plus an assumed LCU load.
  const albs = p.resources("aws_lb", "aws_alb").filter((l) => (l.body.load_balancer_type ?? "application") === "application");
  if (albs.length) {
    lines.push({ item: "Application load balancer", quantity: `${plural(albs.length, "load balancer")} × ${HOURS_PER_MONTH} h`, monthlyUsd: hourly(PRICES.albHour.usd, albs.length), price: priceText(PRICES.albHour), source: PRICES.albHour.source });
    lines.push({
      item: "Application load balancer capacity (assumed)",
      quantity: `${ASSUMPTIONS.albLcus} LCU on average × ${plural(albs.length, "load balancer")} × ${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly(PRICES.albLcu.usd, ASSUMPTIONS.albLcus * albs.length),
      price: priceText(PRICES.albLcu),
      source: PRICES.albLcu.source,
    });
  }

  // Fargate tasks: each service's task size × desired count, around the clock.
  for (const s of p.resources("aws_ecs_service")) {
    const fargate = s.body.launch_type === "FARGATE" || blocks(s.body.capacity_provider_strategy).some((c) => String(c.capacity_provider).startsWith("FARGATE"));
    if (!fargate) continue;
    const td = p.target(s.body.task_definition, "aws_ecs_task_definition");
    const vcpu = (num(td?.body.cpu) ?? NaN) / 1024;
    const gb = (num(td?.body.memory) ?? NaN) / 1024;
    const tasks = num(s.body.desired_count) ?? 0;
    const arm = blocks(td?.body.runtime_platform).some((r) => r.cpu_architecture === "ARM64");
    const [pv, pg] = arm ? [PRICES.fargateVcpuArm, PRICES.fargateGbArm] : [PRICES.fargateVcpuX86, PRICES.fargateGbX86];
    const name = typeof s.body.name === "string" ? s.body.name : s.name;
    const priced = Number.isFinite(vcpu) && Number.isFinite(gb);
    lines.push({
      item: `Fargate service ${name}`,
      quantity: priced ? `${plural(tasks, "task")} × ${vcpu} vCPU, ${gb} GB × ${HOURS_PER_MONTH} h` : `${plural(tasks, "task")}, task size not readable from the plan`,
      monthlyUsd: priced ? cents(tasks * HOURS_PER_MONTH * (vcpu * pv.usd + gb * pg.usd)) : undefined,
      price: `${priceText(pv)} + ${priceText(pg)}`,
      source: pv.source,
    });
  }

  // RDS: instance class (twice for Multi-AZ) and General Purpose storage (twice for Multi-AZ).
  for (const db of dataOwners(p)) {
    if (db.type !== "aws_db_instance") {
      lines.push({
        item: `Database cluster ${db.body.cluster_identifier ?? db.name}`,
        quantity: `${plural(p.referrers(["aws_rds_cluster_instance"], "cluster_identifier", db).length, "instance")}`,
        monthlyUsd: undefined,
        price: "Aurora and Multi-AZ DB cluster classes are not in review/prices.ts",
        source: PRICE_SOURCES.rdsInstance,
      });
      continue;
    }
    const multi = bool(db.body.multi_az) === true;
    const copies = multi ? 2 : 1;
    const cls = String(db.body.instance_class);
    const rate = RDS_POSTGRES_HOURLY[cls];
    const label = `Database ${db.body.identifier ?? db.name} (${cls}${multi ? ", Multi-AZ" : ""})`;
    lines.push({
      item: label,
      quantity: `${copies} × ${HOURS_PER_MONTH} h`,
      monthlyUsd: rate === undefined ? undefined : hourly(rate, copies),
      price: rate === undefined ? `${cls} is not in review/prices.ts` : `$${rate} per instance-hour`,
      source: PRICE_SOURCES.rdsInstance,
    });
    const gb = num(db.body.allocated_storage);
    const type = typeof db.body.storage_type === "string" ? db.body.storage_type : "gp2";
    if (gb !== undefined)
      lines.push({
        item: `Database ${db.body.identifier ?? db.name} storage (${type})`,
        quantity: `${gb} GB × ${copies}`,
        monthlyUsd: ["gp2", "gp3"].includes(type) ? cents(gb * copies * PRICES.rdsStorageGp.usd) : undefined,
        price: priceText(PRICES.rdsStorageGp),
        source: PRICES.rdsStorageGp.source,
      });
    // RDS keeps the managed master password in a secret of its own.
    if (bool(db.body.manage_master_user_password) === true)
      lines.push({ item: `Database ${db.body.identifier ?? db.name} master password secret (RDS-managed)`, quantity: "1 secret", monthlyUsd: PRICES.secret.usd, price: priceText(PRICES.secret), source: PRICES.secret.source });
  }
  for (const i of p.resources("aws_rds_cluster_instance").filter(isClusterMember)) {
    lines.push({
      item: `Database cluster instance ${i.body.identifier ?? i.name} (${String(i.body.instance_class)})`,
      quantity: `${count(i)} × ${HOURS_PER_MONTH} h`,
      monthlyUsd: undefined,
      price: "Aurora classes are not in review/prices.ts",
      source: PRICE_SOURCES.rdsInstance,
    });
  }

  // ElastiCache: node type × nodes; Valkey nodes cost 20% less than Redis OSS ones.
  for (const c of caches(p)) {
    const type = String(c.body.node_type);
    const nodes = c.type === "aws_elasticache_cluster" ? (num(c.body.num_cache_nodes) ?? 1) : (num(c.body.num_cache_clusters) ?? (num(c.body.num_node_groups) ?? 1) * (1 + (num(c.body.replicas_per_node_group) ?? 0)));
    const valkey = c.body.engine === "valkey";
    const base = ELASTICACHE_REDIS_HOURLY[type];
    const rate = base === undefined || c.body.engine === "memcached" ? undefined : valkey ? base * (1 - VALKEY_DISCOUNT) : base;
    lines.push({
      item: `Cache ${c.body.replication_group_id ?? c.body.cluster_id ?? c.name} (${type}, ${String(c.body.engine ?? "redis")})`,
      quantity: `${plural(nodes, "node")} × ${HOURS_PER_MONTH} h`,
      monthlyUsd: rate === undefined ? undefined : hourly(rate, nodes),
      price: rate === undefined ? `${type} (${String(c.body.engine)}) is not in review/prices.ts` : `$${cents(rate * 10000) / 10000} per node-hour`,
      source: PRICE_SOURCES.cacheNode,
    });
  }

  const nats = p.resources("aws_nat_gateway").reduce((n, r) => n + count(r), 0);
  if (nats)
    lines.push({ item: "NAT gateways", quantity: `${plural(nats, "gateway")} × ${HOURS_PER_MONTH} h`, monthlyUsd: hourly(PRICES.natHour.usd, nats), price: `${priceText(PRICES.natHour)}; data processed not counted`, source: PRICES.natHour.source });

  const secrets = p.resources("aws_secretsmanager_secret").reduce((n, r) => n + count(r), 0);
  if (secrets) lines.push({ item: "Secrets Manager secrets", quantity: plural(secrets, "secret"), monthlyUsd: cents(secrets * PRICES.secret.usd), price: `${priceText(PRICES.secret)}; API calls not counted`, source: PRICES.secret.source });

  const logGroups = p.resources("aws_cloudwatch_log_group").reduce((n, r) => n + count(r), 0);
  if (logGroups)
    lines.push({
      item: "CloudWatch Logs ingestion (assumed)",
      quantity: `${plural(logGroups, "log group")} × ${ASSUMPTIONS.logGbPerGroup} GB`,
      monthlyUsd: cents(logGroups * ASSUMPTIONS.logGbPerGroup * PRICES.logIngestion.usd),
      price: priceText(PRICES.logIngestion),
      source: PRICES.logIngestion.source,
    });

  const totalUsd = cents(lines.reduce((n, l) => n + (l.monthlyUsd ?? 0), 0));
  const grants = agentGrants(plan);
  return { region: region(plan), lines, totalUsd, signingKeys: { inPlan: asym, agentGroups: grants.groups, tiers: grants.tiers } };
}

/** The report section: the table, the signing-key alternatives, and what the estimate leaves out. */
export function costSection(plan: TerraformJson, heading = "## 7. Cost estimate"): string[] {
  const e = estimateCost(plan);
  const out = [heading, ""];
  const elsewhere = e.region && e.region !== PRICE_REGION ? ` The plan deploys to ${esc(e.region)}; prices there are usually higher.` : "";
  out.push(`An **estimate** of what this plan's always-on resources cost a month: On-Demand list prices of ${PRICE_REGION} dated ${PRICES_DATED} (review/prices.ts), ${HOURS_PER_MONTH} hours a month, no free tier or discounts.${elsewhere}`, "");
  out.push(
    table(
      ["Item", "Quantity", "Monthly (USD)", "Price used"],
      e.lines.map((l) => [l.item, l.quantity, l.monthlyUsd === undefined ? "not priced" : fmt(l.monthlyUsd), md(`${l.price} (`, code(l.source), ")")]),
      "_Nothing in this plan has a price in review/prices.ts._",
    ),
    "",
  );
  const unpriced = e.lines.filter((l) => l.monthlyUsd === undefined).length;
  out.push(`**Estimated total: ${fmt(e.totalUsd)} a month**${unpriced ? ` plus ${plural(unpriced, "item")} not priced above` : ""}.`, "");
  const k = e.signingKeys;
  if (k.agentGroups) {
    out.push(
      `- **Agent token signing keys:** one asymmetric key per agent group is ${plural(k.agentGroups, "key")}, ${fmt(k.agentGroups * PRICES.kmsKey.usd)} a month; with \`keyPer: "tier"\` it would be ${plural(k.tiers, "key")}, ${fmt(k.tiers * PRICES.kmsKey.usd)} a month, but one group could then be revoked only with its whole tier. The plan holds ${plural(k.inPlan, "asymmetric key")} in all (the gateway's per-tier keys included). kms:Sign costs ${priceText(PRICES.kmsAsymmetricRequests)}.`,
    );
  }
  out.push(
    `- **Assumed:** ${ASSUMPTIONS.albLcus} load balancer capacity unit on average; ${ASSUMPTIONS.logGbPerGroup} GB of logs ingested per log group a month.`,
    "- **Not counted:** data processed by endpoints, NAT and the load balancer beyond the assumption, data transfer between zones, KMS and Secrets Manager requests, each key rotation's extra $1/month per retained key version, Lambda invocations, EFS, S3 and Firehose storage and requests, CloudWatch alarms, metrics and log storage, ECR storage, RDS backup storage beyond the database's size, the image repositories' stack, taxes and support plans.",
    "",
  );
  return out;
}
