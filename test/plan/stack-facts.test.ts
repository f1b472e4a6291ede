/** The stack facts a plan records (lib/stack-facts.ts) and how a reader gets them back (plan/stack-facts.ts). */
import { shippedConfigs } from "../configs";
import { shippedPlan } from "../plans";
import { stackFactsOf } from "../../lib/stack-facts";
import { recordedStackFacts } from "../../plan/stack-facts";

describe("stack facts", () => {
  it("each shipped plan records its config's facts, and the reader returns them unchanged", () => {
    for (const env of ["dev", "staging", "prod"]) expect(recordedStackFacts(shippedPlan(env))).toEqual(stackFactsOf(shippedConfigs()[env]));
  });

  it("records what the review compares: stage, each group's grant and approval, gateway clients, ports, the IBM i range", () => {
    const config = shippedConfigs().prod;
    const facts = stackFactsOf(config);
    expect(facts.stage).toBe("prod");
    expect(facts.agents.map((a) => a.name)).toEqual(config.agents.map((a) => a.name));
    expect(facts.agents[0]).toEqual(expect.objectContaining({ cidrs: config.agents[0].cidrs, toolsets: config.agents[0].toolsets, readOnly: config.agents[0].readOnly }));
    expect(facts.gatewayClientCidrs).toEqual(config.gateway.clientCidrs);
    expect([facts.mcpPort, facts.gatewayPort]).toEqual([config.mcpServer.port, config.gateway.port]);
    expect(facts.egressCidrs).toEqual([config.network.ibmi.cidr]);
  });

  it("the images stack and plans written elsewhere record none", () => {
    expect(recordedStackFacts(shippedPlan("dev-images"))).toBeUndefined();
    expect(recordedStackFacts({ resource: {} })).toBeUndefined();
    expect(recordedStackFacts({ "//": { metadata: {} } })).toBeUndefined();
  });

  it("leaves out what it cannot read, so nothing is compared with a misread value", () => {
    const read = recordedStackFacts({
      "//": { facts: { stage: 3, mcpPort: 70000, gatewayPort: 4444, gatewayClientCidrs: ["10.30.0.0/24", 5], egressCidrs: ["10.50.0.0/24"], agents: [{ name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance"], readOnly: "yes" }] } },
    });
    expect(read).toEqual({ gatewayPort: 4444, egressCidrs: ["10.50.0.0/24"] });
    const agents = recordedStackFacts({ "//": { facts: { agents: [{ name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance"], readOnly: false, reason: "needs remediation", allowCritical: true }] } } });
    expect(agents).toEqual({ agents: [{ name: "ops", cidrs: ["10.20.2.0/28"], toolsets: ["performance"], readOnly: false, reason: "needs remediation", allowCritical: true }] });
  });
});
