/**
 * The deployability pack: plans that synthesize but would fail at apply, or apply and silently not work (the
 * "apply-time traps" of the design brief). Every rule cites the AWS page it encodes, in its source and in its
 * remediation (MCP-DEPLOY-015 and 016, Terraform traps, cite HashiCorp's). Ids MCP-DEPLOY-001…; the engine runs this pack beside the security pack.
 */
import { RulePack } from "../types";
import { rule as deploy001 } from "./mcp-deploy-001";
import { rule as deploy002 } from "./mcp-deploy-002";
import { rule as deploy003 } from "./mcp-deploy-003";
import { rule as deploy004 } from "./mcp-deploy-004";
import { rule as deploy005 } from "./mcp-deploy-005";
import { rule as deploy006 } from "./mcp-deploy-006";
import { rule as deploy007 } from "./mcp-deploy-007";
import { rule as deploy008 } from "./mcp-deploy-008";
import { rule as deploy009 } from "./mcp-deploy-009";
import { rule as deploy010 } from "./mcp-deploy-010";
import { rule as deploy011 } from "./mcp-deploy-011";
import { rule as deploy012 } from "./mcp-deploy-012";
import { rule as deploy013 } from "./mcp-deploy-013";
import { rule as deploy014 } from "./mcp-deploy-014";
import { rule as deploy015 } from "./mcp-deploy-015";
import { rule as deploy016 } from "./mcp-deploy-016";
import { rule as deploy017 } from "./mcp-deploy-017";
import { rule as deploy018 } from "./mcp-deploy-018";
import { rule as deploy019 } from "./mcp-deploy-019";
import { rule as deploy020 } from "./mcp-deploy-020";
import { rule as deploy021 } from "./mcp-deploy-021";
import { rule as deploy022 } from "./mcp-deploy-022";

export const DEPLOY_PACK: RulePack = {
  name: "deployability",
  rules: [
    deploy001,
    deploy002,
    deploy003,
    deploy004,
    deploy005,
    deploy006,
    deploy007,
    deploy008,
    deploy009,
    deploy010,
    deploy011,
    deploy012,
    deploy013,
    deploy014,
    deploy015,
    deploy016,
    deploy017,
    deploy018,
    deploy019,
    deploy020,
    deploy021,
    deploy022,
  ],
};
