import { defineRule } from "../rule";
import { isInterpolated, show, unverifiable } from "../plan";
import { LISTENER_TYPES, TLS12_POLICIES } from "../load-balancers";

export const rule = defineRule(
  {
    id: "MCP-LB-004",
    title: "HTTPS/TLS listeners use a TLS 1.2+ security policy",
    severity: "high",
    references: ["AWS-0047", "CKV_AWS_103"],
    remediation: 'Set ssl_policy to a TLS 1.2+ policy, e.g. "ELBSecurityPolicy-TLS13-1-2-2021-06" (or "ELBSecurityPolicy-TLS13-1-3-2021-06" for TLS 1.3 only).',
  },
  (plan, _ctx, report) => {
    const listeners = plan.resources(...LISTENER_TYPES).filter((l) => ["HTTPS", "TLS"].includes(String(l.body.protocol).toUpperCase()));
    for (const l of listeners) {
      const p = l.body.ssl_policy;
      if (p === undefined) report(l.address, "sets no ssl_policy, so AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1");
      else if (isInterpolated(p)) report(l.address, unverifiable("ssl_policy", p));
      else if (!TLS12_POLICIES.includes(String(p))) report(l.address, `uses ssl_policy ${show(p)}, which is not a known TLS 1.2+ policy`);
    }
    return listeners.length > 0;
  },
);
