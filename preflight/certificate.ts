/**
 * The ACM certificate of `tls.certificateArn`: it exists in the stack's region, is ISSUED, covers
 * `tls.domainName`, and does not expire within 30 days. An ALB listener accepts only a certificate of its own
 * region (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html).
 */
import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { couldNotCheck, isError } from "./aws";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "certificate";
export const MIN_DAYS_LEFT = 30;

/** True when a certificate name (possibly `*.` wildcard) covers `domain`; a wildcard covers exactly one label. */
export function covers(certName: string, domain: string): boolean {
  const name = certName.toLowerCase();
  const d = domain.toLowerCase();
  if (name === d) return true;
  if (!name.startsWith("*.")) return false;
  const dot = d.indexOf(".");
  return dot > 0 && !d.startsWith("*.") && d.slice(dot + 1) === name.slice(2);
}

export async function checkCertificate(ctx: PreflightContext): Promise<CheckResult[]> {
  const tls = ctx.config.tls;
  if (tls.mode !== "acm" || !tls.certificateArn) return [skip(GROUP, "certificate", "tls.mode is self-signed: the deploy makes and imports the certificate itself")];
  const arn = tls.certificateArn;
  const region = arn.split(":")[3];
  if (region !== ctx.config.region) {
    return [fail(GROUP, arn, `is in ${region}, but the load balancer is in ${ctx.config.region} and can use only certificates of its own region`, `request or import the certificate in ${ctx.config.region} and set tls.certificateArn to its ARN`)];
  }
  let cert;
  try {
    cert = (await ctx.clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
  } catch (e) {
    if (isError(e, "ResourceNotFoundException"))
      return [fail(GROUP, arn, `does not exist in account ${ctx.accountId}, ${ctx.config.region}`, `request a certificate for ${tls.domainName} in ACM (${ctx.config.region}) and set tls.certificateArn to its ARN`)];
    return [couldNotCheck(GROUP, arn, e, "acm:DescribeCertificate")];
  }
  if (!cert) return [fail(GROUP, arn, "ACM returned no certificate", "check the ARN in tls.certificateArn")];
  const out: CheckResult[] = [];
  if (cert.Status === "ISSUED") out.push(pass(GROUP, "status", `${arn} is ISSUED`));
  else {
    const fix =
      cert.Status === "PENDING_VALIDATION"
        ? "complete validation: create the CNAME records ACM shows for the certificate (DNS validation) and wait until it is ISSUED"
        : `request a new certificate for ${tls.domainName} and set tls.certificateArn to its ARN`;
    out.push(fail(GROUP, "status", `${arn} is ${cert.Status ?? "in an unknown state"}, not ISSUED; a listener cannot use it`, fix));
  }
  const names = [...new Set([cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n))];
  const matched = names.find((n) => covers(n, tls.domainName));
  if (matched) out.push(pass(GROUP, "domain", `covers ${tls.domainName} (as ${matched})`));
  else
    out.push(
      fail(
        GROUP,
        "domain",
        `covers ${names.join(", ") || "no name"}, not ${tls.domainName}; clients would reject the TLS handshake`,
        `use a certificate whose name or SAN is ${tls.domainName} (or *.${tls.domainName.split(".").slice(1).join(".")}), or correct tls.domainName`,
      ),
    );
  if (cert.NotAfter) {
    const days = Math.floor((cert.NotAfter.getTime() - ctx.now.getTime()) / 86_400_000);
    if (days < MIN_DAYS_LEFT) {
      const what = days < 0 ? `expired ${-days} days ago` : `expires in ${days} days (${cert.NotAfter.toISOString().slice(0, 10)})`;
      const fix =
        cert.Type === "AMAZON_ISSUED" ? "check why ACM has not renewed it (its validation CNAME records must stay in DNS), or request a new one" : "import a renewed certificate into the same ARN (aws acm import-certificate --certificate-arn …)";
      out.push(fail(GROUP, "expiry", `${what}; the kit wants at least ${MIN_DAYS_LEFT} days left`, fix));
    } else out.push(pass(GROUP, "expiry", `valid until ${cert.NotAfter.toISOString().slice(0, 10)} (${days} days)`));
  }
  return out;
}
