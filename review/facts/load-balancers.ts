/** Load balancers, and how the review names what a listener or rule does with a request. */
import type { LoadBalancerFact } from "../facts";
import { blocks, bool, literal, num, PlanIndex } from "../plan-index";
import { labelOf } from "./labels";

export function loadBalancerFacts(idx: PlanIndex): LoadBalancerFact[] {
  return idx.all("aws_lb").map((lb) => {
    const logs = blocks(lb.body.access_logs)[0];
    const bucket = logs ? idx.target(logs.bucket, "aws_s3_bucket") : undefined;
    return {
      address: lb.address,
      label: labelOf(lb, lb.address),
      internal: bool(lb.body.internal),
      type: literal(lb.body.load_balancer_type) ?? "application",
      dropInvalidHeaders: bool(lb.body.drop_invalid_header_fields),
      deletionProtection: bool(lb.body.enable_deletion_protection),
      idleTimeout: num(lb.body.idle_timeout),
      accessLogs: logs && bool(logs.enabled) !== false ? (bucket ? labelOf(bucket, bucket.address) : (literal(logs.bucket) ?? "bucket")) : undefined,
    };
  });
}

/** A target group by name, from a reference or a literal ARN. */
export function targetGroupLabel(idx: PlanIndex, v: unknown): string {
  const tg = idx.target(v, "aws_lb_target_group") ?? idx.target(v, "aws_alb_target_group");
  return tg ? labelOf(tg, tg.address) : (literal(v) ?? "?");
}

/** What a list of actions does: "forward to …", "fixed response 403", "redirect to HTTPS:443". */
export function actionText(idx: PlanIndex, actions: unknown): string {
  return (
    blocks(actions)
      .map((a) => {
        const type = literal(a.type) ?? "?";
        if (type === "forward") {
          const tgs = [a.target_group_arn, ...blocks(a.forward).flatMap((f) => blocks(f.target_group).map((t) => t.arn))].filter((x) => x !== undefined);
          return `forward to ${tgs.map((t) => targetGroupLabel(idx, t)).join(", ")}`;
        }
        if (type === "fixed-response") {
          const fr = blocks(a.fixed_response)[0] ?? {};
          return `fixed response ${literal(fr.status_code) ?? "?"}`;
        }
        if (type === "redirect") {
          const rd = blocks(a.redirect)[0] ?? {};
          return `redirect to ${literal(rd.protocol) ?? "#{protocol}"}:${literal(rd.port) ?? "#{port}"}`;
        }
        return type;
      })
      .join("; ") || "?"
  );
}
