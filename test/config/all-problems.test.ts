/**
 * Every problem of a file in one run: a badly shaped value no longer hides the cross-field problems of the rest of
 * the file (config/load.ts, withoutBadValues).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { CONFIG_DIR } from "../paths";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));

function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}

describe("a shape error and cross-field errors in one file", () => {
  it("reports both kinds together", () => {
    const got = problems("dev", (c) => {
      c.agents[0].cidrs = ["10.20.1.0/33"];
      c.logs.retentionDays = 100;
    });
    expect(got).toEqual([
      'config/dev.json: agents[0].cidrs[0]: is not an IPv4 CIDR block (got "10.20.1.0/33"). Fix: write it as address/prefix, e.g. "10.20.0.0/24".',
      "config/dev.json: logs.retentionDays: 100 is not a retention period CloudWatch Logs accepts (got 100). Fix: use 90 or 120.",
    ]);
  });

  it("names a later array element by its index in the file, though the bad one before it was set aside", () => {
    const c = raw("dev");
    const vpcRange = c.network.vpcCidr;
    c.agents[0].cidrs = ["not a range", vpcRange];
    const got = validateConfig(c, "config/dev.json").problems.map(formatProblem);
    expect(got[0]).toMatch(/^config\/dev\.json: agents\[0\]\.cidrs\[0\]: is not an IPv4 CIDR block/);
    expect(got[1]).toBe(`config/dev.json: agents[0].cidrs[1]: overlaps the VPC range ${vpcRange}; agents connect from outside the VPC (got "${vpcRange}"). Fix: use the range the agent hosts have on their own network.`);
    expect(got).toHaveLength(2);
  });

  it("reports an unknown key and a cross-field problem together", () => {
    const got = problems("prod", (c) => {
      c.mcpServer.logLevl = "info";
      c.mcpServer.desiredCount = 1;
    });
    expect(got.some((m) => m.startsWith("config/prod.json: mcpServer.logLevl: is not a known key"))).toBe(true);
    expect(got).toContain("config/prod.json: mcpServer.desiredCount: runs 1 task; production needs 2 or more across zones (got 1). Fix: set 2 or more.");
  });

  it("does not report what only followed from the value it set aside", () => {
    // Without its only (bad) range the group would have no source at all: that is not a second problem.
    const got = problems("dev", (c) => {
      c.agents[0].cidrs = ["10.20.1.0/33"];
      c.agents[0].securityGroupIds = [];
    });
    expect(got).toEqual(['config/dev.json: agents[0].cidrs[0]: is not an IPv4 CIDR block (got "10.20.1.0/33"). Fix: write it as address/prefix, e.g. "10.20.0.0/24".']);
  });

  it("stops at the shape errors when a required value is bad", () => {
    const got = problems("dev", (c) => {
      c.region = "moon-1";
      c.logs.retentionDays = 100;
    });
    expect(got).toEqual(['config/dev.json: region: is not an AWS region (got "moon-1"). Fix: write a region code, e.g. "us-east-1".']);
  });

  it("says an array is not an object in plain English", () => {
    expect(problems("dev", (c) => (c.logs = []))).toEqual(["config/dev.json: logs: is an array, not an object (got []). Fix: write an object."]);
  });
});
