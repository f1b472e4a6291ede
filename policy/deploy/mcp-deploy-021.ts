import { blocks } from "../plan";
import { defineRule } from "../rule";
import { MAX_FIXED_RESPONSE_BODY, MAX_HEADER_VALUE_CHARS, MAX_WILDCARDS_PER_RULE, resolvedLength } from "../../lib/tier-routes";

/**
 * What an Application Load Balancer refuses in a listener rule's match values and fixed responses, each at apply
 * (the rule, or the listener with its default action, fails to create):
 * - a fixed response's message body: at most 1,024 characters (FixedResponseActionConfig.MessageBody); the kit's
 *   RFC 9728 metadata bodies are fixed responses
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_FixedResponseActionConfig.html
 * - each http-header, path-pattern, host-header or query-string comparison string: at most 128 characters; at most 5
 *   wildcards (`*`, `?`) per rule, all conditions together (condition values per rule, 5, are MCP-DEPLOY-019's)
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * A reference in a body (a bucket name, a DNS name) counts as 63 characters, the longest an S3 bucket name or a DNS
 * label is.
 */
const DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_FixedResponseActionConfig.html";
const REFERENCE_CHARS = 63;

export const rule = defineRule(
  {
    id: "MCP-DEPLOY-021",
    title: "Listener rules fit ALB's limits on fixed-response bodies (1,024 characters), match values (128) and wildcards (5 per rule)",
    severity: "high",
    references: [],
    remediation: `Shorten the body (the kit drops scopes_supported, then resource_name, from RFC 9728 metadata that would not fit, lib/tier-routes.ts), the match value, or split the wildcards over several rules; see ${DOC} and https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html`,
  },
  (plan, _ctx, report) => {
    let applicable = false;
    const bodies = (address: string, actions: unknown) => {
      for (const a of blocks(actions)) {
        for (const f of blocks(a.fixed_response)) {
          applicable = true;
          if (typeof f.message_body !== "string") continue;
          const n = resolvedLength(f.message_body, REFERENCE_CHARS);
          if (n > MAX_FIXED_RESPONSE_BODY) report(address, `answers a fixed response of up to ${n} characters; AWS allows ${MAX_FIXED_RESPONSE_BODY} in a message body`);
        }
      }
    };
    for (const l of plan.resources("aws_lb_listener", "aws_alb_listener")) bodies(l.address, l.body.default_action);
    for (const r of plan.resources("aws_lb_listener_rule", "aws_alb_listener_rule")) {
      applicable = true;
      bodies(r.address, r.body.action);
      let wildcards = 0;
      for (const c of blocks(r.body.condition)) {
        for (const [key, v] of Object.entries(c)) {
          if (key === "source_ip" || key === "http_request_method") continue;
          for (const b of blocks(v)) {
            const values: unknown[] = key === "query_string" ? [b.key, b.value] : Array.isArray(b.values) ? b.values : [];
            for (const value of values) {
              if (typeof value !== "string") continue;
              wildcards += value.match(/[*?]/g)?.length ?? 0;
              if (value.length > MAX_HEADER_VALUE_CHARS) report(r.address, `matches ${key} against "${value.slice(0, 40)}…" (${value.length} characters); AWS allows ${MAX_HEADER_VALUE_CHARS}`);
            }
          }
        }
      }
      if (wildcards > MAX_WILDCARDS_PER_RULE) report(r.address, `holds ${wildcards} wildcards in its match values; AWS allows ${MAX_WILDCARDS_PER_RULE} per rule`);
    }
    return applicable;
  },
);
