/**
 * Before plan/ existed, policy/plan.ts and review/plan-index.ts each read Terraform JSON and disagreed on decimals,
 * references inside templates, older load balancer type names, and list-form resource sections. These tests pin the
 * one answer plan/terraform.ts gives, and that policy, review and preflight all get it.
 */
import { PlanIndex, num as reviewNum, refsIn as reviewRefsIn } from "../../review/plan-index";
import { num as policyNum, parseReference, view } from "../../policy/plan";
import { planResources, refName } from "../../preflight/plan";
import { TerraformJson } from "../../plan/terraform";

describe("numbers", () => {
  it("reads decimals for every reader (review used to read only integers)", () => {
    expect(reviewNum("0.5")).toBe(0.5);
    expect(policyNum("0.5")).toBe(0.5);
    expect(reviewNum("-12")).toBe(-12);
    expect(reviewNum("1e3")).toBeUndefined();
    expect(reviewNum("${var.x}")).toBeUndefined();
  });
});

describe("references", () => {
  const template = "${aws_kms_key.k.arn}:alias/${aws_kms_alias.a.name}";

  it("finds every reference inside a template, and none is a whole-value reference", () => {
    expect(reviewRefsIn(template).map((r) => r.address)).toEqual(["aws_kms_key.k", "aws_kms_alias.a"]);
    expect(parseReference(template)).toBeUndefined();
  });

  it("reads one grammar: an indexed attribute path is the same reference whole or in a template", () => {
    const whole = parseReference("${aws_ecs_service.s.load_balancer[0].target_group_arn}");
    const inside = reviewRefsIn("arn=${aws_ecs_service.s.load_balancer[0].target_group_arn}");
    expect(whole).toMatchObject({ type: "aws_ecs_service", name: "s", attr: "load_balancer[0].target_group_arn" });
    expect(inside).toEqual([whole]);
  });

  it("keeps Terraform's namespaces and data sources out of the resources a value references", () => {
    expect(reviewRefsIn("${var.x}/${local.y}/${data.aws_caller_identity.me.account_id}")).toEqual([]);
    expect(parseReference("${data.aws_caller_identity.me.account_id}")).toMatchObject({ mode: "data", address: "data.aws_caller_identity.me" });
    expect(parseReference("${var.x}")).toBeUndefined();
  });

  it("lets preflight follow the same references (and aliases)", () => {
    expect(refName("${aws_alb.front.arn}", "aws_lb")).toBe("front");
    expect(refName("${aws_lb.front.arn}-x", "aws_lb")).toBeUndefined();
    expect(refName("${aws_lb.front}", "aws_lb")).toBeUndefined();
  });
});

describe("resources", () => {
  const plan: TerraformJson = {
    resource: {
      aws_alb: { old: { internal: true } },
      aws_lb: { new: { internal: true } },
      aws_lb_listener: { l: { load_balancer_arn: "${aws_alb.old.arn}" } },
    },
  };

  it("knows aws_alb is aws_lb for review, preflight and the policy view", () => {
    expect(new PlanIndex(plan).all("aws_lb").map((r) => r.address)).toEqual(["aws_alb.old", "aws_lb.new"]);
    expect(
      view(plan)
        .resourcesOf("aws_lb")
        .map((r) => r.address),
    ).toEqual(["aws_alb.old", "aws_lb.new"]);
    expect(planResources(plan, "aws_lb").map(([n]) => n)).toEqual(["new", "old"]);
    // The exact-type query the policy rules use with LB_TYPES stays exact, so nothing is counted twice.
    expect(
      view(plan)
        .resources("aws_lb")
        .map((r) => r.address),
    ).toEqual(["aws_lb.new"]);
  });

  it("follows a reference to an aliased type from review", () => {
    const index = new PlanIndex(plan);
    expect(index.target(plan.resource!.aws_lb_listener.l.load_balancer_arn, "aws_lb")?.address).toBe("aws_alb.old");
    expect(index.referencing(index.get("aws_alb.old")!).map((r) => r.address)).toEqual(["aws_lb_listener.l"]);
  });

  it("reads list-form resource sections (Terraform's JSON syntax) in review too, which used to see none", () => {
    const listForm = { resource: [{ aws_s3_bucket: { a: { bucket: "x" } } }, { aws_s3_bucket: [{ b: { bucket: "y" } }] }] } as unknown as TerraformJson;
    expect(new PlanIndex(listForm).all("aws_s3_bucket").map((r) => r.address)).toEqual(["aws_s3_bucket.a", "aws_s3_bucket.b"]);
    expect(planResources(listForm, "aws_s3_bucket").map(([n]) => n)).toEqual(["a", "b"]);
  });
});
