/**
 * The list prices the review's cost estimate uses: On-Demand, US East (N. Virginia) us-east-1, in US dollars, as
 * AWS's pricing pages showed them when this table was dated. Not a quote: no free tier, no Savings Plans or reserved
 * capacity, no taxes, and other Regions cost more. Change a price here and the estimate follows; a resource whose
 * type or size is not in this table is shown as "not priced", never as $0.
 * Checked on the date below: the KMS key price and the PrivateLink data price read on AWS's own pages; the other rates
 * as published summaries of those pages quote them (the KMS asymmetric request rate as "5× the symmetric rate");
 * re-check each against its page before relying on a number.
 */
export const PRICE_REGION = "us-east-1";
export const PRICES_DATED = "2026-12-01";
/** AWS bills most of these per hour; a month is taken as 730 hours (8,760 / 12), as AWS's calculator does. */
export const HOURS_PER_MONTH = 730;

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const KMS = "https://aws.amazon.com/kms/pricing/";
const PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const FARGATE = "https://aws.amazon.com/fargate/pricing/";
const RDS = "https://aws.amazon.com/rds/postgresql/pricing/";
const ELASTICACHE = "https://aws.amazon.com/elasticache/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const SECRETS = "https://aws.amazon.com/secrets-manager/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";

export const PRICES = {
  /** The same for symmetric, asymmetric and HMAC keys; each automatic rotation adds $1/month per retained backing key. */
  kmsKey: { usd: 1, unit: "key-month", source: KMS },
  kmsSymmetricRequests: { usd: 0.03, unit: "10,000 requests", source: KMS },
  /** Asymmetric operations (kms:Sign with an ECC key, kms:GetPublicKey) other than RSA 2048, five times the symmetric rate. */
  kmsAsymmetricRequests: { usd: 0.15, unit: "10,000 requests", source: KMS },
  interfaceEndpoint: { usd: 0.01, unit: "endpoint-hour per Availability Zone", source: PRIVATELINK },
  endpointData: { usd: 0.01, unit: "GB processed", source: PRIVATELINK },
  albHour: { usd: 0.0225, unit: "ALB-hour", source: ELB },
  albLcu: { usd: 0.008, unit: "LCU-hour", source: ELB },
  fargateVcpuX86: { usd: 0.04048, unit: "vCPU-hour (Linux/x86)", source: FARGATE },
  fargateGbX86: { usd: 0.004445, unit: "GB-hour (Linux/x86)", source: FARGATE },
  fargateVcpuArm: { usd: 0.03238, unit: "vCPU-hour (Linux/ARM)", source: FARGATE },
  fargateGbArm: { usd: 0.00356, unit: "GB-hour (Linux/ARM)", source: FARGATE },
  natHour: { usd: 0.045, unit: "NAT gateway-hour", source: VPC },
  secret: { usd: 0.4, unit: "secret-month", source: SECRETS },
  logIngestion: { usd: 0.5, unit: "GB ingested", source: CLOUDWATCH },
  /** General Purpose SSD (gp2 or gp3) storage of a Single-AZ instance; Multi-AZ stores it twice. */
  rdsStorageGp: { usd: 0.115, unit: "GB-month (gp2/gp3, Single-AZ)", source: RDS },
} as const satisfies Record<string, Price>;

/** RDS for PostgreSQL Single-AZ instance-hours; a Multi-AZ instance (one standby) costs twice as much. */
export const RDS_POSTGRES_HOURLY: Readonly<Record<string, number>> = {
  "db.t4g.micro": 0.016,
  "db.t4g.small": 0.032,
  "db.t4g.medium": 0.065,
};

/** ElastiCache node-hours for Redis OSS; Valkey nodes are 20% cheaper (ElastiCache pricing page). */
export const ELASTICACHE_REDIS_HOURLY: Readonly<Record<string, number>> = {
  "cache.t4g.micro": 0.016,
  "cache.t4g.small": 0.032,
  "cache.t4g.medium": 0.065,
};
export const VALKEY_DISCOUNT = 0.2;

export const PRICE_SOURCES = { rdsInstance: RDS, cacheNode: ELASTICACHE } as const;
