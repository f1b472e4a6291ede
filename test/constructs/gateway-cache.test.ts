import { GatewayCache, GatewayCacheProps } from "../../constructs/gateway-cache";
import { TerraformJson } from "../../policy/types";
import { stageDefaults } from "../../stacks/stage-defaults";
import { addressAt, refAt, resourceAt, resources, shippedConfigs } from "../helpers";
import { shippedPlan } from "../plans";
import { bareParts } from "./bare-parts";
import { synthBare } from "./bare-stack";

const keyArn = (plan: TerraformJson) => refAt(plan, "aws_kms_key", "encryption-key/key");
const everyString = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(everyString) : v && typeof v === "object" ? Object.values(v).flatMap(everyString) : []);

describe("GatewayCache", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  let staging: TerraformJson;
  beforeAll(() => {
    prod = shippedPlan("prod");
    staging = shippedPlan("staging");
  });

  it("is a Valkey replication group with TLS required and encryption at rest with the environment key", () => {
    for (const plan of [prod, staging]) {
      expect(resourceAt(plan, "aws_elasticache_replication_group", "gateway-cache/cache")).toMatchObject({
        engine: "valkey",
        port: 6379,
        transit_encryption_enabled: true,
        transit_encryption_mode: "required",
        at_rest_encryption_enabled: "true",
        kms_key_id: keyArn(plan),
        subnet_group_name: refAt(plan, "aws_elasticache_subnet_group", "gateway-cache/subnets", "name"),
        security_group_ids: [refAt(plan, "aws_security_group", "gateway-cache/group/group", "id")],
        user_group_ids: [refAt(plan, "aws_elasticache_user_group", "gateway-cache/users", "user_group_id")],
      });
    }
  });

  it("keeps a replica in another zone with automatic failover and 7 days of snapshots in prod", () => {
    expect(resourceAt(prod, "aws_elasticache_replication_group", "gateway-cache/cache")).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: true, snapshot_retention_limit: 7 });
    expect(resourceAt(staging, "aws_elasticache_replication_group", "gateway-cache/cache")).toMatchObject({ num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false, snapshot_retention_limit: 1 });
  });

  it("delivers slow and engine logs to log groups with the kit's retention and key", () => {
    const rg = resourceAt(prod, "aws_elasticache_replication_group", "gateway-cache/cache");
    expect(rg.log_delivery_configuration.map((l: any) => [l.log_type, l.destination_type, l.destination])).toEqual([
      ["slow-log", "cloudwatch-logs", refAt(prod, "aws_cloudwatch_log_group", "gateway-cache/slow-log", "name")],
      ["engine-log", "cloudwatch-logs", refAt(prod, "aws_cloudwatch_log_group", "gateway-cache/engine-log", "name")],
    ]);
    for (const kind of ["slow-log", "engine-log"]) expect(resourceAt(prod, "aws_cloudwatch_log_group", `gateway-cache/${kind}`)).toMatchObject({ retention_in_days: cfg.prod.logs.retentionDays, kms_key_id: keyArn(prod) });
  });

  it("authenticates with RBAC: the gateway's user starts on IAM (no password in the plan), the default user is off", () => {
    const user = resourceAt(prod, "aws_elasticache_user", "gateway-cache/gateway-user");
    expect(user).toMatchObject({ engine: "valkey", user_id: "mcp-prod-gateway", user_name: "mcp-prod-gateway", authentication_mode: { type: "iam" }, lifecycle: { ignore_changes: ["authentication_mode"] } });
    expect(resourceAt(prod, "aws_elasticache_user", "gateway-cache/default-user")).toMatchObject({ user_name: "default", access_string: "off -@all" });
    expect(resourceAt(prod, "aws_elasticache_user_group", "gateway-cache/users").user_ids).toEqual([
      refAt(prod, "aws_elasticache_user", "gateway-cache/default-user", "user_id"),
      refAt(prod, "aws_elasticache_user", "gateway-cache/gateway-user", "user_id"),
    ]);
    // Nothing in the cache's resources carries a password or token.
    for (const type of ["aws_elasticache_user", "aws_elasticache_user_group", "aws_elasticache_replication_group"]) {
      for (const [, r] of resources(prod, type)) {
        expect(r).not.toHaveProperty("auth_token");
        expect(r).not.toHaveProperty("passwords");
        expect(r.authentication_mode?.passwords).toBeUndefined();
      }
    }
  });

  it("has its password generated inside AWS on apply by the cache-password function, into an empty secret the tasks read", () => {
    const secret = resourceAt(prod, "aws_secretsmanager_secret", "gateway-cache/password");
    expect(secret).toMatchObject({ name: "mcp/prod/gateway-cache-password", kms_key_id: keyArn(prod) });
    expect(resources(prod, "aws_secretsmanager_secret_version").filter(([, v]) => v.secret_id === refAt(prod, "aws_secretsmanager_secret", "gateway-cache/password", "id"))).toEqual([]);
    const fn = resourceAt(prod, "aws_lambda_function", "gateway-cache/password-function/function");
    expect(fn.environment.variables).toEqual({ SECRET_ID: refAt(prod, "aws_secretsmanager_secret", "gateway-cache/password"), USER_ID: refAt(prod, "aws_elasticache_user", "gateway-cache/gateway-user", "user_id"), ACCESS_STRING: "on ~* &* +@all" });
    const invocation = resourceAt(prod, "aws_lambda_invocation", "gateway-cache/set-password");
    expect(invocation).toMatchObject({ function_name: refAt(prod, "aws_lambda_function", "gateway-cache/password-function/function", "function_name"), lifecycle_scope: "CREATE_ONLY", input: "{}" });
    expect(invocation.depends_on).toContain(addressAt(prod, "aws_elasticache_replication_group", "gateway-cache/cache"));
    // The function reaches ElastiCache's API through its own interface endpoint (no internet in the VPC).
    expect(resources(prod, "aws_vpc_endpoint").map(([, e]) => e.service_name)).toContain("com.amazonaws.us-east-1.elasticache");
    const policy = JSON.parse(resourceAt(prod, "aws_iam_role_policy", "gateway-cache/password-function/role/policy").policy);
    expect(policy.Statement.find((s: any) => s.Sid === "SetCacheUserPassword")).toMatchObject({ Action: ["elasticache:DescribeUsers", "elasticache:ModifyUser"], Resource: "arn:aws:elasticache:us-east-1:123456789012:user:mcp-prod-gateway" });
    expect(policy.Statement.find((s: any) => s.Sid === "PutCachePassword")).toMatchObject({ Resource: refAt(prod, "aws_secretsmanager_secret", "gateway-cache/password") });
  });

  it("admits Valkey only from the gateway tasks", () => {
    const group = refAt(prod, "aws_security_group", "gateway-cache/group/group", "id");
    const ingress = resources(prod, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === group);
    expect(ingress).toEqual([expect.objectContaining({ from_port: 6379, to_port: 6379, ip_protocol: "tcp", referenced_security_group_id: refAt(prod, "aws_security_group", "agent-access/gateway/group", "id") })]);
  });

  it("lets no password or token into the synthesized plan", () => {
    // The values exist only in Secrets Manager; the plan holds ARNs and references.
    const strings = everyString(prod);
    expect(strings.filter((s) => /^(redis|rediss|postgresql(\+psycopg)?):\/\/[^/]*:[^/]*@/.test(s))).toEqual([]);
  });
});

