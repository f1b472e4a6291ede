import { defineRule } from "../rule";
import { isInterpolated, show, unverifiable } from "../plan";
import { LISTENER_TYPES } from "../load-balancers";

export const rule = defineRule(
  {
    id: "MCP-LB-003",
    title: "Listeners accept HTTPS (or TLS) only: no plain HTTP listener",
    severity: "critical",
    references: ["AWS-0054", "CKV_AWS_2", "CKV_AWS_103"],
    remediation: 'Use protocol = "HTTPS" with a certificate on every listener and remove HTTP listeners (no HTTP-to-HTTPS redirect either).',
  },
  (plan, _ctx, report) => {
    const listeners = plan.resources(...LISTENER_TYPES);
    for (const l of listeners) {
      const p = l.body.protocol;
      if (isInterpolated(p)) report(l.address, unverifiable("protocol", p));
      else if (p === undefined) report(l.address, "does not set protocol, so an application load balancer listens in plain HTTP");
      else if (!["HTTPS", "TLS"].includes(String(p).toUpperCase())) report(l.address, `listens with protocol ${show(p)}; only HTTPS (or TLS) is allowed`);
    }
    return listeners.length > 0;
  },
);
