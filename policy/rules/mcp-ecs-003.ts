import { defineRule } from "../rule";
import { eachContainer } from "../documents";
import { isInterpolated, show, unverifiable } from "../plan";

/** `root`, `0`, or either with a group (`0:0`, `root:wheel`). */
export function isRootUser(user: string): boolean {
  const name = user.split(":")[0].trim();
  return name === "root" || name === "0";
}

export const rule = defineRule(
  {
    id: "MCP-ECS-003",
    title: "Containers run as a named non-root user",
    severity: "high",
    references: ["CIS Docker 4.1"],
    remediation: 'Set user in the container definition to the image\'s non-root user, e.g. "appuser" or "1000:1000".',
  },
  (plan, _ctx, report) =>
    eachContainer(plan, report, (td, c, label) => {
      const u = c.user;
      if (u === undefined || u === "") report(td.address, `${label} sets no user, so it runs as whatever user the image declares (root unless the image says otherwise)`);
      else if (isInterpolated(u)) report(td.address, unverifiable(`${label} user`, u));
      else if (isRootUser(String(u))) report(td.address, `${label} runs as ${show(u)}, the root user`);
    }),
);
