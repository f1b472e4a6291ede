/**
 * The rule packs the engine runs by default, in report order. The deployability pack (MCP-DEPLOY-…) is added
 * here next to the security pack; rule ids must be unique across packs.
 */
import { DEPLOY_PACK } from "./deploy/index";
import { SECURITY_PACK } from "./rules/index";
import { RulePack } from "./types";

export const DEFAULT_PACKS: readonly RulePack[] = [SECURITY_PACK, DEPLOY_PACK];
