import { rule } from "../../../policy/deploy/mcp-deploy-016";
import { referencedAddresses } from "../../../policy/deploy/support";
import { McpStack } from "../../../stacks/mcp-stack";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { App, TerraformOutput } from "cdktf";
import { judge, lines, plan, ref } from "../fixtures";
import { shippedConfigs } from "../../configs";

describe("MCP-DEPLOY-016 references name declared things", () => {
  it("reads the addresses out of templates, skipping quoted text, escapes and attribute chains", () => {
    expect(referencedAddresses("${aws_kms_key.k.arn}/*")).toEqual(["aws_kms_key.k"]);
    expect(referencedAddresses('${jsonencode({"a" = aws_iam_role.r.arn, "b" = "aws_fake.thing"})}')).toEqual(["aws_iam_role.r"]);
    expect(referencedAddresses("${data.aws_iam_policy_document.d.json} ${var.region}-${local.name} ${module.m.out}")).toEqual(["data.aws_iam_policy_document.d", "var.region", "local.name", "module.m"]);
    expect(referencedAddresses("$${aws_literal.not_a_ref} ${element(aws_subnet.a.*.id, 0)} ${each.value.some_attr.x} ${count.index}")).toEqual(["aws_subnet.a"]);
    expect(referencedAddresses("${provider::aws::arn_parse(aws_iam_role.r.arn).account_id}")).toEqual(["aws_iam_role.r"]);
  });

  it("fails a reference, or a depends_on, to an address the stack does not declare", () => {
    const p = plan({
      aws_vpc: { v: { cidr_block: "10.0.0.0/16" } },
      aws_subnet: { s: { vpc_id: ref("aws_vpc.v"), cidr_block: "10.0.0.0/24", depends_on: ["aws_vpc.gone"], tags: { Name: "${aws_vpc.other.id}-a" } } },
    });
    expect(lines(judge(rule, p))).toEqual(["aws_subnet.s: references aws_vpc.other, which this stack does not declare (${aws_vpc.other.id}-a)", "aws_subnet.s: depends_on aws_vpc.gone, which this stack does not declare"]);
    const out = { ...plan({ aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } }), output: { id: { value: "${var.missing}" } } };
    expect(lines(judge(rule, out))).toEqual(["output: references var.missing, which this stack does not declare (${var.missing})"]);
    expect(judge(rule, p).rule.remediation).toContain("https://developer.hashicorp.com/terraform/language/expressions/references");
  });

  it("passes references to resources, data sources, variables and locals the plan declares", () => {
    const p = plan({ aws_vpc: { v: { cidr_block: "${var.cidr}", tags: { Name: "${local.name}", Account: "${data.aws_caller_identity.me.account_id}" } } } }, {
      variable: { cidr: { type: "string" } },
      locals: { name: "mcp" },
      data: { aws_caller_identity: { me: {} } },
    } as never);
    expect(judge(rule, p).verdict).toBe("pass");
  });

  it("catches a construct of one environment's stack used in another (the prepare pass McpStack skips)", () => {
    const app = new App({ outdir: "unused" });
    const dev = new McpStack(app, shippedConfigs().dev);
    const staging = new McpStack(app, shippedConfigs().staging);
    const devOnly = new SnsTopic(dev, "dev-only", { name: "dev-only" });
    new TerraformOutput(staging, "borrowed", { value: devOnly.arn });
    const result = judge(rule, JSON.parse(JSON.stringify(staging.toTerraform())));
    expect(lines(result)).toEqual([`output: references aws_sns_topic.dev-only, which this stack does not declare (\${aws_sns_topic.dev-only.arn})`]);
  });
});
