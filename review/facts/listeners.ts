/** Listeners and their TLS: protocol, the policy AWS applies and its lowest TLS version, where the certificate comes from. */
import type { Flag, ListenerFact } from "../facts";
import { byKey } from "../markdown";
import { bool, literal, num, PlanIndex, refsIn, Res } from "../plan-index";
import { API_DEFAULT_POLICY, minTlsVersion } from "../tls-policies";
import { labelOf } from "./labels";
import { actionText } from "./load-balancers";

/** Where a listener's certificate comes from: ACM-issued, imported, self-signed in Terraform, or an existing ARN. */
export function certificateSource(idx: PlanIndex, l: Res): string {
  const arn = l.body.certificate_arn;
  if (arn === undefined) return "none";
  const cert = idx.target(arn, "aws_acm_certificate");
  if (cert) {
    const b = cert.body;
    const keyRef = refsIn(b.private_key)[0];
    const bodyRef = refsIn(b.certificate_body)[0];
    if (bodyRef?.type === "tls_self_signed_cert") {
      const self = idx.get(bodyRef.address);
      const hours = num(self?.body.validity_period_hours);
      return `self-signed (tls provider ${bodyRef.address}${hours ? `, valid ${Math.round(hours / 24)} days` : ""}), imported into ACM as ${cert.address}; clients cannot verify it`;
    }
    if (bodyRef?.type === "tls_locally_signed_cert") return `signed by a private CA in Terraform (${bodyRef.address}), imported into ACM as ${cert.address}`;
    if (b.certificate_body !== undefined || keyRef) return `imported into ACM (${cert.address})`;
    if (b.domain_name !== undefined) return `issued by ACM for ${literal(b.domain_name) ?? "?"} (${literal(b.validation_method) ?? "?"} validation)`;
    return cert.address;
  }
  const lit = literal(arn);
  if (lit) return `existing ACM certificate ${lit}`;
  if (String(arn).includes("${data.aws_acm_certificate.")) return "existing ACM certificate (looked up by a data source)";
  return String(arn);
}

/** Every listener, sorted by load balancer and port. */
export function listenerFacts(idx: PlanIndex): ListenerFact[] {
  const listeners: ListenerFact[] = idx.all("aws_lb_listener").map((l) => {
    const lb = idx.target(l.body.load_balancer_arn, "aws_lb");
    const protocol = literal(l.body.protocol) ?? (l.body.certificate_arn ? "HTTPS" : "HTTP");
    const tlsListener = protocol === "HTTPS" || protocol === "TLS";
    const sslPolicy = literal(l.body.ssl_policy);
    const effective = tlsListener ? (sslPolicy ?? API_DEFAULT_POLICY) : undefined;
    const minTls = effective ? minTlsVersion(effective) : undefined;
    const flags: Flag[] = [];
    if (!tlsListener) flags.push({ severity: "critical", text: `plain ${protocol}: traffic is not encrypted` });
    if (tlsListener && !sslPolicy) flags.push({ severity: "high", text: `no ssl_policy: AWS applies ${API_DEFAULT_POLICY} (TLS 1.0)` });
    if (effective && !minTls) flags.push({ severity: "medium", text: `policy ${effective} is not in the kit's table; check its TLS floor` });
    else if (minTls && Number(minTls.split(".")[1]) < 2) flags.push({ severity: "high", text: `accepts TLS ${minTls}` });
    return {
      address: l.address,
      loadBalancer: lb ? labelOf(lb, lb.address) : (literal(l.body.load_balancer_arn) ?? "?"),
      internal: lb ? bool(lb.body.internal) : undefined,
      port: num(l.body.port),
      protocol,
      sslPolicy: effective,
      minTls,
      certificate: tlsListener ? certificateSource(idx, l) : "none",
      defaultAction: actionText(idx, l.body.default_action),
      flags,
    };
  });
  return listeners.sort(byKey((l) => `${l.loadBalancer}\u0000${String(l.port ?? 0).padStart(5, "0")}`));
}
