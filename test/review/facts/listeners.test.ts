/** review/facts/listeners.ts and load-balancers.ts: listeners, their TLS and certificates, load balancers, actions. */
import { listenerFacts } from "../../../review/facts/listeners";
import { actionText, loadBalancerFacts } from "../../../review/facts/load-balancers";
import { PlanIndex } from "../../../review/plan-index";

const idx = new PlanIndex({
  resource: {
    aws_s3_bucket: { logs: { bucket: "mcp-alb-logs" } },
    aws_lb: { alb: { name: "mcp-alb", internal: true, drop_invalid_header_fields: true, access_logs: { bucket: "${aws_s3_bucket.logs.id}", enabled: true } } },
    aws_lb_target_group: { ro: { name: "ro" } },
    tls_self_signed_cert: { dev: { validity_period_hours: 8760 } },
    aws_acm_certificate: { dev: { certificate_body: "${tls_self_signed_cert.dev.cert_pem}", private_key: "${tls_private_key.dev.private_key_pem}" } },
    aws_lb_listener: {
      mcp: {
        load_balancer_arn: "${aws_lb.alb.arn}",
        port: 3010,
        protocol: "HTTPS",
        ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificate_arn: "${aws_acm_certificate.dev.arn}",
        default_action: [{ type: "fixed-response", fixed_response: { status_code: "403" } }],
      },
      plain: { load_balancer_arn: "${aws_lb.alb.arn}", port: 80, protocol: "HTTP", default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443" } }] },
      old: { load_balancer_arn: "${aws_lb.alb.arn}", port: 4444, certificate_arn: "arn:aws:acm:eu-west-1:123456789012:certificate/placeholder", default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.ro.arn}" }] },
    },
  },
});

describe("listenerFacts", () => {
  const listeners = listenerFacts(idx);
  const at = (port: number) => listeners.find((l) => l.port === port)!;

  it("sorts by load balancer and port", () => {
    expect(listeners.map((l) => l.port)).toEqual([80, 3010, 4444]);
  });

  it("reads the TLS floor of the policy and where the certificate comes from", () => {
    expect(at(3010)).toEqual(expect.objectContaining({ loadBalancer: "mcp-alb", internal: true, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", minTls: "1.2", flags: [], defaultAction: "fixed response 403" }));
    expect(at(3010).certificate).toBe("self-signed (tls provider tls_self_signed_cert.dev, valid 365 days), imported into ACM as aws_acm_certificate.dev; clients cannot verify it");
    expect(at(4444).certificate).toBe("existing ACM certificate arn:aws:acm:eu-west-1:123456789012:certificate/placeholder");
  });

  it("flags plain HTTP, and a TLS listener without a policy (AWS's default accepts TLS 1.0)", () => {
    expect(at(80).flags).toEqual([{ severity: "critical", text: "plain HTTP: traffic is not encrypted" }]);
    expect(at(80).certificate).toBe("none");
    expect(at(4444).protocol).toBe("HTTPS");
    expect(at(4444).flags.map((f) => f.severity)).toEqual(["high", "high"]);
    expect(at(4444).flags[0].text).toMatch(/^no ssl_policy: AWS applies /);
  });
});

describe("loadBalancerFacts and actionText", () => {
  it("read a load balancer's exposure and access logs", () => {
    expect(loadBalancerFacts(idx)).toEqual([{ address: "aws_lb.alb", label: "mcp-alb", internal: true, type: "application", dropInvalidHeaders: true, deletionProtection: undefined, idleTimeout: undefined, accessLogs: "mcp-alb-logs" }]);
  });

  it("say what actions do", () => {
    expect(actionText(idx, [{ type: "forward", target_group_arn: "${aws_lb_target_group.ro.arn}" }])).toBe("forward to ro");
    expect(actionText(idx, [{ type: "redirect", redirect: {} }])).toBe("redirect to #{protocol}:#{port}");
    expect(actionText(idx, [])).toBe("?");
  });
});
