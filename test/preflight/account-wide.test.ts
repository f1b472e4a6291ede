/** Preflight checks of account-wide settings the stack relies on: Lambda concurrency and CloudTrail. */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { McpConfig } from "../../config/schema";
import { coverage } from "../../preflight/cloudtrail";
import { plannedReservations } from "../../preflight/concurrency";
import { PreflightReport, runPreflight } from "../../preflight/run";
import { CheckResult } from "../../preflight/types";
import { TerraformJson } from "../../policy/types";
import { shippedConfigs, variant } from "../configs";
import { shippedPlan } from "../plans";
import { awsError, clients, greenAccount, mocks, NOW, TRAIL_ARN } from "./account";

const prod = shippedConfigs().prod;
const run = (config: McpConfig = prod, plan?: TerraformJson): Promise<PreflightReport> => runPreflight({ config, clients: clients(), plan, now: NOW });
const only = (r: PreflightReport, group: string, check?: string): CheckResult => {
  const found = r.results.filter((x) => x.group === group && (!check || x.check === check));
  expect(found).toHaveLength(1);
  return found[0];
};
/** A plan whose two functions reserve 2 executions each, as `functions.reservedConcurrency: 2` makes them. */
const RESERVING: TerraformJson = {
  resource: { aws_lambda_function: { rotate: { function_name: "mcp-prod-rotate-secret", reserved_concurrent_executions: 2 }, age: { function_name: "mcp-prod-secret-age-check", reserved_concurrent_executions: 2 }, other: { function_name: "x" } } },
};

beforeEach(() => greenAccount());

describe("Lambda reserved concurrency (GetAccountSettings)", () => {
  it("passes a plan that reserves nothing, whatever the account has (the default)", async () => {
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const r = only(await run(prod, shippedPlan("prod")), "concurrency");
    expect(r).toMatchObject({ status: "PASS", detail: "the plan reserves none (functions.reservedConcurrency 0): its functions share the account's 10 unreserved of 10" });
    expect(mocks.lambda.commandCalls(GetFunctionConcurrencyCommand)).toHaveLength(0);
  });

  it("fails a reservation in a new account (10 in all: Lambda keeps every one unreserved), with the two ways out", async () => {
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const r = only(await run(prod, RESERVING), "concurrency");
    expect(r.status).toBe("FAIL");
    expect(r.detail).toBe("the plan reserves 4 more (mcp-prod-rotate-secret 2, mcp-prod-secret-age-check 2), but the account can reserve 0: 10 of 10 are unreserved and Lambda keeps 10 unreserved");
    expect(r.fix).toBe("set functions.reservedConcurrency to 0 (the default), or request an increase of lambda L-B99A9384 (Concurrent executions) to at least 14 in the Service Quotas console");
  });

  it("counts what the functions already reserve (a re-deploy) and what other functions took", async () => {
    // 1000 in all, 897 unreserved: 103 reserved elsewhere, 2 of them by the rotation function itself.
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 897 } });
    mocks.lambda.on(GetFunctionConcurrencyCommand, { FunctionName: "mcp-prod-rotate-secret" }).resolves({ ReservedConcurrentExecutions: 2 });
    mocks.lambda.on(GetFunctionConcurrencyCommand, { FunctionName: "mcp-prod-secret-age-check" }).rejects(awsError("ResourceNotFoundException"));
    expect(only(await run(prod, RESERVING), "concurrency").detail).toBe("the plan reserves 2 more (mcp-prod-rotate-secret 2, mcp-prod-secret-age-check 2) of the 797 the account can reserve (897 of 1000 unreserved, Lambda keeps 100)");
  });

  it("reads the reservation from the config when nothing was synthesized", async () => {
    mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 103, UnreservedConcurrentExecutions: 103 } });
    const r = only(await run(variant("prod", (c) => (c.functions.reservedConcurrency = 2))), "concurrency");
    expect(r.detail).toBe("the plan reserves 4 more (mcp-prod-rotate-secret 2, mcp-prod-secret-age-check 2), but the account can reserve 3: 103 of 103 are unreserved and Lambda keeps 100 unreserved");
  });

  it("names the permissions when denied", async () => {
    mocks.lambda.on(GetAccountSettingsCommand).rejects(awsError("AccessDeniedException"));
    expect(only(await run(), "concurrency").detail).toBe("cannot read: lambda:GetAccountSettings, lambda:GetFunctionConcurrency was denied");
  });

  it("lists only literal, reserving functions of a plan", () => {
    expect(plannedReservations(RESERVING)).toEqual([
      { name: "mcp-prod-rotate-secret", reserved: 2 },
      { name: "mcp-prod-secret-age-check", reserved: 2 },
    ]);
  });
});

