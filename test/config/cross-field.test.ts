/** config/cross-field.ts: one check per domain, run in a fixed order, so a file's findings read in the same order every run. */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../config/load";
import { CONFIG_DIR } from "../paths";

describe("crossFieldChecks", () => {
  it("reports every domain's findings together, domain by domain, in the order of the file's sections", () => {
    const c = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, "prod.json"), "utf8"));
    c.network.ibmi.mapepirePort = 9000; // network
    c.agents.push({ ...c.agents[0], name: "gateway-x", cidrs: ["8.8.8.0/24"] }); // agent ranges, then auth (oauth names)
    c.gateway.clientCidrs = ["8.8.4.0/24"]; // gateway clients' ranges
    c.tls.certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"; // tls
    c.mcpServer.memory = 3000; // task sizes
    c.agentTokens = { ...c.agentTokens, keyDeletionDays: 40 }; // auth
    c.gateway.desiredCount = 1; // gateway
    c.agents[1].toolsets = ["no_such_toolset"]; // tier grants
    c.mcpServer.image = "ghcr.io/ibm/ibmi-mcp-server:0.5.1"; // server image
    c.logs = { ...c.logs, retentionDays: 100 }; // retention
    c.functions = { reservedConcurrency: 3 }; // functions
    c.mcpServer.logLevel = "debug"; // production
    const { problems } = validateConfig(c, "config/prod.json");
    expect(problems.map((p) => p.path)).toEqual([
      "network.ibmi.mapepirePort",
      "agents[2].cidrs[0]",
      "gateway.clientCidrs[0]",
      "tls.certificateArn",
      "mcpServer.memory",
      "agentTokens.keyDeletionDays",
      "agents[2].name",
      "gateway.desiredCount",
      "agents[1].toolsets[0]",
      "agents[1].allowCritical",
      "mcpServer.image",
      "logs.retentionDays",
      "functions.reservedConcurrency",
      "mcpServer.image",
      "mcpServer.logLevel",
    ]);
  });
});
