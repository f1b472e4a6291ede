import { rule } from "../../../policy/rules/mcp-db-010";
import { rdsRootCertificate } from "../../../lib/rds-ca";
import { dataPlan } from "../db-fixtures";
import { goodContainer, judge, lines, plan } from "../fixtures";

const CA = rdsRootCertificate("us-east-1")!;
const URL_OK = "postgresql+psycopg://contextforge@db.example.internal:5432/contextforge?sslmode=verify-full&sslrootcert=/tmp/kit/rds-ca.pem";

/** The data plan plus one task definition whose container has `env`. */
const withGateway = (env: Record<string, string>, db: Record<string, unknown> = {}) => {
  const p = dataPlan({ db });
  const container = { ...goodContainer, name: "mcp-gateway", environment: Object.entries(env).map(([name, value]) => ({ name, value })) };
  return { ...p, resource: { ...p.resource, aws_ecs_task_definition: { gw: { family: "gw", container_definitions: JSON.stringify([container]) } } } };
};

describe("MCP-DB-010 PostgreSQL clients verify the server", () => {
  it("passes an instance that names its CA, and clients that verify with a root: a literal URL or the kit's entry script parts", () => {
    expect(judge(rule, dataPlan()).verdict).toBe("pass");
    expect(judge(rule, withGateway({ DATABASE_URL: URL_OK })).verdict).toBe("pass");
    expect(judge(rule, withGateway({ KIT_DATABASE_HOST: "db.example.internal", KIT_DATABASE_CA_PEM: CA })).verdict).toBe("pass");
  });

  it("fails an instance on RDS's default or an expired CA", () => {
    expect(lines(judge(rule, dataPlan({ db: { ca_cert_identifier: undefined } })))).toEqual(["aws_db_instance.gw: sets no ca_cert_identifier: it follows RDS's default CA, which changes, and its clients' root would stop matching"]);
    expect(lines(judge(rule, dataPlan({ db: { ca_cert_identifier: "rds-ca-2019" } })))).toEqual([
      "aws_db_instance.gw: has ca_cert_identifier rds-ca-2019, not one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 (the 2019 CA expired in August 2024)",
    ]);
    expect(lines(judge(rule, dataPlan({ db: { ca_cert_identifier: "${var.ca}" } })))).toEqual(["aws_db_instance.gw: ca_cert_identifier is ${var.ca}, which is only known at apply time and cannot be verified"]);
  });

  it("fails a DATABASE_URL that encrypts without verifying, or verifies against no root", () => {
    const url = (q: string) => withGateway({ DATABASE_URL: `postgresql+psycopg://contextforge@db.example.internal:5432/contextforge${q}` });
    expect(lines(judge(rule, url("?sslmode=require")))).toEqual(['aws_ecs_task_definition.gw: container "mcp-gateway" connects to PostgreSQL with sslmode require: the server\'s certificate is not verified']);
    expect(lines(judge(rule, url("?sslmode=verify-ca&sslrootcert=/x.pem")))).toEqual(['aws_ecs_task_definition.gw: container "mcp-gateway" connects to PostgreSQL with sslmode verify-ca: the server\'s certificate is not verified']);
    expect(lines(judge(rule, url("")))).toEqual(["aws_ecs_task_definition.gw: container \"mcp-gateway\" connects to PostgreSQL with sslmode unset (libpq's default prefer): the server's certificate is not verified"]);
    expect(lines(judge(rule, url("?sslmode=verify-full")))).toEqual([
      'aws_ecs_task_definition.gw: container "mcp-gateway" connects with sslmode verify-full but names no sslrootcert: libpq would look for ~/.postgresql/root.crt, which holds no RDS root',
    ]);
    // SQLite is not a network connection.
    expect(judge(rule, plan({ aws_ecs_task_definition: { gw: { family: "gw", container_definitions: JSON.stringify([{ ...goodContainer, environment: [{ name: "DATABASE_URL", value: "sqlite:////data/mcp.db" }] }]) } } })).verdict).toBe(
      "not-applicable",
    );
  });

  it("fails the entry script's parts without a PEM root", () => {
    expect(lines(judge(rule, withGateway({ KIT_DATABASE_HOST: "db.example.internal" })))).toEqual([
      'aws_ecs_task_definition.gw: container "mcp-gateway" has KIT_DATABASE_HOST but KIT_DATABASE_CA_PEM unset: its entry script cannot verify the database server',
    ]);
    expect(lines(judge(rule, withGateway({ KIT_DATABASE_HOST: "db.example.internal", KIT_DATABASE_CA_PEM: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----" })))).toEqual([
      'aws_ecs_task_definition.gw: container "mcp-gateway" has KIT_DATABASE_HOST but KIT_DATABASE_CA_PEM is no PEM certificate: its entry script cannot verify the database server',
    ]);
  });
});
