/**
 * Preloaded into the IBM i MCP server (NODE_OPTIONS="--require /opt/ibmi-mcp/verify-ibmi-ca.cjs") so that every TLS
 * connection the server opens, i.e. its Mapepire connections to the IBM i, verifies the peer against the IBM i CA in
 * MAPEPIRE_CA_PEM (and the host name), whatever DB2i_IGNORE_UNAUTHORIZED or a YAML source's `ignore-unauthorized` say.
 *
 * Why: ibmi-mcp-server v0.5.1 cannot be given a CA. With ignore-unauthorized false it fetches the root certificate
 * from the IBM i itself and trusts that (services/baseConnectionPool.ts:107-111, mapepire-js 0.6.0 getRootCertificate):
 * whoever answers on the Mapepire port is trusted. With it true (the upstream default) nothing is checked.
 *
 * The server makes no other TLS connection in the kit's configuration (no OAuth JWKS, no OpenTelemetry export).
 * Without a PEM certificate in MAPEPIRE_CA_PEM the process exits, so a task never starts unverified by mistake.
 */
"use strict";
const tls = require("node:tls");

/**
 * The arguments of one tls.connect call with `ca` set to the given PEM and verification forced on. tls.connect takes
 * (options[, cb]), (port[, host][, options][, cb]) or (path[, options][, cb]); the options object is copied, never
 * mutated, and added where the caller passed none.
 */
function withCa(args, pem) {
  const out = [...args];
  const i = out.findIndex((a) => a !== null && typeof a === "object");
  const forced = { ca: pem, rejectUnauthorized: true };
  if (i >= 0) out[i] = { ...out[i], ...forced };
  else {
    const cb = out.findIndex((a) => typeof a === "function");
    out.splice(cb >= 0 ? cb : out.length, 0, forced);
  }
  return out;
}

/** Replaces tls.connect (the https agent and the ws client mapepire-js bundles both call it through the module). */
function install(tlsModule, pem) {
  const original = tlsModule.connect;
  tlsModule.connect = function connectVerifyingIbmiCa(...args) {
    return original.apply(this, withCa(args, pem));
  };
}

function isPemCertificate(value) {
  return typeof value === "string" && /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(value);
}

const preloaded = [process.env.NODE_OPTIONS ?? "", ...process.execArgv].some((a) => a.includes("verify-ibmi-ca.cjs"));
if (preloaded) {
  const pem = process.env.MAPEPIRE_CA_PEM;
  if (!isPemCertificate(pem)) {
    process.stderr.write("verify-ibmi-ca: MAPEPIRE_CA_PEM holds no PEM certificate; refusing to start without a way to verify the IBM i\n");
    process.exit(1);
  }
  install(tls, pem);
}

module.exports = { withCa, install, isPemCertificate };
