#!/usr/bin/env bash
# The kit's entry point for the MCP gateway (images/gateway/Dockerfile). ECS injects the database and cache passwords
# from Secrets Manager as KIT_*_PASSWORD, and their hosts as plain settings; this composes Context Forge's one
# DATABASE_URL and REDIS_URL from them (mcpgateway/config.py reads each as a single URL), so no password is ever in the
# task definition, the plan or the Terraform state. Then it runs the image's own command. With no KIT_*_HOST (dev:
# SQLite on EFS), DATABASE_URL and REDIS_URL are left as they are.
#
# Both connections verify the server, not only encrypt:
# - PostgreSQL: sslmode=verify-full (libpq checks the chain against sslrootcert and the host name against the
#   certificate). The root is the RDS CA of the instance's region and ca_cert_identifier, given as KIT_DATABASE_CA_PEM
#   (a public certificate, a plain setting) and written to a file under /tmp, the task's writable volume, because
#   libpq reads sslrootcert from a file. SQLAlchemy passes the URL's query to psycopg as connection parameters.
# - Valkey: ssl_cert_reqs=required and ssl_check_hostname=true in the URL. redis-py lets URL parameters win over the
#   client's keyword arguments, so every client the gateway makes from REDIS_URL verifies, whatever REDIS_SSL_* say.
#   ElastiCache's certificates chain to Amazon's public roots, which the image's system trust store holds.
set -euo pipefail

# Where the CA file goes: /tmp is the task's volume (images/gateway/Dockerfile); the root file system is read-only.
# Another folder only for the kit's tests (the task definition never sets KIT_CA_DIR: lib/gateway-env.ts refuses it).
KIT_CA_DIR="${KIT_CA_DIR:-/tmp/kit}"

# Percent-encodes every byte of the named variable's value but RFC 3986's unreserved characters, so a password holding
# @ : / ? # % cannot change the URL's meaning (SQLAlchemy's make_url and redis-py's from_url decode it again). The value
# is read from the environment, never passed as an argument (arguments are visible in /proc/<pid>/cmdline).
encode() { python3 -c 'import os, sys, urllib.parse; sys.stdout.write(urllib.parse.quote(os.environ[sys.argv[1]], safe=""))' "$1"; }

if [[ -n "${KIT_DATABASE_HOST:-}" ]]; then
  : "${KIT_DATABASE_USER:?is required with KIT_DATABASE_HOST}" "${KIT_DATABASE_PASSWORD:?is required with KIT_DATABASE_HOST}" "${KIT_DATABASE_NAME:?is required with KIT_DATABASE_HOST}"
  : "${KIT_DATABASE_CA_PEM:?is required with KIT_DATABASE_HOST (the RDS root certificate that verifies the database server)}"
  # SQLAlchemy decodes the user and password of a URL but not the database name (make_url; a proof run with a real
  # PostgreSQL got `database "gw%20db" does not exist`), so the name goes in as it is and must need no encoding.
  if [[ ! "$KIT_DATABASE_NAME" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "compose-urls: KIT_DATABASE_NAME must be letters, digits and underscores (SQLAlchemy does not decode an encoded database name)" >&2
    exit 1
  fi
  if [[ "$KIT_DATABASE_CA_PEM" != *"-----BEGIN CERTIFICATE-----"* ]]; then
    echo "compose-urls: KIT_DATABASE_CA_PEM holds no PEM certificate; refusing to connect to the database unverified" >&2
    exit 1
  fi
  mkdir -p "$KIT_CA_DIR"
  printf '%s' "$KIT_DATABASE_CA_PEM" >"$KIT_CA_DIR/rds-ca.pem"
  DATABASE_URL="postgresql+psycopg://$(encode KIT_DATABASE_USER):$(encode KIT_DATABASE_PASSWORD)@${KIT_DATABASE_HOST}:${KIT_DATABASE_PORT:-5432}/${KIT_DATABASE_NAME}?sslmode=verify-full&sslrootcert=$KIT_CA_DIR/rds-ca.pem"
  export DATABASE_URL
fi
if [[ -n "${KIT_REDIS_HOST:-}" ]]; then
  : "${KIT_REDIS_USER:?is required with KIT_REDIS_HOST}" "${KIT_REDIS_PASSWORD:?is required with KIT_REDIS_HOST}"
  REDIS_URL="rediss://$(encode KIT_REDIS_USER):$(encode KIT_REDIS_PASSWORD)@${KIT_REDIS_HOST}:${KIT_REDIS_PORT:-6379}/0?ssl_cert_reqs=required&ssl_check_hostname=true"
  export REDIS_URL
fi
# The URLs carry them now; nothing the gateway starts needs them twice.
unset KIT_DATABASE_PASSWORD KIT_REDIS_PASSWORD KIT_DATABASE_CA_PEM

exec "$@"
