/** A hand-written plan holding a PostgreSQL database and a Valkey cache that pass every database and cache rule. */
import { TerraformJson } from "../../policy/types";
import { plan, ref } from "./fixtures";

const KEY = ref("aws_kms_key.env", "arn");

export const goodDb = {
  identifier: "mcp-prod-gateway",
  engine: "postgres",
  engine_version: "17.4",
  instance_class: "db.t4g.medium",
  allocated_storage: 20,
  storage_encrypted: true,
  kms_key_id: KEY,
  manage_master_user_password: true,
  master_user_secret_kms_key_id: KEY,
  username: "mcpgateway",
  parameter_group_name: ref("aws_db_parameter_group.pg", "name"),
  ca_cert_identifier: "rds-ca-rsa2048-g1",
  vpc_security_group_ids: [ref("aws_security_group.db")],
  backup_retention_period: 7,
  copy_tags_to_snapshot: true,
  deletion_protection: true,
  multi_az: true,
  final_snapshot_identifier: "mcp-prod-gateway-final",
  enabled_cloudwatch_logs_exports: ["postgresql"],
};

export const goodCache = {
  replication_group_id: "mcp-prod-gateway",
  description: "gateway cache",
  engine: "valkey",
  node_type: "cache.t4g.small",
  num_cache_clusters: 2,
  automatic_failover_enabled: true,
  multi_az_enabled: true,
  at_rest_encryption_enabled: true,
  kms_key_id: KEY,
  transit_encryption_enabled: true,
  user_group_ids: [ref("aws_elasticache_user_group.gw")],
  security_group_ids: [ref("aws_security_group.cache")],
};

/** The database and cache plan, each resource body overridable (`undefined` removes an attribute), plus `extra` resources. */
export function dataPlan(over: { db?: Record<string, unknown>; cache?: Record<string, unknown>; extra?: Record<string, Record<string, unknown>> } = {}): TerraformJson {
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const base: Record<string, Record<string, unknown>> = {
    aws_kms_key: { env: { enable_key_rotation: true } },
    aws_db_parameter_group: { pg: { name: "mcp-prod-gateway-pg17", family: "postgres17", parameter: [{ name: "rds.force_ssl", value: "1" }] } },
    aws_security_group: { db: { description: "gateway database" }, cache: { description: "gateway cache" }, gateway: { description: "gateway tasks" } },
    aws_vpc_security_group_ingress_rule: {
      db: { security_group_id: ref("aws_security_group.db"), referenced_security_group_id: ref("aws_security_group.gateway"), ip_protocol: "tcp", from_port: 5432, to_port: 5432, description: "gateway tasks" },
      cache: { security_group_id: ref("aws_security_group.cache"), referenced_security_group_id: ref("aws_security_group.gateway"), ip_protocol: "tcp", from_port: 6379, to_port: 6379, description: "gateway tasks" },
    },
    aws_cloudwatch_log_group: { pg: { name: "/aws/rds/instance/mcp-prod-gateway/postgresql", retention_in_days: 90, kms_key_id: KEY } },
    aws_db_instance: { gw: strip({ ...goodDb, ...over.db }) },
    aws_elasticache_user_group: { gw: { engine: "valkey", user_group_id: "mcp-prod-gateway", user_ids: [ref("aws_elasticache_user.gw", "user_id")] } },
    aws_elasticache_user: { gw: { user_id: "mcp-prod-gateway", user_name: "mcp-prod-gateway", engine: "valkey", access_string: "on ~* +@all", authentication_mode: { type: "iam" } } },
    aws_elasticache_replication_group: { gw: strip({ ...goodCache, ...over.cache }) },
  };
  // Extra resources join those of their type; one with the same name replaces the fixture's.
  for (const [type, entries] of Object.entries(over.extra ?? {})) base[type] = { ...base[type], ...entries };
  return plan(base);
}
