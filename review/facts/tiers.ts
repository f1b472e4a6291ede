/**
 * The toolset tiers: each listener rule that routes by source range, followed to the tasks behind it: the agent
 * groups it serves, their toolsets and risk, read-only SQL, the tools the server registers, and (with the config's
 * intent) grants that differ from what the config asked. Toolset risks come from the tool catalogue the stack
 * recorded in the plan (`//.policy.toolCatalogue`, written by app/policy-step.ts from lib/tool-catalogue.ts): the
 * grant the review shows is the one the config validation, the constructs and MCP-LB-006 enforce.
 */
import { RISKS } from "../../lib/tiers";
import { catalogueFromRecord, executeSqlFromEnv, readRecordedCatalogue, RecordedCatalogue, ToolCatalogue, toolsOfGrant } from "../../lib/tool-catalogue";
import { TerraformJson } from "../../policy/types";
import type { ContainerFact, Flag, FlowFact, ListenerFact, ReviewContext, TierFact } from "../facts";
import { byKey } from "../markdown";
import { blocks, literal, num, PlanIndex, Res } from "../plan-index";
import { ServiceFact } from "./containers";
import { actionText, targetGroupLabel } from "./load-balancers";

const RISK_ORDER: readonly string[] = RISKS;

export interface Tiers {
  readonly tiers: TierFact[];
  /** Default actions of listeners that route by source (e.g. fixed 403), sorted. */
  readonly tierDefaults: string[];
}

/** What the tiers are built from: the flows (in plan order), listeners, services and containers already extracted. */
export interface TierInputs {
  readonly flows: readonly FlowFact[];
  readonly listeners: readonly ListenerFact[];
  readonly services: readonly ServiceFact[];
  readonly containers: readonly ContainerFact[];
}

/** The recorded tool catalogue and what the route's sources tell about the groups: shared by every route. */
interface RouteScope {
  readonly idx: PlanIndex;
  readonly inputs: TierInputs;
  readonly ctx: ReviewContext;
  readonly recorded?: RecordedCatalogue;
  readonly catalogue?: ToolCatalogue;
  /** Agent group by the source range its ingress rule admits. */
  readonly cidrGroup: ReadonlyMap<string, string>;
}

/** The highest risk of the toolsets; unknown when any is not in the recorded catalogue, or none is set. */
function riskOf(toolsets: readonly string[], recorded: RecordedCatalogue | undefined): string {
  const risks: Record<string, string> = Object.fromEntries(Object.entries(recorded?.toolsets ?? {}).map(([n, t]) => [n, t.risk]));
  return toolsets.reduce(
    (best, t) => {
      const r = risks[t] ?? "unknown";
      if (r === "unknown" || best === "unknown") return "unknown";
      return RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(best) ? r : best;
    },
    toolsets.length ? "low" : "unknown",
  );
}

