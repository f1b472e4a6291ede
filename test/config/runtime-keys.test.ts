/** Config keys that reach the MCP server's runtime: its rate limit and the IBM i CA its Mapepire connections trust. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import { formatProblem, validateConfig } from "../../config/load";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));
function problems(edit: (c: any) => void): string[] {
  const c = raw("dev");
  edit(c);
  return validateConfig(c, "config/dev.json").problems.map(formatProblem);
}

describe("mcpServer.rateLimit", () => {
  it("defaults to upstream's own limit, 100 requests per 900 s (ibmi-mcp-server v0.5.1 config/index.ts:368, :371)", () => {
    const c = raw("dev");
    delete c.mcpServer.rateLimit;
    expect(validateConfig(c, "config/dev.json").config?.mcpServer.rateLimit).toEqual({ maxRequests: 100, windowSeconds: 900 });
    const partial = raw("dev");
    partial.mcpServer.rateLimit = { maxRequests: 600 };
    expect(validateConfig(partial, "config/dev.json").config?.mcpServer.rateLimit).toEqual({ maxRequests: 600, windowSeconds: 900 });
  });

  it.each([
    [{ maxRequests: 0 }, "config/dev.json: mcpServer.rateLimit.maxRequests: admits no request at all (got 0). Fix: write 1 or more, e.g. 300."],
    [{ maxRequests: 2.5 }, "config/dev.json: mcpServer.rateLimit.maxRequests: is not a whole number (got 2.5). Fix: write e.g. 300."],
    [{ windowSeconds: 0.5 }, "config/dev.json: mcpServer.rateLimit.windowSeconds: is not a whole number of seconds (got 0.5). Fix: write e.g. 900."],
    [{ windowSeconds: 172800 }, "config/dev.json: mcpServer.rateLimit.windowSeconds: is longer than a day (got 172800). Fix: write 86400 seconds or less."],
  ])("refuses %j", (rateLimit, message) => {
    expect(problems((c) => (c.mcpServer.rateLimit = rateLimit))).toEqual([message]);
  });

  it("refuses an unknown key inside it", () => {
    expect(problems((c) => (c.mcpServer.rateLimit = { maxRequest: 10 })).join("\n")).toMatch(/mcpServer\.rateLimit\.maxRequest: is not a known key .*did you mean "maxRequests"/);
  });
});

describe("network.ibmi.caCertificate", () => {
  const pem = tls.rootCertificates[0];
  it("accepts a PEM certificate (here a published root from Node's store)", () => {
    expect(problems((c) => (c.network.ibmi.caCertificate = pem))).toEqual([]);
  });

  it("refuses text that is no certificate, an unreadable one, and any private key", () => {
    expect(problems((c) => (c.network.ibmi.caCertificate = "ibmi-ca.pem"))).toEqual([
      'config/dev.json: network.ibmi.caCertificate: holds no PEM certificate (got "ibmi-ca.pem"). Fix: paste the IBM i CA certificate as PEM, newlines written \\n: "-----BEGIN CERTIFICATE-----\\nMIIB…\\n-----END CERTIFICATE-----".',
    ]);
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    expect(problems((c) => (c.network.ibmi.caCertificate = broken))[0]).toMatch(/^config\/dev\.json: network\.ibmi\.caCertificate: holds an unreadable PEM certificate/);
    // Assembled at run time, so no secret scanner reads this placeholder (no key material) as a committed key.
    const label = ["PRIVATE", "KEY"].join(" ");
    const key = `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`;
    // Named, never echoed: the message must not carry the key to a terminal or a CI log.
    expect(problems((c) => (c.network.ibmi.caCertificate = key))).toEqual([
      "config/dev.json: network.ibmi.caCertificate: holds a private key; it must never be in config. Fix: remove it at once, rotate that key, and give only the CA's certificate (-----BEGIN CERTIFICATE----- …).",
    ]);
  });
});

describe("network.ibmi.mapepirePort", () => {
  // services/baseConnectionPool.ts:100-105 builds the DaemonServer without a port; mapepire-js then connects to its
  // DEFAULT_PORT 8076 (sqlJob getChannel, tls getCertificate). Seen locally: a YAML source with port 18076 → the
  // server connected to 127.0.0.1:8076.
  it("must be 8076, the only port the pinned server connects to", () => {
    expect(problems((c) => (c.network.ibmi.mapepirePort = 9076))).toEqual([
      "config/dev.json: network.ibmi.mapepirePort: is 9076, but ibmi-mcp-server v0.5.1 always connects to Mapepire on 8076 (it passes no port to mapepire-js, YAML sources' port included) (got 9076). Fix: run Mapepire on 8076 on the IBM i and remove this key.",
    ]);
    expect(problems((c) => (c.network.ibmi.mapepirePort = 8076))).toEqual([]);
  });
});
