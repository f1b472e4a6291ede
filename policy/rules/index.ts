/**
 * The security pack: one rule per invariant of the design brief (docs/policy.md lists them, generated from here).
 * Order is the report order: network, load balancer, containers, secrets and keys, logs, buckets, topics, ECR, databases and caches, IAM,
 * production-only.
 */
import { Rule, RulePack } from "../types";
import { rule as db001 } from "./mcp-db-001";
import { rule as db002 } from "./mcp-db-002";
import { rule as db003 } from "./mcp-db-003";
import { rule as db004 } from "./mcp-db-004";
import { rule as db005 } from "./mcp-db-005";
import { rule as db006 } from "./mcp-db-006";
import { rule as db007 } from "./mcp-db-007";
import { rule as db008 } from "./mcp-db-008";
import { rule as db009 } from "./mcp-db-009";
import { rule as db010 } from "./mcp-db-010";
import { rule as cache001 } from "./mcp-cache-001";
import { rule as cache002 } from "./mcp-cache-002";
import { rule as cache003 } from "./mcp-cache-003";
import { rule as cache004 } from "./mcp-cache-004";
import { rule as ecs001 } from "./mcp-ecs-001";
import { rule as ecs002 } from "./mcp-ecs-002";
import { rule as ecs003 } from "./mcp-ecs-003";
import { rule as ecs004 } from "./mcp-ecs-004";
import { rule as ecs005 } from "./mcp-ecs-005";
import { rule as ecs006 } from "./mcp-ecs-006";
import { rule as ecs007 } from "./mcp-ecs-007";
import { rule as ecs008 } from "./mcp-ecs-008";
import { rule as ecr001 } from "./mcp-ecr-001";
import { rule as iam001 } from "./mcp-iam-001";
import { rule as iam002 } from "./mcp-iam-002";
import { rule as lb001 } from "./mcp-lb-001";
import { rule as lb002 } from "./mcp-lb-002";
import { rule as lb003 } from "./mcp-lb-003";
import { rule as lb004 } from "./mcp-lb-004";
import { rule as lb005 } from "./mcp-lb-005";
import { rule as lb006 } from "./mcp-lb-006";
import { rule as log001 } from "./mcp-log-001";
import { rule as log002 } from "./mcp-log-002";
import { rule as net001 } from "./mcp-net-001";
import { rule as net002 } from "./mcp-net-002";
import { rule as net003 } from "./mcp-net-003";
import { rule as net004 } from "./mcp-net-004";
import { rule as net005 } from "./mcp-net-005";
import { rule as net006 } from "./mcp-net-006";
import { rule as net007 } from "./mcp-net-007";
import { rule as net008 } from "./mcp-net-008";
import { rule as prod001 } from "./mcp-prod-001";
import { rule as prod002 } from "./mcp-prod-002";
import { rule as prod003 } from "./mcp-prod-003";
import { rule as prod004 } from "./mcp-prod-004";
import { rule as prod005 } from "./mcp-prod-005";
import { rule as s3001 } from "./mcp-s3-001";
import { rule as s3002 } from "./mcp-s3-002";
import { rule as s3003 } from "./mcp-s3-003";
import { rule as s3004 } from "./mcp-s3-004";
import { rule as s3005 } from "./mcp-s3-005";
import { rule as s3006 } from "./mcp-s3-006";
import { rule as sec001 } from "./mcp-sec-001";
import { rule as sec002 } from "./mcp-sec-002";
import { rule as sec003 } from "./mcp-sec-003";
import { rule as sec004 } from "./mcp-sec-004";
import { rule as sns001 } from "./mcp-sns-001";

export const SECURITY_PACK: RulePack = {
  name: "security",
  rules: [
    net001,
    net002,
    net003,
    net004,
    net005,
    net006,
    net007,
    net008,
    lb001,
    lb002,
    lb003,
    lb004,
    lb005,
    lb006,
    ecs001,
    ecs002,
    ecs003,
    ecs004,
    ecs005,
    ecs006,
    ecs007,
    ecs008,
    sec001,
    sec002,
    sec003,
    sec004,
    log001,
    log002,
    s3001,
    s3002,
    s3003,
    s3004,
    s3005,
    s3006,
    sns001,
    ecr001,
    db001,
    db002,
    db003,
    db004,
    db005,
    db006,
    db007,
    db008,
    db009,
    db010,
    cache001,
    cache002,
    cache003,
    cache004,
    iam001,
    iam002,
    prod001,
    prod002,
    prod003,
    prod004,
    prod005,
  ],
};

/** The security rules in report order. */
export const SECURITY_RULES: readonly Rule[] = SECURITY_PACK.rules;
