import { costSection, estimateCost } from "../../review/cost";
import { shippedConfigs } from "../configs";
import { shippedPlan } from "../plans";
import { plan, ref } from "../policy/fixtures";

const subnets = (n: number) => Array.from({ length: n }, (_, i) => ref(`aws_subnet.s${i}`));

/** A small plan whose monthly cost is worked out by hand below. */
const small = plan(
  {
    aws_kms_key: { env: { enable_key_rotation: true }, sign: { customer_master_key_spec: "ECC_NIST_P256", key_usage: "SIGN_VERIFY" } },
    aws_vpc_endpoint: { ecr: { vpc_endpoint_type: "Interface", subnet_ids: subnets(2) }, logs: { vpc_endpoint_type: "Interface", subnet_ids: subnets(2) }, s3: { vpc_endpoint_type: "Gateway" } },
    aws_lb: { alb: { internal: true } },
    aws_ecs_task_definition: { big: { cpu: "1024", memory: "2048" }, arm: { cpu: "256", memory: "512", runtime_platform: { cpu_architecture: "ARM64", operating_system_family: "LINUX" } } },
    aws_ecs_service: {
      tier: { name: "tier", launch_type: "FARGATE", desired_count: 2, task_definition: ref("aws_ecs_task_definition.big", "arn") },
      small: { name: "small", launch_type: "FARGATE", desired_count: 1, task_definition: ref("aws_ecs_task_definition.arm", "arn") },
    },
    aws_db_instance: { gw: { identifier: "gw", engine: "postgres", instance_class: "db.t4g.small", multi_az: true, allocated_storage: 20, storage_type: "gp3", manage_master_user_password: true } },
    aws_elasticache_replication_group: { gw: { replication_group_id: "gw", engine: "valkey", node_type: "cache.t4g.small", num_cache_clusters: 2 } },
    aws_nat_gateway: { nat: {} },
    aws_secretsmanager_secret: { a: {}, b: {}, c: {} },
    aws_cloudwatch_log_group: { a: {}, b: {} },
  },
  {
    provider: { aws: [{ region: "us-east-1" }] },
    // Three agent groups, two of them with the same grant: two tiers.
    "//": {
      policy: {
        agentGrants: [
          { name: "a", toolsets: ["performance"], readOnly: true },
          { name: "b", toolsets: ["performance"], readOnly: true },
          { name: "c", toolsets: ["security_audit"], readOnly: false },
        ],
      },
    },
  } as object,
);

describe("cost estimate", () => {
  it("prices a small plan exactly, line by line (730 hours a month, us-east-1 list prices)", () => {
    const e = estimateCost(small);
    expect(e.lines.map((l) => [l.item, l.monthlyUsd])).toEqual([
      ["KMS keys, symmetric", 1], // 1 key × $1
      ["KMS keys, asymmetric (token signing)", 1], // 1 key × $1
      ["Interface VPC endpoints", 29.2], // 2 endpoints × 2 zones × 730 h × $0.01; the gateway endpoint is free
      ["Application load balancer", 16.43], // 730 h × $0.0225 = 16.425
      ["Application load balancer capacity (assumed)", 5.84], // 1 LCU × 730 h × $0.008
      ["Fargate service tier", 72.08], // 2 tasks × 730 h × (1 vCPU × $0.04048 + 2 GB × $0.004445) = 72.0802
      ["Fargate service small", 7.21], // 1 task × 730 h × (0.25 vCPU × $0.03238 + 0.5 GB × $0.00356) = 7.20875
      ["Database gw (db.t4g.small, Multi-AZ)", 46.72], // 2 × 730 h × $0.032
      ["Database gw storage (gp3)", 4.6], // 20 GB × 2 × $0.115
      ["Database gw master password secret (RDS-managed)", 0.4],
      ["Cache gw (cache.t4g.small, valkey)", 37.38], // 2 nodes × 730 h × $0.032 × 0.8 = 37.376
      ["NAT gateways", 32.85], // 730 h × $0.045
      ["Secrets Manager secrets", 1.2], // 3 × $0.40
      ["CloudWatch Logs ingestion (assumed)", 1], // 2 groups × 1 GB × $0.50
    ]);
    expect(e.totalUsd).toBe(256.91);
    expect(e.signingKeys).toEqual({ inPlan: 1, agentGroups: 3, tiers: 2 });
  });

  it("shows what it cannot price as not priced, keeps it out of the total and says the Region differs", () => {
    const other = plan({ aws_db_instance: { big: { identifier: "big", engine: "postgres", instance_class: "db.r6g.large", allocated_storage: 100 } } }, { provider: { aws: { region: "eu-west-1" } } });
    const e = estimateCost(other);
    expect(e.lines.map((l) => [l.item, l.monthlyUsd, l.price])).toEqual([
      ["Database big (db.r6g.large)", undefined, "db.r6g.large is not in review/prices.ts"],
      ["Database big storage (gp2)", 11.5, "$0.115 per GB-month (gp2/gp3, Single-AZ)"],
    ]);
    expect(e.totalUsd).toBe(11.5);
    const text = costSection(other).join("\n");
    expect(text).toContain("**Estimated total: $11.50 a month** plus 1 item not priced above.");
    expect(text).toContain("The plan deploys to eu-west-1; prices there are usually higher.");
  });

  it("states the per-group signing keys and the per-tier alternative with its trade-off", () => {
    expect(costSection(small).join("\n")).toContain(
      '- **Agent token signing keys:** one asymmetric key per agent group is 3 keys, $3.00 a month; with `keyPer: "tier"` it would be 2 keys, $2.00 a month, but one group could then be revoked only with its whole tier.',
    );
  });

  it.each(Object.keys(shippedConfigs()).sort())("renders for the shipped %s plan: every task, endpoint and secret priced; anything unpriced names the missing price", (env) => {
    const p = shippedPlan(env);
    const e = estimateCost(p);
    const services = Object.keys(p.resource?.aws_ecs_service ?? {}).length;
    expect(e.lines.filter((l) => l.item.startsWith("Fargate service "))).toHaveLength(services);
    expect(e.lines.filter((l) => /^(Fargate service|Interface VPC|Secrets Manager|KMS keys)/.test(l.item) && l.monthlyUsd === undefined)).toEqual([]);
    // A database or cache size the table lacks is shown as such (add it to review/prices.ts), never as $0.
    expect(e.lines.filter((l) => l.monthlyUsd === undefined && !/not in review\/prices\.ts/.test(l.price))).toEqual([]);
    expect(e.totalUsd).toBeGreaterThan(0);
    const text = costSection(p).join("\n");
    expect(text).toMatch(/^## 7\. Cost estimate\n/);
    expect(text).toContain(`**Estimated total: $${e.totalUsd.toFixed(2)} a month**`);
    expect(text).toContain(`one asymmetric key per agent group is ${shippedConfigs()[env].agents.length} key`);
  });
});
