/** review/facts/iam.ts: policy documents and their wildcards from a small hand-written plan. */
import { iamFacts, policyDocuments } from "../../../review/facts/iam";
import { PlanIndex } from "../../../review/plan-index";

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const idx = new PlanIndex({
  resource: {
    aws_iam_role: { task: { name: "mcp-task", inline_policy: [{ policy: doc({ Sid: "Logs", Effect: "Allow", Action: "logs:*", Resource: "*" }) }] } },
    aws_iam_role_policy: { read: { role: "${aws_iam_role.task.id}", policy: doc({ Sid: "Read", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "${aws_secretsmanager_secret.s.arn}" }) } },
    aws_iam_policy: { deny: { policy: doc({ Effect: "Deny", NotAction: "kms:*", Resource: "*" }) } },
  },
});

describe("iamFacts", () => {
  const docs = policyDocuments(idx);

  it("collects role policies, managed policies and inline policies with the role each belongs to", () => {
    expect(docs.map((d) => [d.address, d.role])).toEqual([
      ["aws_iam_role_policy.read", "mcp-task"],
      ["aws_iam_policy.deny", undefined],
      ["aws_iam_role.task", "mcp-task"],
    ]);
  });

  it("finds wildcard actions anywhere, wildcard resources only where a statement allows", () => {
    expect(iamFacts(idx, docs)).toEqual({
      roles: ["mcp-task"],
      wildcardActions: [
        { address: "aws_iam_policy.deny", sid: "#0", what: "kms:*" },
        { address: "aws_iam_role.task", sid: "Logs", what: "logs:*" },
      ],
      wildcardResources: [{ address: "aws_iam_role.task", sid: "Logs", what: "logs:*" }],
    });
  });
});
