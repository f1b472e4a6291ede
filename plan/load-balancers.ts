/** Load balancers and their listeners (`aws_lb`/`aws_alb`, `aws_lb_listener`/`aws_alb_listener`). */
import { PlanResource, PlanView, withAliases } from "./terraform";

export const LB_TYPES = withAliases("aws_lb");
export const LISTENER_TYPES = withAliases("aws_lb_listener");

/** `load_balancer_type` defaults to "application". */
export function lbType(lb: PlanResource): string {
  return typeof lb.body.load_balancer_type === "string" ? lb.body.load_balancer_type : "application";
}

/** The load balancer a listener belongs to, when its `load_balancer_arn` references one in the plan. */
export function listenerLb(plan: PlanView, listener: PlanResource): PlanResource | undefined {
  return plan.target(listener.body.load_balancer_arn, ...LB_TYPES);
}

/**
 * ELB security policies that accept TLS 1.2 and 1.3 only (no TLS 1.0/1.1), for HTTPS and TLS listeners.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 * Left out on purpose: ELBSecurityPolicy-2016-08 (the API default, TLS 1.0+), every *-TLS13-1-0-*, *-TLS13-1-1-*,
 * *-TLS-1-1-*, *-FS-2018-06 and *-2015-05 policy.
 */
export const TLS12_POLICIES: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
];
