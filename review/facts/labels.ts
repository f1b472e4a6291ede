/** How the review names plan resources: by their AWS name where the plan sets one, else by address. */
import { literal, PlanIndex, Res } from "../plan-index";

/** A resource as a reviewer knows it: its name (function, alarm, family, bucket, Name tag), else its address. */
export function labelOf(res: Res | undefined, fallback: string): string {
  if (!res) return fallback;
  const b = res.body;
  return literal(b.name) ?? literal(b.function_name) ?? literal(b.alarm_name) ?? literal(b.family) ?? literal(b.bucket) ?? literal(b.tags?.Name) ?? res.address;
}

/** "all", one port, or a range. */
export function portsText(protocol: string, from?: number, to?: number): string {
  if (protocol === "-1" || protocol === "all") return "all";
  if (from === undefined) return "?";
  return from === to || to === undefined ? String(from) : `${from}-${to}`;
}

/** A VPC endpoint's service without the regional prefix (`com.amazonaws.<region>.`). */
export function endpointService(serviceName: unknown, fallback: string): string {
  return String(literal(serviceName) ?? fallback).replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");
}

/** A KMS key as reviewers know it: its alias, else its address; AWS-managed when absent. */
export function keyLabel(idx: PlanIndex, value: unknown, awsManaged: string): { label: string; customer: boolean } {
  if (value === undefined || value === null || value === "") return { label: awsManaged, customer: false };
  const key = idx.target(value, "aws_kms_key");
  if (key) {
    const alias = idx
      .referencing(key, "aws_kms_alias")
      .map((a) => literal(a.body.name))
      .find(Boolean);
    return { label: alias ?? key.address, customer: true };
  }
  const lit = literal(value);
  if (lit === "alias/aws/s3" || lit === "alias/aws/sns" || lit === "alias/aws/secretsmanager" || lit === "alias/aws/logs") return { label: `${lit} (AWS managed)`, customer: false };
  return { label: lit ?? String(value), customer: true };
}
