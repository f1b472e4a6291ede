/**
 * Issue 9's guarantee read off the plan: the MCP listener refuses every source it does not know (a fixed 403), and
 * each listener rule sends its ranges (of one or several agent groups) only to a target group whose ECS tasks run an MCP server that
 * exposes exactly the toolsets the config grants that group (`SELECTED_TOOLSETS`), read-only SQL for read-only
 * grants, and never a high or critical toolset to a read-only group (risk levels from the tool catalogue the stack
 * records, lib/tool-catalogue.ts).
 * The grants come from the policy context (the config at synth, the plan's `//.policy` block for `npm run check`).
 */
import { contains, toCidr } from "../../lib/cidr";
import { canonicalToolsets, Risk } from "../../lib/tiers";
import { LISTENER_TYPES } from "../load-balancers";
import { block, blocks, isInterpolated, isObject, num, PlanResource, PlanView, show, unverifiable } from "../plan";
import { defineRule } from "../rule";
import { AgentGrant } from "../types";

const LISTENER_RULE_TYPES = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const TARGET_GROUP_TYPES = ["aws_lb_target_group", "aws_alb_target_group"];

/** What one ECS task behind a target group serves, or why that cannot be read. */
type Served = { readonly task: string; readonly toolsets: readonly string[]; readonly sqlReadOnly: unknown } | { readonly problem: string };

const listOf = (toolsets: readonly string[]) => (toolsets.length ? toolsets.join(", ") : "no toolset");

/** True when the actions are exactly one fixed response with status 403. */
function isFixed403(actions: Record<string, any>[]): boolean {
  return actions.length === 1 && actions[0].type === "fixed-response" && num(block(actions[0].fixed_response)?.status_code) === 403;
}

function describeActions(actions: Record<string, any>[]): string {
  if (actions.length === 0) return "missing";
  return actions
    .map((a) => (a.type === "fixed-response" ? `a fixed response ${show(block(a.fixed_response)?.status_code)}` : a.type === "forward" ? `a forward to ${forwardTargets(a).map(show).join(", ") || "nothing"}` : `${show(a.type)}`))
    .join(" then ");
}

/** Target group references of a forward action: `target_group_arn` or the weighted `forward.target_group` list. */
function forwardTargets(action: Record<string, any>): unknown[] {
  if (action.type !== "forward") return [];
  return [action.target_group_arn, ...blocks(action.forward).flatMap((f) => blocks(f.target_group).map((t) => t.arn))].filter((x) => x !== undefined);
}

/** The container receiving the target group's traffic in each ECS service registered with it. */
function served(plan: PlanView, tg: PlanResource): Served[] {
  const out: Served[] = [];
  for (const svc of plan.resources("aws_ecs_service")) {
    const lb = blocks(svc.body.load_balancer).find((b) => plan.refersTo(b.target_group_arn, tg));
    if (!lb) continue;
    const td = plan.target(svc.body.task_definition, "aws_ecs_task_definition");
    if (!td) {
      out.push({ problem: `whose service ${svc.address} runs task definition ${show(svc.body.task_definition)}, which is not in this plan and cannot be verified` });
      continue;
    }
    const parsed = plan.parseJson(td.body.container_definitions);
    const containers = parsed.ok && Array.isArray(parsed.value) ? parsed.value.filter(isObject) : undefined;
    if (!containers) {
      out.push({ problem: `whose task ${td.address} has container_definitions that ${parsed.ok ? "are not a list" : parsed.why.replace(/^is /, "are ")}` });
      continue;
    }
    const c = containers.find((x) => x.name === lb.container_name) ?? (containers.length === 1 ? containers[0] : undefined);
    if (!c) {
      out.push({ problem: `whose service ${svc.address} sends it to container ${show(lb.container_name)}, which task ${td.address} does not define` });
      continue;
    }
    // IBM/ibmi-mcp-server server/README.md, "CLI Reference": `--toolsets <list>` picks the toolsets to load and CLI
    // arguments override the configuration, so a flag on the command line would defeat the env this rule reads;
    // with no selection at all, every toolset of the tools YAML loads.
    const args = [...(Array.isArray(c.entryPoint) ? c.entryPoint : []), ...(Array.isArray(c.command) ? c.command : [])].map(String);
    if (args.some((a) => a === "--toolsets" || a.startsWith("--toolsets="))) {
      out.push({ problem: `whose task ${td.address} passes --toolsets on the command line, which this rule cannot reconcile with SELECTED_TOOLSETS` });
      continue;
    }
    const env = new Map<string, unknown>((Array.isArray(c.environment) ? c.environment : []).filter(isObject).map((e: Record<string, any>) => [String(e.name), e.value]));
    const selected = env.get("SELECTED_TOOLSETS");
    if (selected === undefined) out.push({ problem: `whose task ${td.address} does not set SELECTED_TOOLSETS, so its MCP server exposes every toolset it loads` });
    else if (typeof selected !== "string" || isInterpolated(selected)) out.push({ problem: `whose task ${td.address} has ${unverifiable("SELECTED_TOOLSETS", selected)}` });
    else
      out.push({
        task: td.address,
        toolsets: canonicalToolsets(
          String(selected)
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean),
        ),
        sqlReadOnly: env.get("IBMI_EXECUTE_SQL_READONLY"),
      });
  }
  return out;
}

