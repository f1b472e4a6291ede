import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { bool, unverifiable } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-ECS-002",
    title: "Containers are not privileged",
    severity: "critical",
    references: ["CKV_AWS_334"],
    remediation: "Remove privileged: true from the container definition.",
  },
  (plan, _ctx, report) =>
    eachContainer(plan, report, (td, c, label) => {
      const v = c.privileged;
      if (v === undefined || bool(v) === false) return;
      report(td.address, bool(v) === true ? `${label} runs privileged` : unverifiable(`${label} privileged`, v));
    }),
);
