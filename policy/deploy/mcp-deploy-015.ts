import * as path from "node:path";
import { isObject } from "../plan";
import { defineRule } from "../rule";
import { DOCS } from "./support";

/** How deep a synthesized stack sits below the directory that holds cdktf.out: cdktf.out/stacks/<stack>/. */
const DEPTH = 3;

/**
 * Terraform runs in cdktf.out/stacks/<stack>/ and resolves a local backend's `path` from there. State inside
 * cdktf.out (the default terraform.tfstate, or any path that does not climb out of it) is deleted when the synth
 * pipeline swaps in a fresh output folder, and the next apply would try to create every resource again.
 * https://developer.hashicorp.com/terraform/language/backend/local
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-015",
    title: "Local Terraform state lives outside cdktf.out",
    severity: "critical",
    references: [],
    remediation: `Use the S3 backend (config "state"), or a local backend path that climbs out of cdktf.out/stacks/<stack>/ (e.g. ../../../terraform.mcp-<env>.tfstate, as McpStack writes); see ${DOCS.localBackend}`,
  },
  (plan, _ctx, report) => {
    const terraform = isObject(plan.plan.terraform) ? plan.plan.terraform : {};
    const backend = isObject(terraform.backend) ? terraform.backend : undefined;
    // cdktf always writes a backend block; a plan without one was not synthesized by cdktf, and where it runs is unknown.
    if (!backend) return false;
    const [type, cfg] = Object.entries(backend)[0] ?? [];
    // A remote backend passes: the rule judges where every cdktf plan keeps its state.
    if (type !== "local") return true;
    const p = isObject(cfg) && typeof cfg.path === "string" ? cfg.path : "terraform.tfstate";
    if (p.includes("${")) return true;
    const normalized = path.posix.normalize(p.replace(/\\/g, "/"));
    const climbs = normalized.split("/").filter((s) => s === "..").length;
    const inside = path.posix.isAbsolute(normalized) ? /(^|\/)cdktf\.out(\/|$)/.test(normalized) : !normalized.startsWith("../".repeat(DEPTH)) || climbs < DEPTH;
    if (inside) report("terraform.backend", `keeps local state at "${p}", inside cdktf.out; the next synth deletes it and the next apply recreates every resource`);
    return true;
  },
);
