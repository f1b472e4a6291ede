import { parseReference, view } from "../../policy/plan";
import { plan, ref } from "./fixtures";

describe("plan reading", () => {
  const p = plan(
    {
      aws_vpc: { v: { cidr_block: "10.40.0.0/20" } },
      aws_flow_log: { f: { vpc_id: ref("aws_vpc.v") } },
      aws_iam_role_policy: { p: { policy: '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b.arn}/*"}]}' } },
    },
    { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3:GetObject"], resources: ["*"], condition: { test: "Bool", variable: "aws:SecureTransport", values: ["true"] } }] } } } },
  );
  const v = view(p);

  it("names resources and data sources by Terraform address", () => {
    expect(v.all().map((r) => r.address)).toEqual(["aws_vpc.v", "aws_flow_log.f", "aws_iam_role_policy.p", "data.aws_iam_policy_document.d"]);
  });

  it("follows a plain reference to the resource it names", () => {
    expect(v.target(v.get("aws_flow_log.f")!.body.vpc_id, "aws_vpc")?.address).toBe("aws_vpc.v");
    expect(v.referrers(["aws_flow_log"], "vpc_id", v.get("aws_vpc.v")!, ["id"]).map((r) => r.address)).toEqual(["aws_flow_log.f"]);
    expect(parseReference("${data.aws_kms_key.k.arn}")).toEqual({ mode: "data", type: "aws_kms_key", name: "k", attr: "arn", address: "data.aws_kms_key.k" });
  });

  it("treats everything Terraform computes as unknown, never as a literal", () => {
    for (const x of ["${var.cidr}", "${local.x}", "${module.m.id}", "${jsonencode(local.p)}", "${aws_vpc.v.id}-suffix", "${cidrsubnet(aws_vpc.v.cidr_block, 4, 1)}"]) {
      expect(parseReference(x)).toBeUndefined();
      expect(v.value(x).kind).toBe("unknown");
    }
    expect(v.value("10.0.0.0/8")).toEqual({ kind: "literal", value: "10.0.0.0/8" });
    expect(v.value(ref("aws_vpc.v")).kind).toBe("ref");
  });

  it("parses JSON-string attributes, rebuilds policy documents from data sources, and refuses expressions", () => {
    expect(v.parseJson(v.get("aws_iam_role_policy.p")!.body.policy)).toEqual({ ok: true, value: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.b.arn}/*" }] } });
    const doc = v.parseJson("${data.aws_iam_policy_document.d.json}");
    expect(doc.ok && doc.value.Statement[0]).toMatchObject({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"], Condition: { Bool: { "aws:SecureTransport": ["true"] } } });
    expect(v.parseJson("${jsonencode({a = 1})}")).toEqual({ ok: false, why: "is ${jsonencode({a = 1})}, which is only known at apply time and cannot be verified" });
    expect(v.parseJson("{not json")).toMatchObject({ ok: false, why: expect.stringMatching(/^is not valid JSON \(/) });
    expect(v.parseJson(undefined)).toEqual({ ok: false, why: "is not set" });
  });
});

describe("following a reference to a literal", () => {
  it("resolves input attributes and leaves computed ones as references", () => {
    const v = view(plan({ aws_vpc: { v: { cidr_block: "10.40.0.0/20" } }, aws_subnet: { s: { cidr_block: "${aws_vpc.v.cidr_block}" } } }));
    expect(v.resolve("${aws_subnet.s.cidr_block}")).toBe("10.40.0.0/20");
    expect(v.resolve("${aws_vpc.v.id}")).toBe("${aws_vpc.v.id}");
    expect(v.resolve("${var.x}")).toBe("${var.x}");
  });
});

describe("Terraform JSON's array forms", () => {
  it("merges arrays of objects at any level, as Terraform does", () => {
    const v = view({ resource: [{ aws_vpc: { a: {} } }, { aws_vpc: [{ b: [{ cidr_block: "10.0.0.0/16" }] }] }] } as never);
    expect(v.all().map((r) => r.address)).toEqual(["aws_vpc.a", "aws_vpc.b"]);
    expect(v.get("aws_vpc.b")?.body.cidr_block).toBe("10.0.0.0/16");
  });
});
