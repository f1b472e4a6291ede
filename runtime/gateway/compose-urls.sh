#!/usr/bin/env bash
# The kit's entry point for the MCP gateway (images/gateway/Dockerfile). ECS injects the database and cache passwords
# from Secrets Manager as KIT_*_PASSWORD, and their hosts as plain settings; this composes Context Forge's one
# DATABASE_URL and REDIS_URL from them (mcpgateway/config.py reads each as a single URL), so no password is ever in the
# task definition, the plan or the Terraform state. Then it runs the image's own command. With no KIT_*_HOST (dev:
# SQLite on EFS), DATABASE_URL and REDIS_URL are left as they are.
set -euo pipefail

# Percent-encodes every byte of the named variable's value but RFC 3986's unreserved characters, so a password holding
# @ : / ? # % cannot change the URL's meaning (SQLAlchemy's make_url and redis-py's from_url decode it again). The value
# is read from the environment, never passed as an argument (arguments are visible in /proc/<pid>/cmdline).
encode() { python3 -c 'import os, sys, urllib.parse; sys.stdout.write(urllib.parse.quote(os.environ[sys.argv[1]], safe=""))' "$1"; }

if [[ -n "${KIT_DATABASE_HOST:-}" ]]; then
  : "${KIT_DATABASE_USER:?is required with KIT_DATABASE_HOST}" "${KIT_DATABASE_PASSWORD:?is required with KIT_DATABASE_HOST}" "${KIT_DATABASE_NAME:?is required with KIT_DATABASE_HOST}"
  DATABASE_URL="postgresql+psycopg://$(encode KIT_DATABASE_USER):$(encode KIT_DATABASE_PASSWORD)@${KIT_DATABASE_HOST}:${KIT_DATABASE_PORT:-5432}/$(encode KIT_DATABASE_NAME)?sslmode=${KIT_DATABASE_SSLMODE:-require}"
  export DATABASE_URL
fi
if [[ -n "${KIT_REDIS_HOST:-}" ]]; then
  : "${KIT_REDIS_USER:?is required with KIT_REDIS_HOST}" "${KIT_REDIS_PASSWORD:?is required with KIT_REDIS_HOST}"
  REDIS_URL="rediss://$(encode KIT_REDIS_USER):$(encode KIT_REDIS_PASSWORD)@${KIT_REDIS_HOST}:${KIT_REDIS_PORT:-6379}/0"
  export REDIS_URL
fi
# The URLs carry them now; nothing the gateway starts needs them twice.
unset KIT_DATABASE_PASSWORD KIT_REDIS_PASSWORD

exec "$@"