describe("CloudTrail (the control plane of comprehensive audit logging)", () => {
  const management = (r: PreflightReport) => only(r, "cloudtrail", "management events");

  it("passes a logging multi-region trail that records read and write management events, KMS included", async () => {
    const r = management(await run());
    expect(r).toMatchObject({ status: "PASS", detail: "trail account-audit records read and write management events in us-east-1, KMS included, logging" });
    expect(mocks.cloudtrail.commandCalls(DescribeTrailsCommand)[0].args[0].input).toEqual({ includeShadowTrails: true });
    expect(mocks.cloudtrail.commandCalls(GetTrailStatusCommand)[0].args[0].input).toEqual({ Name: TRAIL_ARN });
  });

  it("fails without any trail for the region, saying how to make one", async () => {
    mocks.cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: "eu-only", TrailARN: "arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu-only", HomeRegion: "eu-west-1", IsMultiRegionTrail: false }] });
    const r = management(await run());
    expect(r.status).toBe("FAIL");
    expect(r.detail).toBe("no trail records management events in us-east-1: changes to the stack, secret reads and key use would leave no record beyond the 90-day event history");
    expect(r.fix).toBe("create a multi-region trail (or use the organization's): aws cloudtrail create-trail --name account-audit --s3-bucket-name <trail bucket> --is-multi-region-trail, then aws cloudtrail start-logging --name account-audit");
  });

  it("fails a stopped trail with the command that starts it", async () => {
    mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const r = management(await run());
    expect([r.status, r.detail, r.fix]).toEqual(["FAIL", "trail account-audit covers us-east-1 but is not logging", `aws cloudtrail start-logging --name ${TRAIL_ARN}`]);
  });

  it("fails a write-only trail, or one that excludes KMS: secret reads and key use would go unrecorded", async () => {
    mocks.cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true, ExcludeManagementEventSources: ["kms.amazonaws.com"] }] });
    const r = management(await run());
    expect(r.detail).toBe("trail account-audit records management events in us-east-1 but not read events (GetSecretValue, Decrypt: who read the kit's secrets) or KMS events (kms.amazonaws.com is excluded)");
    expect(r.fix).toBe(`aws cloudtrail put-event-selectors --trail-name account-audit --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' (this replaces its selectors: re-add any data event selectors it had)`);
  });

  it("accepts an organization trail whose status only the management account can read", async () => {
    mocks.cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: "org-audit", TrailARN: "arn:aws:cloudtrail:us-east-1:999999999999:trail/org-audit", HomeRegion: "us-east-1", IsMultiRegionTrail: true, IsOrganizationTrail: true }] });
    mocks.cloudtrail.on(GetTrailStatusCommand).rejects(awsError("AccessDeniedException"));
    mocks.cloudtrail.on(GetEventSelectorsCommand).rejects(awsError("AccessDeniedException"));
    expect(management(await run()).detail).toBe("trail org-audit (organization trail) records read and write management events in us-east-1, KMS included, status readable from the organization's management account only");
  });

  it("reports the audit bucket's data events as optional, and names the trail that records them", async () => {
    const data = (r: PreflightReport) => only(r, "cloudtrail", "audit bucket data events");
    expect(data(await run(prod, shippedPlan("prod")))).toMatchObject({
      status: "SKIP",
      detail: "no trail records object-level (data) events of mcp-prod-audit-123456789012-us-east-1: who read the archived logs shows only in its S3 server access logs",
    });
    mocks.cloudtrail.on(GetEventSelectorsCommand).resolves({
      AdvancedEventSelectors: [
        { FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::S3::Object"] },
            { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::mcp-prod-audit-123456789012-us-east-1/"] },
          ],
        },
      ],
    });
    const report = await run(prod, shippedPlan("prod"));
    expect(data(report)).toMatchObject({ status: "PASS", detail: "trail account-audit records object reads and writes of mcp-prod-audit-123456789012-us-east-1" });
    expect(management(report).status).toBe("PASS");
  });

  it("reads basic and advanced selectors alike", () => {
    expect(coverage(undefined, undefined)).toEqual({ management: true, reads: true, writes: true, kms: true, s3Objects: [] });
    expect(coverage([{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true, DataResources: [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }] }], undefined)).toEqual({
      management: true,
      reads: true,
      writes: false,
      kms: true,
      s3Objects: ["*"],
    });
    expect(
      coverage(undefined, [
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Management"] },
            { Field: "readOnly", Equals: ["false"] },
            { Field: "eventSource", NotEquals: ["kms.amazonaws.com"] },
          ],
        },
      ]),
    ).toEqual({ management: true, reads: false, writes: true, kms: false, s3Objects: [] });
    expect(coverage([{ IncludeManagementEvents: false }], undefined).management).toBe(false);
  });
});