describe("GatewayCache props, set on the construct against the stage's defaults", () => {
  const make = (stage: "staging" | "prod", props: Partial<GatewayCacheProps> = {}) => {
    const p = bareParts(stage);
    new GatewayCache(p.stack, "cache", { env: p.env, network: p.network, key: p.key, clients: p.clients, logs: p.logs, retentionDays: p.retentionDays, grantDecrypt: p.grantDecrypt, ...stageDefaults(stage).gatewayCache, ...props });
    return p.stack;
  };
  const group = (stage: "staging" | "prod", props: Partial<GatewayCacheProps> = {}) => resourceAt(synthBare(make(stage, props)), "aws_elasticache_replication_group", "cache/cache");

  it("gives a staging cache a replica in another zone with automatic failover, and 7 days of snapshots, when asked", () => {
    expect(group("staging")).toMatchObject({ num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false, snapshot_retention_limit: 1, apply_immediately: true });
    expect(group("staging", { automaticFailover: true, multiAz: true, snapshotRetentionDays: 7, applyImmediately: false })).toMatchObject({
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      snapshot_retention_limit: 7,
      apply_immediately: false,
    });
  });

  it("keeps the replica in the primary's zone when multiAz is false, and follows automaticFailover when multiAz is unset", () => {
    expect(group("staging", { automaticFailover: true, multiAz: false })).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: false });
    const p = bareParts("staging");
    new GatewayCache(p.stack, "cache", { env: p.env, network: p.network, key: p.key, clients: p.clients, logs: p.logs, retentionDays: p.retentionDays, grantDecrypt: p.grantDecrypt, automaticFailover: true });
    expect(resourceAt(synthBare(p.stack), "aws_elasticache_replication_group", "cache/cache")).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: true });
  });

  it("lets a prod cache run one node: the props decide, not the stage", () => {
    expect(group("prod")).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: true, snapshot_retention_limit: 7, apply_immediately: false });
    expect(group("prod", { automaticFailover: false, multiAz: false })).toMatchObject({ num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false });
  });

  it("refuses Multi-AZ without automatic failover, and snapshot retention outside 0 to 35", () => {
    expect(() => make("staging", { multiAz: true })).toThrow("t/cache: multiAz needs automaticFailover: ElastiCache fails over to the replica in the other zone");
    expect(() => make("staging", { snapshotRetentionDays: 36 })).toThrow("t/cache: snapshotRetentionDays 36 must be 0 to 35");
  });
});
