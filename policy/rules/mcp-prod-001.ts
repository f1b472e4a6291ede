import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { show } from "../plan";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export const rule = defineRule(
  {
    id: "MCP-PROD-001",
    title: "Production containers run images pinned by @sha256 digest",
    severity: "high",
    references: [],
    remediation: "Pin mcpServer.image and gateway.image in config/prod.json as registry/repository:tag@sha256:<digest> of the reviewed image.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    return eachContainer(plan, report, (td, c, label) => {
      if (typeof c.image !== "string" || !DIGEST.test(c.image)) report(td.address, `${label} runs image ${show(c.image)}, which is not pinned by @sha256 digest`);
    });
  },
);
