/**
 * Elastic Load Balancing security policies → the lowest TLS version each accepts.
 * Source: "Security policies for your Application Load Balancer",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 * The TLS13 family names its floor (`TLS13-1-2-…` accepts TLS 1.2 and 1.3); older policies are listed by name.
 * A listener without `ssl_policy` gets ELBSecurityPolicy-2016-08 when created through the API (Terraform, CLI).
 */

export const API_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08";

const NAMED: Readonly<Record<string, string>> = {
  "ELBSecurityPolicy-2016-08": "1.0",
  "ELBSecurityPolicy-2015-05": "1.0",
  "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
  "ELBSecurityPolicy-FS-2018-06": "1.0",
  "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
  "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
  "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
  "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
};

/** The lowest TLS version a policy accepts ("1.0" … "1.3"), or undefined for a name not known here. */
export function minTlsVersion(policy: string): string | undefined {
  if (NAMED[policy]) return NAMED[policy];
  const m = /^ELBSecurityPolicy-TLS13-1-([0-3])-[A-Za-z0-9-]+$/.exec(policy);
  return m ? `1.${m[1]}` : undefined;
}

/** True when the policy's floor is TLS 1.2 or higher. */
export function atLeastTls12(policy: string | undefined): boolean {
  const v = policy ? minTlsVersion(policy) : undefined;
  return v !== undefined && Number(v.split(".")[1]) >= 2;
}
