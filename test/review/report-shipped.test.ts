import { McpConfig } from "../../config/schema";
import { TerraformJson } from "../../policy/types";
import { loadToolCatalogue, recordCatalogue, toolsOfGrant } from "../../lib/tool-catalogue";
import { CHECKLIST } from "../../review/checklist";
import { renderIndex, reviewStack, StackReview } from "../../review/report";
import { contextFromConfig } from "../../review/write";
import { shippedConfigs, variant } from "../configs";
import { synthStack } from "../helpers";
import { resources, shippedPlan } from "../plans";

const SECTIONS = [
  "## At a glance",
  "## 1. Reachability",
  "### Into the system",
  "### Out of the system (egress)",
  "### Diagram",
  "## 2. Secrets",
  "## 3. TLS",
  "## 4. Logs and retention",
  "### Where alerts go",
  "## 5. Seed checklist",
  "## 6. Policy result",
  "## 7. Cost estimate",
];

describe.each(Object.keys(shippedConfigs()).sort())("report of the shipped %s environment", (env) => {
  let config: McpConfig;
  let plan: TerraformJson;
  let review: StackReview;
  beforeAll(() => {
    config = shippedConfigs()[env];
    plan = shippedPlan(env);
    review = reviewStack(`mcp-${env}`, plan, { context: contextFromConfig(config) });
  });

  test("cites the auth canary's alarm of every tier as evidence that the server requires tokens", () => {
    const row = review.markdown.split("\n").find((l) => l.startsWith("| MCP server requires authentication tokens |"))!;
    // Every Cloud Map name but the gateway's own (constructs/gateway-service.ts) is a tier.
    const tiers = resources(plan, "aws_service_discovery_service")
      .map(([, s]) => s.name)
      .filter((n) => n !== "gateway");
    expect(row).toContain(`${tiers.length} auth canary alarms`);
    for (const t of tiers) expect(row).toContain(`mcp-${env}-auth-canary-${t}`);
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
      if (s.rotation) expect(row).toContain(s.rotation.days !== undefined ? `| every ${s.rotation.days} days (` : `| every ${s.rotation.schedule} (`);
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
      // Every tier runs the kit's image with TOOLS_YAML_PATH set (lib/images.ts TOOLS_DIR_IN_IMAGE); without it the server
      // would load no YAML tool (packages/server/src/ibmi-mcp-server/index.ts:36 loads YAML tools only when it is set).
      expect(tier.flags).toEqual([]);
    }
  });

  test("lists exactly the tools each agent group can call, from the catalogue the plan records", () => {
    for (const agent of config.agents) {
      const tier = review.facts.tiers.find((t) => t.agentGroups.includes(agent.name))!;
      const sql = { enabled: config.mcpServer.executeSql !== "off", readOnly: agent.readOnly || config.mcpServer.executeSql !== "read-write" };
      expect(tier.tools!.map((t) => t.name)).toEqual(toolsOfGrant(loadToolCatalogue(), agent.toolsets, sql, true).map((t) => t.name));
      expect(tier.tools!.map((t) => t.name)).toContain("describe_sql_object");
    }
    expect(review.markdown).toContain("### Tools each agent group can call");
  });

  test("index links the stack", () => {
    expect(renderIndex([review.summary])).toContain(`| [mcp-${env}](mcp-${env}.md) | ${config.stage} |`);
  });
});

describe("report of a plan whose tiers load the tools YAML", () => {
  // The kit's image with tools/ at /opt/ibmi-mcp/tools, execute_sql read-write for ops.
  const config = variant("prod", (c) => {
    c.mcpServer.executeSql = "read-write";
  });
  let review: StackReview;
  beforeAll(() => {
    const { plan } = synthStack(config);
    // As app/policy-step.ts records it in every synthesized plan.
    const recorded = { ...plan, "//": { ...((plan as any)["//"] ?? {}), policy: { toolCatalogue: recordCatalogue(loadToolCatalogue()) } } };
    review = reviewStack("mcp-prod", recorded, { context: contextFromConfig(config) });
  });

  test("marks each group's tools read-only, writing or destructive, built-ins included", () => {
    const rows = review.markdown.split("\n").filter((l) => /^\| \*\*(monitoring|ops)\*\* \| `mcp-prod-r[ow]-/.test(l));
    // Rows follow the listener rules' priorities, which are stable per rule, not ordered by group (lib/rule-priorities.ts).
    expect(rows.sort()).toEqual([
      "| **monitoring** | `mcp-prod-ro-f333ca` | 12 | `describe_sql_object`, `execute_sql`, `find_services`, `find_sql_objects`, `jobs_in_subsystem`, `library_objects`, `memory_pool_usage`, `service_category_counts`, `services_in_category`, `system_activity_summary`, `system_identity`, `top_cpu_jobs` | none | none |",
      "| **ops** | `mcp-prod-rw-af86f7` | 11 | `describe_sql_object`, `failed_signon_profiles`, `jobs_in_subsystem`, `memory_pool_usage`, `profiles_with_special_authority`, `public_access_to_profiles`, `security_system_values`, `system_activity_summary`, `top_cpu_jobs` | none | `exclude_public_from_profile`, `execute_sql` |",
    ]);
  });

  test("the toolset-filtering checklist item lists the real tools per group and is met", () => {
    const row = review.markdown.split("\n").find((l) => l.startsWith("| FilteredMCPTools limits toolsets per agent"))!;
    expect(row).toContain("| ✅ met |");
    expect(row).toContain("ops: describe\\_sql\\_object (read-only), exclude\\_public\\_from\\_profile (destructive), execute\\_sql (destructive),");
    expect(row).toContain("monitoring: describe\\_sql\\_object (read-only), execute\\_sql (read-only),");
  });
});
