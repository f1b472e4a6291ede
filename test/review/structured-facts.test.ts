/**
 * The report reads what constructs record as facts in each resource's `//` metadata (lib/resource-meta.ts): which
 * agent group a load balancer rule admits, what a secret holds. Descriptions are prose for people: rewording them
 * must change no finding. A plan written elsewhere (no facts) is still read from its descriptions.
 */
import { shippedConfigs } from "../configs";
import { shippedPlan } from "../plans";
import { assessChecklist } from "../../review/checklist";
import { extractFacts } from "../../review/facts";
import { contextFromConfig } from "../../review/write";
import { TerraformJson } from "../../policy/types";

const ENV = "staging";

/** A copy of the plan with every description of security group rules and secrets replaced by `text`. */
function reworded(plan: TerraformJson, text: (address: string) => string, dropFacts = false): TerraformJson {
  const copy = JSON.parse(JSON.stringify(plan));
  for (const type of ["aws_vpc_security_group_ingress_rule", "aws_secretsmanager_secret"]) {
    for (const [name, body] of Object.entries<any>(copy.resource[type] ?? {})) {
      body.description = text(`${type}.${name}`);
      if (dropFacts) delete body["//"]?.facts;
    }
  }
  return copy;
}

function findings(plan: TerraformJson) {
  const f = extractFacts(`mcp-${ENV}`, plan, contextFromConfig(shippedConfigs()[ENV]));
  return {
    ingress: f.ingress.map((x) => ({ address: x.address, agentGroup: x.agentGroup, flags: x.flags })),
    purposes: f.secrets.map((s) => [s.address, s.purpose]),
    checklist: assessChecklist(f).map((i) => ({ item: i.item, status: i.status, evidence: i.evidence })),
  };
}

describe("findings come from facts, not descriptions", () => {
  const plan = shippedPlan(ENV);
  const before = findings(plan);

  it("records the agent group of every agent rule and the purpose of the checklist's secrets", () => {
    const groups = new Set(before.ingress.map((x) => x.agentGroup).filter(Boolean));
    expect([...groups].sort()).toEqual(
      shippedConfigs()
        [ENV].agents.map((a) => a.name)
        .sort(),
    );
    expect(before.purposes.filter(([, p]) => p === "agent-token")).toHaveLength(shippedConfigs()[ENV].agents.length);
    expect(before.purposes.filter(([, p]) => p === "ibmi-credentials")).toHaveLength(1);
  });

  it("gives the same agent groups, flags and checklist when every description is reworded", () => {
    // "agent group ops" in another rule's description would have made the old regex name the wrong group.
    expect(findings(reworded(plan, () => "MCP from agent group ops, token, IBM i, model API key"))).toEqual(before);
    expect(findings(reworded(plan, (a) => `reworded ${a}`))).toEqual(before);
  });

  it("reads a plan without facts (written elsewhere) from its descriptions", () => {
    const foreign = findings(reworded(plan, () => "MCP from agent group elsewhere", true));
    expect(new Set(foreign.ingress.map((x) => x.agentGroup).filter(Boolean))).toEqual(new Set(["elsewhere"]));
  });
});
