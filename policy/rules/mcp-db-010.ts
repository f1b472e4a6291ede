import { defineRule } from "../rule";
import { eachContainer, environmentOf } from "../documents";
import { isInterpolated, show, unverifiable } from "../plan";
import { isPostgres, urlQuery } from "../databases";
import { isCertificate } from "../../lib/env-checks";
import { RDS_CA_IDENTIFIERS } from "../../lib/rds-ca";

/**
 * TLS that verifies nothing (libpq's sslmode require, or its default prefer) encrypts, but whoever answers on the
 * database's address inside the VPC gets the client's password. A PostgreSQL client verifies the server only with
 * sslmode=verify-full: the chain against sslrootcert, and the host name against the certificate. The root must be the
 * CA RDS signs the instance with, so the instance names its CA (ca_cert_identifier) instead of following RDS's default,
 * which AWS changes over time. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
 *
 * In a container the rule reads a literal DATABASE_URL (SQLAlchemy's psycopg dialect passes its query to libpq), or the
 * parts the kit's gateway entry script composes it from: with KIT_DATABASE_HOST, runtime/gateway/compose-urls.sh always
 * writes sslmode=verify-full and sslrootcert, and refuses to start without the root in KIT_DATABASE_CA_PEM.
 */
export const rule = defineRule(
  {
    id: "MCP-DB-010",
    title: "PostgreSQL clients verify the server's certificate (sslmode=verify-full against the instance's named RDS CA)",
    severity: "high",
    references: ["CWE-295", "libpq sslmode verify-full"],
    remediation: "Set ca_cert_identifier on the DB instance (e.g. rds-ca-rsa2048-g1), and connect with sslmode=verify-full and sslrootcert = that CA's root for the region (the kit's gateway: KIT_DATABASE_CA_PEM = GatewayDatabase.caCertificatePem).",
  },
  (plan, _ctx, report) => {
    const instances = plan.resources("aws_db_instance", "aws_rds_cluster_instance").filter((r) => isPostgres(r.body.engine));
    for (const db of instances) {
      const ca = db.body.ca_cert_identifier;
      if (isInterpolated(ca)) report(db.address, unverifiable("ca_cert_identifier", ca));
      else if (ca === undefined) report(db.address, "sets no ca_cert_identifier: it follows RDS's default CA, which changes, and its clients' root would stop matching");
      else if (!(String(ca) in RDS_CA_IDENTIFIERS)) report(db.address, `has ca_cert_identifier ${show(ca)}, not one of ${Object.keys(RDS_CA_IDENTIFIERS).join(", ")} (the 2019 CA expired in August 2024)`);
    }
    let clients = 0;
    eachContainer(plan, report, (td, c, label) => {
      const env = Object.fromEntries(environmentOf(c).map((e) => [e.name, e.value]));
      const url = env.DATABASE_URL;
      if (typeof url === "string" && /^postgres(ql)?(\+\w+)?:\/\//.test(url)) {
        clients++;
        const query = urlQuery(url);
        const mode = query.get("sslmode");
        if (mode !== "verify-full") report(td.address, `${label} connects to PostgreSQL with sslmode ${mode ?? "unset (libpq's default prefer)"}: the server's certificate is not verified`);
        else if (!query.get("sslrootcert")) report(td.address, `${label} connects with sslmode verify-full but names no sslrootcert: libpq would look for ~/.postgresql/root.crt, which holds no RDS root`);
      }
      if (env.KIT_DATABASE_HOST !== undefined) {
        clients++;
        const pem = env.KIT_DATABASE_CA_PEM;
        if (typeof pem !== "string" || !isCertificate(pem)) report(td.address, `${label} has KIT_DATABASE_HOST but KIT_DATABASE_CA_PEM ${pem === undefined ? "unset" : "is no PEM certificate"}: its entry script cannot verify the database server`);
      }
    });
    return instances.length + clients > 0;
  },
);
