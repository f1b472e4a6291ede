import { defineRule } from "../rule";
import { eachContainer, environmentOf } from "../documents";
import { isInterpolated, show, unverifiable } from "../plan";

const DEBUG_LEVELS = new Set(["debug", "trace", "silly", "verbose", "all"]);

export const rule = defineRule(
  {
    id: "MCP-PROD-002",
    title: "Production containers do not log at debug level",
    severity: "medium",
    references: [],
    remediation: 'Set mcpServer.logLevel to "info" or higher in config/prod.json; remove DEBUG/NODE_DEBUG and debug LOG_LEVEL variables.',
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    return eachContainer(plan, report, (td, c, label) => {
      for (const e of environmentOf(c)) {
        const name = e.name.toUpperCase();
        const value = String(e.value ?? "")
          .trim()
          .toLowerCase();
        if (/(^|_)LOG_?LEVEL$/.test(name)) {
          if (isInterpolated(e.value)) report(td.address, unverifiable(`${label} ${e.name}`, e.value));
          else if (DEBUG_LEVELS.has(value)) report(td.address, `${label} sets ${e.name} = ${show(e.value)} in prod`);
        } else if ((name === "DEBUG" || name === "NODE_DEBUG") && value && !["0", "false", "no", "off"].includes(value)) report(td.address, `${label} sets ${e.name} = ${show(e.value)} in prod`);
      }
    });
  },
);
