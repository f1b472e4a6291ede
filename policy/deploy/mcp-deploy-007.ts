import { FARGATE_SIZES } from "../../lib/aws-limits";
import { isInterpolated, num } from "../plan";
import { defineRule } from "../rule";
import { DOCS } from "./support";

/**
 * Fargate accepts only fixed task-level cpu/memory pairs, both set on the task definition; anything else fails
 * RegisterTaskDefinition at apply. The table lives beside the config check (lib/aws-limits.ts FARGATE_SIZES).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-007",
    title: "Fargate task definitions use a cpu/memory pair Fargate accepts",
    severity: "high",
    references: [],
    remediation: `Set task cpu and memory to a supported pair, e.g. 256/512–2048, 512/1024–4096, 1024/2048–8192, 2048/4096–16384 (mcpServer.cpu/memory in the config); see ${DOCS.fargateSizes}`,
  },
  (plan, _ctx, report) => {
    const defs = plan.resources("aws_ecs_task_definition").filter((t) => [t.body.requires_compatibilities ?? []].flat().includes("FARGATE"));
    for (const td of defs) {
      const { cpu, memory } = td.body;
      if (cpu === undefined || memory === undefined) {
        report(td.address, `sets ${[cpu === undefined && "no cpu", memory === undefined && "no memory"].filter(Boolean).join(" and ")} at task level, which Fargate requires`);
        continue;
      }
      if (isInterpolated(cpu) || isInterpolated(memory)) continue;
      const c = num(cpu);
      const m = num(memory);
      const accepted = c === undefined ? undefined : FARGATE_SIZES[c];
      if (!accepted) report(td.address, `has cpu ${JSON.stringify(cpu)}, not a Fargate size (${Object.keys(FARGATE_SIZES).join(", ")})`);
      else if (m === undefined || !accepted.includes(m)) report(td.address, `has memory ${JSON.stringify(memory)} MiB, which Fargate does not accept with cpu ${c} (accepted: ${accepted[0]}–${accepted[accepted.length - 1]} in the documented steps)`);
    }
    return defs.length > 0;
  },
);
