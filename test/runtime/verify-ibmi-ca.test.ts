/**
 * The preloaded Mapepire CA check (runtime/mcp-server/verify-ibmi-ca.cjs). Upstream v0.5.1 cannot be given a CA: with
 * ignore-unauthorized false it trusts the root certificate the IBM i itself presents (services/baseConnectionPool.ts:
 * 107-111 → mapepire-js 0.6.0 getRootCertificate, which connects with rejectUnauthorized: false and returns the chain's
 * root unless it is in Node's bundled store). mapepire-js opens its wss:// channel through ws, whose createConnection
 * calls `tls.connect(options)` on the module object, and its certificate probe calls `tls.connect(port, host,
 * { rejectUnauthorized: false })`: replacing tls.connect reaches both.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tls from "node:tls";

const { withCa, install, isPemCertificate } = require("../../runtime/mcp-server/verify-ibmi-ca.cjs");
const SCRIPT = path.join(__dirname, "../../runtime/mcp-server/verify-ibmi-ca.cjs");
const PEM = tls.rootCertificates[0];
const forced = { ca: PEM, rejectUnauthorized: true };

describe("verify-ibmi-ca.cjs", () => {
  it("forces the CA and verification on every form of tls.connect, without mutating the caller's options", () => {
    const cb = () => undefined;
    const wsOptions = { host: "ibmi.example.com", port: 8076, servername: "ibmi.example.com", ca: "server-supplied root", rejectUnauthorized: false };
    expect(withCa([wsOptions], PEM)).toEqual([{ ...wsOptions, ...forced }]);
    expect(wsOptions.rejectUnauthorized).toBe(false);
    // mapepire-js getCertificate: tls.connect(port, host, { rejectUnauthorized: false })
    expect(withCa([8076, "ibmi.example.com", { rejectUnauthorized: false }], PEM)).toEqual([8076, "ibmi.example.com", forced]);
    expect(withCa([8076, "ibmi.example.com", cb], PEM)).toEqual([8076, "ibmi.example.com", forced, cb]);
    expect(withCa([8076], PEM)).toEqual([8076, forced]);
  });

  it("replaces connect on the module so every caller goes through it", () => {
    const calls: unknown[][] = [];
    const fake = { connect: (...args: unknown[]) => calls.push(args) };
    install(fake, PEM);
    fake.connect({ host: "h", rejectUnauthorized: false });
    expect(calls).toEqual([[{ host: "h", ...forced }]]);
  });

  it("accepts only a PEM certificate", () => {
    expect(isPemCertificate(PEM)).toBe(true);
    expect(isPemCertificate("")).toBe(false);
    expect(isPemCertificate(undefined)).toBe(false);
  });

  it("as a preload, refuses to start the server without a CA, and installs itself with one", () => {
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ["-e", "process.stdout.write(require('node:tls').connect.name)"], { env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: `--require ${SCRIPT}`, ...env }, encoding: "utf8" });
    const without = run({});
    expect([without.status, without.stderr]).toEqual([1, "verify-ibmi-ca: MAPEPIRE_CA_PEM holds no PEM certificate; refusing to start without a way to verify the IBM i\n"]);
    const withPem = run({ MAPEPIRE_CA_PEM: PEM });
    expect([withPem.status, withPem.stdout]).toEqual([0, "connectVerifyingIbmiCa"]);
  });
});
