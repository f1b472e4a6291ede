/**
 * The control plane half of "comprehensive audit logging" (the seed's checklist): a CloudTrail trail, of this account
 * or of its organization, that is logging and records this region's management events, reads included and KMS not
 * excluded. Reading a secret (secretsmanager:GetSecretValue) and using the environment key (kms:Decrypt) are
 * management read events, so a write-only trail, or one that excludes kms.amazonaws.com, misses exactly who read the
 * kit's secrets. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
 * Data events (object reads of the audit bucket) are optional and charged: reported where a trail records them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
 */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import type { AdvancedEventSelector, EventSelector, Trail } from "@aws-sdk/client-cloudtrail";
import { couldNotCheck, isError } from "./aws";
import { planResources } from "./plan";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "cloudtrail";
const ACTIONS = "cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors";

/** What a trail records, from its basic or advanced event selectors (none: management events, read and write). */
export interface Coverage {
  readonly management: boolean;
  readonly reads: boolean;
  readonly writes: boolean;
  readonly kms: boolean;
  /** S3 object-level data events for these bucket ARNs ("*": every bucket). */
  readonly s3Objects: readonly string[];
}

export function coverage(basic: readonly EventSelector[] | undefined, advanced: readonly AdvancedEventSelector[] | undefined): Coverage {
  if (advanced?.length) {
    const out = { management: false, reads: false, writes: false, kms: false, s3Objects: [] as string[] };
    for (const sel of advanced) {
      const field = (name: string) => sel.FieldSelectors?.find((f) => f.Field === name);
      const category = field("eventCategory")?.Equals ?? [];
      const readOnly = field("readOnly")?.Equals;
      if (category.includes("Management")) {
        out.management = true;
        out.reads ||= !readOnly || readOnly.includes("true");
        out.writes ||= !readOnly || readOnly.includes("false");
        out.kms ||= !(field("eventSource")?.NotEquals ?? []).includes("kms.amazonaws.com");
      }
      if (category.includes("Data") && (field("resources.type")?.Equals ?? []).includes("AWS::S3::Object")) {
        const arns = field("resources.ARN")?.StartsWith;
        out.s3Objects.push(...(arns?.length ? arns : ["*"]));
      }
    }
    return out;
  }
  if (!basic?.length) return { management: true, reads: true, writes: true, kms: true, s3Objects: [] };
  const out = { management: false, reads: false, writes: false, kms: false, s3Objects: [] as string[] };
  for (const sel of basic) {
    const rw = sel.ReadWriteType ?? "All";
    if (sel.IncludeManagementEvents !== false) {
      out.management = true;
      out.reads ||= rw !== "WriteOnly";
      out.writes ||= rw !== "ReadOnly";
      out.kms ||= !(sel.ExcludeManagementEventSources ?? []).includes("kms.amazonaws.com");
    }
    for (const d of sel.DataResources ?? []) {
      if (d.Type !== "AWS::S3::Object") continue;
      // "arn:aws:s3" (or the partition's) alone selects every bucket.
      out.s3Objects.push(...(d.Values ?? []).map((v) => (/^arn:[a-z-]+:s3(:::)?$/.test(v) ? "*" : v)));
    }
  }
  return out;
}

/** A trail that reaches this region: its own region's, multi-region, or an organization trail that is either. */
function coversRegion(t: Trail, region: string): boolean {
  return t.HomeRegion === region || t.IsMultiRegionTrail === true;
}