export const rule = defineRule(
  {
    id: "MCP-LB-006",
    title: "The MCP listener sends each agent range only to the tier with exactly its grant; other sources get 403",
    severity: "critical",
    references: [],
    remediation:
      "Route agents through McpTiers and AgentAccess (source_ip rules holding only ranges of groups with the same grant, each to that tier's target group, default action a fixed 403) and change grants only in config agents[]; never edit listener rules or SELECTED_TOOLSETS by hand.",
  },
  (plan, ctx, report) => {
    const grants: readonly AgentGrant[] | undefined = ctx.agentGrants;
    if (!grants) return false;
    const port = ctx.mcpPort ?? 3010;
    // The catalogue the stack was built with (the config at synth, the plan's record for npm run check); a toolset it
    // does not know is treated as critical, since nothing says what its tools do.
    const riskOf = (t: string): Risk => ctx.toolCatalogue?.toolsets[t]?.risk ?? "critical";
    const listeners = plan.resources(...LISTENER_TYPES).filter((l) => num(l.body.port) === port);
    for (const listener of listeners) {
      const defaults = blocks(listener.body.default_action);
      if (!isFixed403(defaults)) report(listener.address, `answers sources that match no rule with ${describeActions(defaults)}, not a fixed 403 response, so callers outside every agent group are not refused`);
      for (const r of plan.resources(...LISTENER_RULE_TYPES).filter((x) => plan.refersTo(x.body.listener_arn, listener))) {
        const targets = blocks(r.body.action).flatMap(forwardTargets);
        const sources = blocks(r.body.condition).flatMap((c) => blocks(c.source_ip).flatMap((s) => (Array.isArray(s.values) ? s.values : [])));
        if (sources.length === 0) {
          if (targets.length) report(r.address, `forwards to ${targets.map(show).join(", ")} without a source_ip condition, so any caller that reaches the listener gets there`);
          continue;
        }
        if (targets.length === 0) continue;
        // Agent group → the rule's sources inside its ranges.
        const owners = new Map<AgentGrant, string[]>();
        for (const s of sources) {
          if (isInterpolated(s)) {
            report(r.address, unverifiable("source range", s));
            continue;
          }
          const cidr = typeof s === "string" ? toCidr(s) : undefined;
          const inside = cidr ? grants.filter((g) => g.cidrs.some((c) => toCidr(c) && contains(toCidr(c)!, cidr))) : [];
          if (inside.length === 0) report(r.address, `routes ${show(s)}, which is in no agent group's ranges`);
          for (const g of inside) owners.set(g, [...(owners.get(g) ?? []), String(s)]);
        }
        for (const t of targets) {
          const tg = plan.target(t, ...TARGET_GROUP_TYPES);
          if (!tg) {
            report(r.address, `forwards to ${show(t)}, which is not a target group of this plan and cannot be verified`);
            continue;
          }
          const tasks = served(plan, tg);
          if (tasks.length === 0) report(r.address, `forwards to ${tg.address}, which no ECS service of this plan serves, so its toolsets cannot be verified`);
          for (const task of tasks) {
            if ("problem" in task) {
              report(r.address, `forwards to ${tg.address}, ${task.problem}`);
              continue;
            }
            for (const [g, ranges] of owners) {
              const who = `${g.readOnly ? "read-only " : ""}agent group "${g.name}" (${ranges.join(", ")})`;
              const granted = canonicalToolsets(g.toolsets);
              if (granted.join(",") !== task.toolsets.join(",")) report(r.address, `routes ${who}, granted ${listOf(granted)}, to ${tg.address}, whose task ${task.task} exposes ${listOf(task.toolsets)}`);
              if (!g.readOnly) continue;
              if (task.sqlReadOnly !== "true")
                report(
                  r.address,
                  `routes ${who} to ${tg.address}, whose task ${task.task} ${task.sqlReadOnly === undefined ? "does not set IBMI_EXECUTE_SQL_READONLY" : `sets IBMI_EXECUTE_SQL_READONLY ${show(task.sqlReadOnly)}`}; a read-only grant needs "true"`,
                );
              const risky = task.toolsets.filter((x) => riskOf(x) === "high" || riskOf(x) === "critical");
              if (risky.length) report(r.address, `routes ${who} to ${tg.address}, whose task ${task.task} exposes ${risky.map((x) => `${x} (${riskOf(x)} risk)`).join(", ")}`);
            }
          }
        }
      }
    }
    return listeners.length > 0;
  },
);
