import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { bool, show } from "../plan";

export const rule = defineRule(
  {
    id: "MCP-ECS-001",
    title: "Containers run with a read-only root filesystem",
    severity: "high",
    references: ["CKV_AWS_336"],
    remediation: "Set readonlyRootFilesystem: true in the container definition; give the app a tmpfs or volume for the paths it writes.",
  },
  (plan, _ctx, report) =>
    eachContainer(plan, report, (td, c, label) => {
      if (bool(c.readonlyRootFilesystem) !== true) report(td.address, `${label} has readonlyRootFilesystem ${show(c.readonlyRootFilesystem)}; it must be true`);
    }),
);