export async function checkCloudTrail(ctx: PreflightContext): Promise<CheckResult[]> {
  const region = ctx.config.region;
  try {
    // Shadow trails: multi-region and organization trails whose home is another region (or the management account).
    const trails = (await ctx.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })))?.trailList ?? [];
    const candidates = trails.filter((t) => coversRegion(t, region));
    const findings: { trail: Trail; logging: boolean | undefined; cov: Coverage }[] = [];
    for (const trail of candidates) {
      const id = trail.TrailARN ?? trail.Name!;
      let logging: boolean | undefined;
      try {
        logging = (await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: id })))?.IsLogging;
      } catch (e) {
        // A member account may not read its organization trail's status; the trail is the management account's.
        if (!(trail.IsOrganizationTrail && isError(e, "AccessDeniedException", "TrailNotFoundException"))) throw e;
      }
      let cov: Coverage;
      try {
        const sel = await ctx.clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: id }));
        cov = coverage(sel?.EventSelectors, sel?.AdvancedEventSelectors);
      } catch (e) {
        if (!(trail.IsOrganizationTrail && isError(e, "AccessDeniedException", "TrailNotFoundException"))) throw e;
        cov = { management: true, reads: true, writes: true, kms: true, s3Objects: [] };
      }
      findings.push({ trail, logging, cov });
    }
    return [managementResult(findings, region), dataResult(ctx, findings)];
  } catch (e) {
    return [couldNotCheck(GROUP, "management events", e, ACTIONS)];
  }
}

const nameOf = (t: Trail) => `${t.Name}${t.IsOrganizationTrail ? " (organization trail)" : ""}`;

function managementResult(findings: { trail: Trail; logging: boolean | undefined; cov: Coverage }[], region: string): CheckResult {
  const check = "management events";
  const full = findings.find((f) => f.logging !== false && f.cov.management && f.cov.reads && f.cov.writes && f.cov.kms);
  if (full) {
    const status = full.logging === undefined ? ", status readable from the organization's management account only" : ", logging";
    return pass(GROUP, check, `trail ${nameOf(full.trail)} records read and write management events in ${region}, KMS included${status}`);
  }
  const stopped = findings.find((f) => f.logging === false && f.cov.management);
  if (stopped) return fail(GROUP, check, `trail ${nameOf(stopped.trail)} covers ${region} but is not logging`, `aws cloudtrail start-logging --name ${stopped.trail.TrailARN ?? stopped.trail.Name}`);
  const partial = findings.find((f) => f.cov.management);
  if (partial) {
    const misses = [!partial.cov.reads && "read events (GetSecretValue, Decrypt: who read the kit's secrets)", !partial.cov.writes && "write events", !partial.cov.kms && "KMS events (kms.amazonaws.com is excluded)"].filter(Boolean);
    return fail(
      GROUP,
      check,
      `trail ${nameOf(partial.trail)} records management events in ${region} but not ${misses.join(" or ")}`,
      `aws cloudtrail put-event-selectors --trail-name ${partial.trail.Name} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' (this replaces its selectors: re-add any data event selectors it had)`,
    );
  }
  return fail(
    GROUP,
    check,
    `no trail records management events in ${region}: changes to the stack, secret reads and key use would leave no record beyond the 90-day event history`,
    `create a multi-region trail (or use the organization's): aws cloudtrail create-trail --name account-audit --s3-bucket-name <trail bucket> --is-multi-region-trail, then aws cloudtrail start-logging --name account-audit`,
  );
}

function dataResult(ctx: PreflightContext, findings: { trail: Trail; logging: boolean | undefined; cov: Coverage }[]): CheckResult {
  const check = "audit bucket data events";
  const bucket = planResources(ctx.plan, "aws_s3_bucket")
    .map(([, b]) => String(b.bucket ?? ""))
    .find((n) => n.startsWith(`mcp-${ctx.config.environment}-audit-`));
  const name = bucket ?? `mcp-${ctx.config.environment}-audit-${ctx.accountId}-${ctx.config.region}`;
  const arn = `arn:aws:s3:::${name}/`;
  const covering = findings.find((f) => f.logging !== false && f.cov.s3Objects.some((v) => v === "*" || arn.startsWith(v) || v.startsWith(arn)));
  if (covering) return pass(GROUP, check, `trail ${nameOf(covering.trail)} records object reads and writes of ${name}`);
  return skip(
    GROUP,
    check,
    `no trail records object-level (data) events of ${name}: who read the archived logs shows only in its S3 server access logs`,
    `optional (charged per event): add an S3 data event selector for ${arn} to a trail (aws cloudtrail put-event-selectors --advanced-event-selectors)`,
  );
}
