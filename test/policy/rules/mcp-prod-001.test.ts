import { rule } from "../../../policy/rules/mcp-prod-001";
import { goodContainer, judge, lines, taskPlan } from "../fixtures";

describe("MCP-PROD-001 images pinned by digest in prod", () => {
  const p = taskPlan([goodContainer, { ...goodContainer, name: "gw", image: "ghcr.io/ibm/mcp-context-forge:latest" }, { ...goodContainer, name: "x", image: "${var.image}" }]);

  it("fails tags and unknown images in prod", () => {
    expect(lines(judge(rule, p, { stage: "prod" }))).toEqual([
      'aws_ecs_task_definition.mcp: container "gw" runs image ghcr.io/ibm/mcp-context-forge:latest, which is not pinned by @sha256 digest',
      'aws_ecs_task_definition.mcp: container "x" runs image ${var.image}, which is not pinned by @sha256 digest',
    ]);
  });

  it("passes digests in prod (also behind a repository reference) and does not apply elsewhere", () => {
    const ok = taskPlan([goodContainer, { ...goodContainer, name: "r", image: "${aws_ecr_repository.r.repository_url}@sha256:" + "b".repeat(64) }]);
    expect(judge(rule, ok, { stage: "prod" }).verdict).toBe("pass");
    expect(judge(rule, p, { stage: "staging" }).verdict).toBe("not-applicable");
  });
});
