import { McpConfig } from "../../config/schema";
import { TerraformJson } from "../../policy/types";
import { CHECKLIST } from "../../review/checklist";
import { renderIndex, reviewStack, StackReview } from "../../review/report";
import { contextFromConfig } from "../../review/write";
import { shippedConfigs } from "../configs";
import { resources, shippedPlan } from "../plans";

const SECTIONS = ["## At a glance", "## 1. Reachability", "### Into the system", "### Out of the system (egress)", "### Diagram", "## 2. Secrets", "## 3. TLS", "## 4. Logs and retention", "### Where alerts go", "## 5. Seed checklist", "## 6. Policy result"];

describe.each(Object.keys(shippedConfigs()).sort())("report of the shipped %s environment", (env) => {
  let config: McpConfig;
  let plan: TerraformJson;
  let review: StackReview;
  beforeAll(() => {
    config = shippedConfigs()[env];
    plan = shippedPlan(env);
    review = reviewStack(`mcp-${env}`, plan, { context: contextFromConfig(config) });
  });

  test("has every section, in order", () => {
    const at = SECTIONS.map((s) => review.markdown.indexOf(`\n${s}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  test("lists every agent range against port 3010 with its group's name, and nothing wider than the config", () => {
    const rows = review.markdown.split("\n").filter((l) => l.startsWith("| `") && l.includes("| 3010 |"));
    for (const agent of config.agents) {
      for (const cidr of agent.cidrs) expect(rows.some((r) => r.startsWith(`| \`${cidr}\` | agent group **${agent.name}** | 3010 |`))).toBe(true);
    }
    expect([...review.facts.ingress, ...review.facts.egress].flatMap((f) => f.flags)).toEqual([]);
    const gatewayLine = review.markdown.split("\n").find((l) => l.startsWith("- **Who can reach the gateway port 4444:**"))!;
    for (const c of config.gateway.clientCidrs) expect(gatewayLine).toContain(c);
    expect(review.summary.mcpSources).toEqual(expect.arrayContaining(config.agents.flatMap((a) => a.cidrs.map((c) => `${a.name} from ${c}`))));
  });

  test("shows the audit bucket logging its access into the log bucket, which receives logs", () => {
    const [logBucket, audit] = ["alb-logs", "audit"].map((k) => review.facts.buckets.find((b) => b.name.startsWith(`mcp-${env}-${k}-`))!);
    expect(audit.accessLogging).toBe(`to ${logBucket.name} under s3-access/`);
    expect(logBucket.accessLogging).toBe("receives logs");
    expect(review.markdown).toContain(`| yes | to ${logBucket.name} under s3-access/ |`);
  });

  test("lists every Secrets Manager secret of the plan with its rotation or age alert, and no secret value", () => {
    const secrets = resources(plan, "aws_secretsmanager_secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const [address, body] of secrets) expect(review.markdown).toContain(`| \`${body.name}\` \`${address}\` |`);
    for (const s of review.facts.secrets) {
      const row = review.markdown.split("\n").find((l) => l.startsWith(`| \`${s.name}\` `))!;
      if (s.rotation) expect(row).toContain(`| every ${s.rotation.days} days (`);
      else if (s.alerts.length) expect(row).toContain("| no automatic rotation; age alert ");
      else expect(row).toContain("| **none** |");
    }
    for (const [, v] of resources(plan, "aws_secretsmanager_secret_version")) {
      for (const key of ["secret_string", "secret_string_wo", "secret_binary"]) if (typeof v[key] === "string" && !v[key].includes("${")) expect(review.markdown).not.toContain(v[key]);
    }
  });

  test("says who can read and who can write each secret: the operators the people-rotated ones, each group's reader its own token", () => {
    const row = (name: string) => review.markdown.split("\n").find((l) => l.startsWith(`| \`${name}\` | `))!;
    for (const s of review.facts.secrets) {
      expect(row(s.name)).toBeDefined();
      for (const who of [...s.access.read, ...s.access.write]) expect(row(s.name)).toContain(who);
    }
    const secret = (key: string) => review.facts.secrets.find((s) => s.name === `mcp/${env}/${key}`)!;
    for (const key of ["model-api-key", "ibmi-service-credentials"]) expect(secret(key).access.write).toEqual(config.access.operators);
    for (const agent of config.agents) {
      const readers = secret(`agent-token/${agent.name}`).access.read;
      expect(readers).toEqual(expect.arrayContaining(config.access.operators));
      for (const other of config.agents) expect(readers.includes(`mcp-${env}-token-${other.name}`)).toBe(other.name === agent.name && other.tokenReader !== undefined);
    }
    expect(review.facts.secrets.flatMap((s) => s.access.blocked)).toEqual([]);
  });

  test("assesses every seed checklist item", () => {
    for (const item of CHECKLIST) expect(review.markdown).toMatch(new RegExp(`\\n\\| ${item.item.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\| (✅ met|🟡 partly|❌ not met|➖ outside this kit) \\|`));
  });

  test("shows log retention from the plan", () => {
    for (const g of review.facts.logGroups) expect(g.retentionDays).toBe(config.logs.retentionDays);
  });

  test("shows the tier table when the plan routes by source", () => {
    if (resources(plan, "aws_lb_listener_rule").length === 0) return expect(review.markdown).not.toContain("### Toolset tiers");
    expect(review.markdown).toContain("### Toolset tiers (who reaches which tools)");
    for (const agent of config.agents) {
      const tier = review.facts.tiers.find((t) => t.agentGroups.includes(agent.name))!;
      expect(tier.toolsets).toEqual([...new Set(agent.toolsets)].sort());
      expect(tier.flags).toEqual([]);
    }
  });

  test("index links the stack", () => {
    expect(renderIndex([review.summary])).toContain(`| [mcp-${env}](mcp-${env}.md) | ${config.stage} |`);
  });
});
