import { defineRule } from "../rule";
import { ContainerDefinition, eachContainer, environmentOf, secretNamesOf } from "../documents";
import { show } from "../plan";

/** The MCP server container: it talks to Db2 for i (DB2i_HOST) or runs the upstream image. */
function isMcpServer(c: ContainerDefinition): boolean {
  return environmentOf(c).some((e) => e.name === "DB2i_HOST") || secretNamesOf(c).includes("DB2i_HOST") || /ibmi-mcp-server/.test(String(c.image ?? ""));
}

export const rule = defineRule(
  {
    id: "MCP-PROD-003",
    title: "Production MCP servers verify the IBM i certificate (DB2i_IGNORE_UNAUTHORIZED=false)",
    severity: "high",
    references: [],
    remediation: "Set DB2i_IGNORE_UNAUTHORIZED = \"false\" in the MCP server container's environment and trust the IBM i host's certificate.",
  },
  (plan, ctx, report) => {
    if (ctx.stage !== "prod") return false;
    let applicable = false;
    eachContainer(plan, report, (td, c, label) => {
      if (!isMcpServer(c)) return;
      applicable = true;
      const v = environmentOf(c).find((e) => e.name === "DB2i_IGNORE_UNAUTHORIZED")?.value;
      if (String(v).toLowerCase() !== "false") report(td.address, `${label} has DB2i_IGNORE_UNAUTHORIZED ${v === undefined ? "unset (the server defaults to true)" : `= ${show(v)}`}, so it accepts any IBM i certificate`);
    });
    return applicable;
  },
);
