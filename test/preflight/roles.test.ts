/**
 * Preflight: the roles the config writes into key, secret and trust policies exist (iam:GetRole). AWS refuses a
 * policy naming a principal that does not exist (KMS CreateKey: "The principals in the key policy must exist and be
 * visible to KMS"), so a missing role would stop the first apply half-way.
 */
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { McpConfig } from "../../config/schema";
import { namedPrincipals } from "../../preflight/roles";
import { PreflightReport, runPreflight } from "../../preflight/run";
import { CheckResult } from "../../preflight/types";
import { shippedConfigs, variant } from "../configs";
import { ACCOUNT, awsError, clients, greenAccount, mocks, NOW } from "./account";

const prod = shippedConfigs().prod;
const run = (config: McpConfig = prod): Promise<PreflightReport> => runPreflight({ config, clients: clients(), now: NOW });
const roles = (r: PreflightReport): CheckResult[] => r.results.filter((x) => x.group === "roles");
const one = (r: PreflightReport, check: string): CheckResult => {
  const found = roles(r).filter((x) => x.check === check);
  expect(found).toHaveLength(1);
  return found[0];
};
const OPERATORS = prod.access.operators[0];

beforeEach(() => greenAccount());

describe("named roles (iam:GetRole)", () => {
  it("passes every role prod names, looking each up by its name", async () => {
    const r = await run();
    expect(roles(r).map((x) => `${x.status} ${x.check}: ${x.detail}`)).toEqual([
      `PASS access.operators[0]: ${OPERATORS} exists`,
      `PASS access.auditors[0]: ${prod.access.auditors[0]} exists`,
      `PASS agents[0].tokenReader.assumedBy[0]: ${prod.agents[0].tokenReader!.assumedBy[0]} exists`,
    ]);
    expect(
      mocks.iam
        .commandCalls(GetRoleCommand)
        .map((c) => c.args[0].input.RoleName)
        .sort(),
    ).toEqual(["mcp-prod-monitoring-agent-hosts", "mcp-prod-operators", "security-audit"]);
  });

  it("fails a role that does not exist (NoSuchEntityException), naming the field, the ARN, the policy AWS would refuse and the fix", async () => {
    mocks.iam.on(GetRoleCommand, { RoleName: "mcp-prod-operators" }).rejects(awsError("NoSuchEntityException", "The role with name mcp-prod-operators cannot be found."));
    const r = await run();
    expect(roles(r).filter((x) => x.status === "FAIL")).toEqual([
      {
        group: "roles",
        check: "access.operators[0]",
        status: "FAIL",
        detail: `${OPERATORS} does not exist in account ${ACCOUNT}: the deploy writes it into the environment key's policy and the secrets' resource policies, and AWS refuses a policy whose principal does not exist (MalformedPolicyDocumentException)`,
        fix: "create the role first (aws iam create-role --role-name mcp-prod-operators --assume-role-policy-document file://trust.json), or correct access.operators[0] in config/prod.json",
      },
    ]);
    expect(one(r, "access.auditors[0]").status).toBe("PASS");
  });

  it("gives the role's path to create-role when the ARN has one", async () => {
    const config = variant("prod", (c) => {
      c.access.auditors = [`arn:aws:iam::${ACCOUNT}:role/audit/security-audit`];
    });
    mocks.iam.on(GetRoleCommand, { RoleName: "security-audit" }).rejects(awsError("NoSuchEntityException"));
    expect(one(await run(config), "access.auditors[0]").fix).toBe(
      "create the role first (aws iam create-role --path /audit/ --role-name security-audit --assume-role-policy-document file://trust.json), or correct access.auditors[0] in config/prod.json",
    );
  });

  it("names the token-reader trust policy for a missing agent-host role", async () => {
    mocks.iam.on(GetRoleCommand, { RoleName: "mcp-prod-monitoring-agent-hosts" }).rejects(awsError("NoSuchEntityException"));
    const f = one(await run(), "agents[0].tokenReader.assumedBy[0]");
    expect(f.status).toBe("FAIL");
    expect(f.detail).toContain(`the trust policy of agent group "${prod.agents[0].name}"'s token-reader role`);
  });

  it("fails when the role exists under another path than the ARN says (AWS resolves the ARN, path included)", async () => {
    mocks.iam.on(GetRoleCommand, { RoleName: "security-audit" }).resolves({ Role: { RoleName: "security-audit", Arn: `arn:aws:iam::${ACCOUNT}:role/audit/security-audit`, Path: "/audit/", RoleId: "AROAEXAMPLEEXAMPLE01", CreateDate: NOW } as never });
    const f = one(await run(), "access.auditors[0]");
    expect([f.status, f.fix]).toEqual(["FAIL", `write "arn:aws:iam::${ACCOUNT}:role/audit/security-audit" in access.auditors[0] of config/prod.json`]);
  });

  it("fails saying which permission is missing when GetRole is denied", async () => {
    mocks.iam.on(GetRoleCommand).rejects(awsError("AccessDenied", "User is not authorized to perform: iam:GetRole"));
    const r = await run();
    expect(roles(r)).toHaveLength(3);
    for (const f of roles(r)) {
      expect([f.status, f.detail, f.fix]).toEqual(["FAIL", "cannot read: iam:GetRole was denied", "grant iam:GetRole to the identity that runs the preflight (docs/deploy.md lists the read-only policy)"]);
    }
  });

  it("skips an account id in assumedBy with a note, and a role of another account with the command to run there", async () => {
    const config = variant("prod", (c) => {
      c.agents[0].tokenReader.assumedBy = ["210987654321", "arn:aws:iam::210987654321:role/agent-hosts"];
    });
    const r = await run(config);
    expect(one(r, "agents[0].tokenReader.assumedBy[0]")).toMatchObject({ status: "SKIP", detail: expect.stringMatching(/^210987654321 is an account id, not a role: /) });
    expect(one(r, "agents[0].tokenReader.assumedBy[1]")).toMatchObject({
      status: "SKIP",
      detail: `arn:aws:iam::210987654321:role/agent-hosts is in account 210987654321; GetRole reads roles of the caller's account ${ACCOUNT} only`,
      fix: `in account 210987654321: aws iam get-role --role-name agent-hosts (it must exist before the deploy writes it into the trust policy of agent group "${prod.agents[0].name}"'s token-reader role)`,
    });
    // Neither was looked up: GetRole would answer NoSuchEntity for a role it cannot see.
    expect(mocks.iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName)).not.toContain("agent-hosts");
    expect(roles(r).filter((x) => x.status === "FAIL")).toEqual([]);
  });

  it("looks a role up once however many fields name it, and reports each field", async () => {
    const config = variant("prod", (c) => {
      c.access.auditors = [c.access.operators[0]];
    });
    const r = await run(config);
    expect(namedPrincipals(config).map((p) => p.field)).toEqual(["access.operators[0]", "access.auditors[0]", "agents[0].tokenReader.assumedBy[0]"]);
    expect(roles(r).map((x) => x.status)).toEqual(["PASS", "PASS", "PASS"]);
    expect(mocks.iam.commandCalls(GetRoleCommand).filter((c) => c.args[0].input.RoleName === "mcp-prod-operators")).toHaveLength(1);
  });
});
