import * as fs from "node:fs";
import * as path from "node:path";
import { DefaultTokenResolver, StringConcat, Tokenization } from "cdktf";
import { formatProblem, validateConfig } from "../../config/load";
import { Stage } from "../../config/schema";
import { Certificate, CertificateProps, SSL_POLICIES } from "../../constructs/tls";
import { McpStack } from "../../stacks/mcp-stack";
import { stageDefaults } from "../../stacks/stage-defaults";
import { TerraformJson } from "../../policy/types";
import { CONFIG_DIR, resourceAt, resources, shippedConfigs, synthStack, variant } from "../helpers";
import { bareEnv, bareStack } from "./bare-stack";

const raw = (env: string) => JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, `${env}.json`), "utf8"));
function problems(env: string, edit: (c: any) => void): string[] {
  const c = raw(env);
  edit(c);
  return validateConfig(c, `config/${env}.json`).problems.map(formatProblem);
}

describe("Certificate", () => {
  let dev: { stack: McpStack; plan: TerraformJson };
  let prod: { stack: McpStack; plan: TerraformJson };
  beforeAll(() => {
    const c = shippedConfigs();
    dev = synthStack(c.dev);
    prod = synthStack(c.prod);
  });

  describe("self-signed (dev)", () => {
    it("makes an ECDSA P-256 key and a certificate for the domain valid at most 90 days, renewed 30 days early", () => {
      expect(resourceAt(dev.plan, "tls_private_key", "tls/private-key")).toMatchObject({ algorithm: "ECDSA", ecdsa_curve: "P256" });
      const cert = resourceAt(dev.plan, "tls_self_signed_cert", "tls/self-signed-cert");
      expect(cert.validity_period_hours).toBe(90 * 24);
      expect(cert.early_renewal_hours).toBe(30 * 24);
      expect(cert.dns_names).toEqual(["mcp.dev.example.com"]);
      expect(cert.subject[0].common_name).toBe("mcp.dev.example.com");
      expect(cert.allowed_uses).toEqual(["digital_signature", "server_auth"]);
      expect(cert.private_key_pem).toMatch(/^\$\{tls_private_key\.tls_private-key_\w+\.private_key_pem\}$/);
    });

    it("imports the pair into ACM, creating the replacement before the old one goes", () => {
      const acm = resourceAt(dev.plan, "aws_acm_certificate", "tls/imported");
      expect(acm.private_key).toMatch(/^\$\{tls_private_key\.tls_private-key_\w+\.private_key_pem\}$/);
      expect(acm.certificate_body).toMatch(/^\$\{tls_self_signed_cert\.tls_self-signed-cert_\w+\.cert_pem\}$/);
      expect(acm.lifecycle).toEqual({ create_before_destroy: true });
    });

    it("exposes the imported certificate and the TLS 1.2+ policy to the listener", () => {
      const t = dev.stack.tls;
      expect(t.source).toBe("self-signed");
      expect(t.minTlsVersion).toBe("1.2");
      expect(t.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
      const resolved = Tokenization.resolve(t.certificateArn, { scope: dev.stack, resolver: new DefaultTokenResolver(new StringConcat()) });
      expect(resolved).toMatch(/^\$\{aws_acm_certificate\.tls_imported_\w+\.arn\}$/);
    });

    it("declares the tls provider", () => {
      expect(Object.keys(dev.plan.provider ?? {})).toContain("tls");
      expect(Object.keys((dev.plan.terraform as any).required_providers)).toContain("tls");
    });
  });

  describe("acm (prod)", () => {
    it("uses the configured certificate and makes none", () => {
      expect(prod.stack.tls.source).toBe("acm");
      expect(prod.stack.tls.certificateArn).toBe("arn:aws:acm:us-east-1:123456789012:certificate/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
      for (const type of ["aws_acm_certificate", "tls_private_key", "tls_self_signed_cert"]) expect(resources(prod.plan, type)).toEqual([]);
    });

    it("needs no tls provider", () => {
      expect(Object.keys(prod.plan.provider ?? {})).toEqual(["aws"]);
      expect(Object.keys((prod.plan.terraform as any).required_providers)).not.toContain("tls");
    });

    it("maps minVersion 1.3 to the TLS 1.3-only policy", () => {
      const { stack } = synthStack(variant("prod", (c) => (c.tls.minVersion = "1.3")));
      expect(stack.tls.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
      expect(stack.tls.minTlsVersion).toBe("1.3");
    });
  });

  it("maps every supported version to a TLS13 policy (none accepts TLS 1.1 or below)", () => {
    expect(SSL_POLICIES).toEqual({ "1.2": "ELBSecurityPolicy-TLS13-1-2-2021-06", "1.3": "ELBSecurityPolicy-TLS13-1-3-2021-06" });
  });

  describe("construct errors", () => {
    const make = (props: Partial<CertificateProps>, stage: Stage = "dev") => new Certificate(bareStack(), "tls", { env: bareEnv({ stage }), mode: "self-signed", domainName: "mcp.example.com", ...stageDefaults(stage).certificate, ...props });

    it("refuses self-signed unless allowSelfSigned, as outside dev", () => {
      const refused = "t/tls: a self-signed certificate needs allowSelfSigned (dev only); its private key sits in Terraform state";
      expect(() => make({}, "prod")).toThrow(refused);
      expect(() => make({}, "staging")).toThrow(refused);
      expect(() => make({ allowSelfSigned: false })).toThrow(refused);
      // The prop decides, not the stage: a staging stack that allows it gets the certificate.
      expect(make({ allowSelfSigned: true }, "staging").source).toBe("self-signed");
    });
    it("refuses a validity over 90 days and an early renewal not inside it", () => {
      expect(() => make({ validityDays: 120 })).toThrow("t/tls: validityDays 120 must be 1 to 90");
      expect(() => make({ validityDays: 30, earlyRenewalDays: 30 })).toThrow("t/tls: earlyRenewalDays 30 must be 0 to 29");
    });
    it("needs an ARN in acm mode and refuses one in self-signed mode", () => {
      expect(() => make({ mode: "acm" })).toThrow('t/tls: certificateArn is required in "acm" mode');
      expect(() => make({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d" })).toThrow('t/tls: certificateArn is set but mode is "self-signed"; it would be ignored');
    });
  });

  describe("config validation", () => {
    it("refuses self-signed certificates in prod", () => {
      expect(
        problems("prod", (c) => {
          c.tls.mode = "self-signed";
          delete c.tls.certificateArn;
        }),
      ).toEqual([
        'config/prod.json: tls.mode: is self-signed in prod environment; clients cannot verify it and its key sits in Terraform state (got "self-signed"). Fix: set mode "acm" with certificateArn of an ACM certificate issued by a trusted CA.',
      ]);
    });
    it("refuses a malformed ARN, a missing one, and one of another region", () => {
      expect(problems("staging", (c) => (c.tls.certificateArn = "arn:aws:acm:us-east-1:123456789012:cert/abc"))).toEqual([
        'config/staging.json: tls.certificateArn: is not an ACM certificate ARN (got "arn:aws:acm:us-east-1:123456789012:cert/abc"). Fix: write "arn:aws:acm:<region>:<account>:certificate/<uuid>".',
      ]);
      expect(problems("staging", (c) => delete c.tls.certificateArn)).toEqual([
        'config/staging.json: tls.certificateArn: is required when tls.mode is "acm". Fix: give the ARN of an issued ACM certificate, e.g. "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>".',
      ]);
      expect(problems("staging", (c) => (c.tls.certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"))).toEqual([
        'config/staging.json: tls.certificateArn: is in region eu-west-1 but the stack deploys to us-east-1; a load balancer can use only certificates of its own region (got "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b"). Fix: import or request the certificate in us-east-1.',
      ]);
    });
    it("refuses TLS below 1.2", () => {
      expect(problems("dev", (c) => (c.tls.minVersion = "1.1"))).toEqual(['config/dev.json: tls.minVersion: is not an accepted value (got "1.1"). Fix: use one of "1.2", "1.3".']);
    });
  });
});