/** The toolsets the containers select (SELECTED_TOOLSETS), sorted. */
function toolsetsOf(containers: readonly ContainerFact[]): string[] {
  return [
    ...new Set(
      containers.flatMap((c) =>
        (c.env.SELECTED_TOOLSETS ?? "")
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ),
  ].sort();
}

/** One route of a rule (a rule forwarding to several target groups has one per target). */
function routeTier(scope: RouteScope, rule: Res, sources: readonly string[], lf: ListenerFact | undefined, tgRef: unknown): TierFact {
  const { idx, ctx, recorded, catalogue, cidrGroup } = scope;
  const tg = tgRef === undefined ? undefined : idx.target(tgRef, "aws_lb_target_group");
  const svcs = tg ? scope.inputs.services.filter((s) => s.targetGroups.includes(tg.address)) : [];
  const tdContainers = scope.inputs.containers.filter((c) => svcs.some((s) => s.taskDefinition === c.task));
  const toolsets = toolsetsOf(tdContainers);
  const risk = riskOf(toolsets, recorded);
  const readOnly = [...new Set(tdContainers.map((c) => c.env.IBMI_EXECUTE_SQL_READONLY).filter((v) => v !== undefined))].join(", ") || undefined;
  const toolsYaml = tdContainers.length > 0 && tdContainers.every((c) => c.env.TOOLS_YAML_PATH !== undefined);
  const toolLists = catalogue ? tdContainers.map((c) => toolsOfGrant(catalogue, toolsets, executeSqlFromEnv(c.env), c.env.TOOLS_YAML_PATH !== undefined)) : [];
  // Every task behind the route serves the same tools when they share one task definition (the kit's case).
  const tools = toolLists.length && toolLists.every((l) => JSON.stringify(l) === JSON.stringify(toolLists[0])) ? toolLists[0] : undefined;
  // One name on plans from before listener rules were packed per tier; space-separated names since (a rule holds
  // ranges of several groups of one tier; constructs/load-balancer.ts routeTags).
  const groupsFromTags = (literal(rule.body.tags?.["agent-group"]) ?? literal(rule.body.tags?.AgentGroup))?.split(/\s+/).filter(Boolean);
  const agentGroups = groupsFromTags?.length ? [...groupsFromTags].sort() : [...new Set(sources.map((s) => cidrGroup.get(s) ?? "?"))].sort();
  const flags: Flag[] = [];
  if (sources.some((s) => s.endsWith("/0"))) flags.push({ severity: "critical", text: "routes every address" });
  const unnamed = sources.filter((s) => !cidrGroup.has(s));
  if (!groupsFromTags?.length && unnamed.length) flags.push({ severity: "medium", text: `${unnamed.join(", ")} is in no agent group's ingress rule` });
  for (const g of agentGroups) {
    const a = ctx.agents?.find((x) => x.name === g);
    if (a && toolsets.length && [...new Set(a.toolsets)].sort().join(",") !== toolsets.join(",")) flags.push({ severity: "high", text: `config grants ${g} ${[...new Set(a.toolsets)].sort().join(", ")}` });
  }
  if (toolsets.length === 0) flags.push({ severity: "medium", text: "target runs no task with SELECTED_TOOLSETS (all toolsets?)" });
  if (tdContainers.length && !toolsYaml) flags.push({ severity: "high", text: "no TOOLS_YAML_PATH: the server loads no IBM i tool of its toolsets, only its built-in ones" });
  const unknownToolsets = catalogue ? toolsets.filter((t) => !recorded!.toolsets[t]) : [];
  if (unknownToolsets.length)
    flags.push({ severity: "high", text: `${unknownToolsets.join(", ")} ${unknownToolsets.length > 1 ? "are" : "is"} in no tools YAML file the stack was built with, so the server drops ${unknownToolsets.length > 1 ? "them" : "it"} silently` });
  const granted = agentGroups.map((g) => ctx.agents?.find((x) => x.name === g));
  const readOnlyGrant = ctx.agents && granted.every(Boolean) ? granted.every((a) => a!.readOnly) : undefined;
  if (readOnlyGrant && ["high", "critical"].includes(risk)) flags.push({ severity: "critical", text: `read-only agent group reaches ${risk}-risk toolsets` });
  return {
    address: rule.address,
    agentGroups,
    sources: [...sources].sort(),
    priority: num(rule.body.priority),
    listener: lf ? `${lf.loadBalancer}:${lf.port ?? "?"}` : "?",
    targetGroup: tgRef === undefined ? actionText(idx, rule.body.action) : targetGroupLabel(idx, tgRef),
    services: svcs.map((s) => s.name),
    toolsets,
    risk,
    readOnlySql: readOnly,
    readOnlyGrant,
    tools,
    toolsYaml,
    flags,
  };
}

export function tierFacts(idx: PlanIndex, plan: TerraformJson, inputs: TierInputs, ctx: ReviewContext): Tiers {
  const recorded = readRecordedCatalogue(((plan as Record<string, any>)["//"] ?? {})?.policy?.toolCatalogue);
  const cidrGroup = new Map<string, string>();
  for (const f of inputs.flows) if (f.direction === "ingress" && f.peerKind === "cidr" && f.agentGroup) cidrGroup.set(f.peer, f.agentGroup);
  const scope: RouteScope = { idx, inputs, ctx, recorded, catalogue: recorded ? catalogueFromRecord(recorded) : undefined, cidrGroup };
  const tiers: TierFact[] = [];
  const tierDefaults = new Set<string>();
  for (const rule of idx.all("aws_lb_listener_rule")) {
    const sources = blocks(rule.body.condition).flatMap((c) => blocks(c.source_ip).flatMap((s) => (s.values ?? []).map(String)));
    if (sources.length === 0) continue;
    // A rule that answers itself (RFC 9728 metadata, lib/tier-routes.ts) reaches no task, so no tier: the
    // authorization section reports it (review/authorization.ts).
    if (blocks(rule.body.action).every((a) => a.type === "fixed-response")) continue;
    const listener = idx.target(rule.body.listener_arn, "aws_lb_listener");
    const lf = inputs.listeners.find((l) => l.address === listener?.address);
    if (lf) tierDefaults.add(`${lf.loadBalancer}:${lf.port ?? "?"} → ${lf.defaultAction}`);
    const tgAddrs = blocks(rule.body.action)
      .flatMap((a) => [a.target_group_arn, ...blocks(a.forward).flatMap((f) => blocks(f.target_group).map((t) => t.arn))])
      .filter((x) => x !== undefined);
    for (const tgRef of tgAddrs.length ? tgAddrs : [undefined]) tiers.push(routeTier(scope, rule, sources, lf, tgRef));
  }
  tiers.sort(byKey((t) => `${t.listener}\u0000${String(t.priority ?? 0).padStart(6, "0")}\u0000${t.sources.join(",")}`));
  return { tiers, tierDefaults: [...tierDefaults].sort() };
}
