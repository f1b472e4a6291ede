/**
 * Managed databases and caches as the rules see them: RDS instances and clusters (PostgreSQL or any engine), Aurora
 * cluster members, ElastiCache replication groups and stand-alone cache clusters, with what they point at (parameter
 * group, security groups). https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/db_instance
 */
import { blocks, bool, PlanResource, PlanView } from "./plan";

/** Resources that hold a database's data: an RDS DB instance, or an Aurora / Multi-AZ DB cluster. */
export const DB_TYPES = ["aws_db_instance", "aws_rds_cluster"];
export const CACHE_TYPES = ["aws_elasticache_replication_group", "aws_elasticache_cluster"];

/** Whether an engine name is PostgreSQL (RDS for PostgreSQL or Aurora PostgreSQL). */
export function isPostgres(engine: unknown): boolean {
  return typeof engine === "string" && /^(aurora-)?postgres(ql)?$/.test(engine);
}

/**
 * An `aws_db_instance` that is a member of an Aurora cluster (engine aurora-*, or `db_cluster_identifier` set): its
 * storage, backups and password belong to the cluster and are judged there.
 */
export function isClusterMember(r: PlanResource): boolean {
  return r.type === "aws_rds_cluster_instance" || (r.type === "aws_db_instance" && ((typeof r.body.engine === "string" && r.body.engine.startsWith("aurora")) || r.body.db_cluster_identifier !== undefined));
}

/** A read replica copies its source's settings (encryption, password): judged at the source. */
export function isReplica(r: PlanResource): boolean {
  return r.body.replicate_source_db !== undefined || r.body.replication_source_identifier !== undefined;
}

/** The RDS resources that own data settings (instances that are neither Aurora members nor replicas, and clusters). */
export function dataOwners(plan: PlanView): PlanResource[] {
  return plan.resources(...DB_TYPES).filter((r) => !isClusterMember(r));
}

/** The instances of a cluster (`aws_rds_cluster_instance` whose `cluster_identifier` references it). */
export function clusterInstances(plan: PlanView, cluster: PlanResource): PlanResource[] {
  return plan.referrers(["aws_rds_cluster_instance"], "cluster_identifier", cluster);
}

/** An ElastiCache cluster that belongs to a replication group is judged through its group. */
export function caches(plan: PlanView): PlanResource[] {
  return plan.resources(...CACHE_TYPES).filter((r) => !(r.type === "aws_elasticache_cluster" && r.body.replication_group_id !== undefined));
}

/** The parameter group attribute of a database: instance → DB parameter group; cluster → cluster parameter group. */
export function parameterGroupAttr(r: PlanResource): { attr: string; type: string } {
  return r.type === "aws_rds_cluster" ? { attr: "db_cluster_parameter_group_name", type: "aws_rds_cluster_parameter_group" } : { attr: "parameter_group_name", type: "aws_db_parameter_group" };
}

/** A parameter's value in a parameter group's `parameter` blocks, or undefined. */
export function parameterValue(group: PlanResource, name: string): unknown {
  return blocks(group.body.parameter).find((p) => p.name === name)?.value;
}

/** The security group attribute of a database or cache. */
export function securityGroupAttr(r: PlanResource): string {
  return r.type.startsWith("aws_elasticache") ? "security_group_ids" : "vpc_security_group_ids";
}

/** `true` only when the attribute is literally true (Terraform's default for these is false). */
export const on = (v: unknown) => bool(v) === true;

/** The query parameters of a connection URL (DATABASE_URL, REDIS_URL), decoded; empty without a query. */
export function urlQuery(url: string): URLSearchParams {
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}
