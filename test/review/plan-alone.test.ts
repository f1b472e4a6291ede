/**
 * review(plan, policy result): what the config asked for is recorded in the plan (lib/stack-facts.ts), so the report
 * from the plan alone is the report with the config, for every shipped environment.
 */
import { shippedConfigs } from "../configs";
import { shippedEnvironments, shippedPlan } from "../plans";
import { TerraformJson } from "../../policy/types";
import { reviewStack } from "../../review/report";
import { contextFromConfig } from "../../review/write";

/** The plan without its stack facts, as a plan written before they were recorded. */
function withoutFacts(plan: TerraformJson): TerraformJson {
  const copy = JSON.parse(JSON.stringify(plan));
  delete copy["//"].facts;
  return copy;
}

describe.each(["dev", "staging", "prod"])("review of mcp-%s from the plan alone", (env) => {
  const plan = shippedPlan(env);
  const config = shippedConfigs()[env];

  it("equals the review with the config", () => {
    expect(shippedEnvironments()).toContain(env);
    expect(reviewStack(`mcp-${env}`, plan).markdown).toBe(reviewStack(`mcp-${env}`, plan, { context: contextFromConfig(config) }).markdown);
  });

  it("compares the plan with the config through the recorded facts: without them the config's flags are gone", () => {
    const alone = reviewStack(`mcp-${env}`, withoutFacts(plan));
    const withConfig = reviewStack(`mcp-${env}`, withoutFacts(plan), { context: contextFromConfig(config) });
    // The read-only column of the tier table is filled only from the config's grants.
    expect(alone.facts.tiers.every((t) => t.readOnlyGrant === undefined)).toBe(true);
    expect(withConfig.facts.tiers.every((t) => t.readOnlyGrant !== undefined)).toBe(true);
    expect(reviewStack(`mcp-${env}`, plan).facts.tiers.map((t) => t.readOnlyGrant)).toEqual(withConfig.facts.tiers.map((t) => t.readOnlyGrant));
  });
});

describe("the review flags what the recorded config did not ask for", () => {
  it("an MCP range no agent group owns, a gateway range no operator owns", () => {
    const plan = JSON.parse(JSON.stringify(shippedPlan("staging")));
    const facts = plan["//"].facts;
    const mcpRule = plan.resource.aws_vpc_security_group_ingress_rule;
    const onPort = (port: number) => Object.values<any>(mcpRule).find((r) => r.from_port === port && r.cidr_ipv4);
    const agentRange = onPort(facts.mcpPort).cidr_ipv4;
    const gatewayRange = onPort(facts.gatewayPort).cidr_ipv4;
    facts.agents = facts.agents.map((a: any) => ({ ...a, cidrs: a.cidrs.filter((c: string) => c !== agentRange) }));
    facts.gatewayClientCidrs = facts.gatewayClientCidrs.filter((c: string) => c !== gatewayRange);
    const f = reviewStack("mcp-staging", plan).facts;
    expect(f.ingress.find((x) => x.peer === agentRange && x.fromPort === facts.mcpPort)!.flags).toContainEqual({ severity: "high", text: "not an agent range in the config" });
    expect(f.ingress.find((x) => x.peer === gatewayRange && x.fromPort === facts.gatewayPort)!.flags).toContainEqual({ severity: "high", text: "not a gateway client range in the config" });
  });
});
