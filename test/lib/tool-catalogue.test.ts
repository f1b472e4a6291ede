import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { loadConfigs } from "../../config/load";
import { catalogueOf, describeSearched, destructiveToolsOf, formatCatalogueProblem, loadToolCatalogue, placeholders, riskOfTools, toolsOfGrant, ToolsFile } from "../../lib/tool-catalogue";
import { shippedConfigs, variant } from "../configs";
import { synthStack } from "../helpers";

const source = `sources:
  ibmi-system:
    host: \${DB2i_HOST}
    user: \${DB2i_USER}
    password: \${DB2i_PASS}
    ignore-unauthorized: false
`;
const tool = (name: string, extra = "", statement = "SELECT 1 FROM sysibm.sysdummy1") => `  ${name}:
    source: ibmi-system
    description: Test tool ${name}
    statement: ${statement}
${extra}`;
const cat = (...files: [string, string][]) => catalogueOf("tools", [{ file: "tools/sources.yaml", text: source }, ...files.map(([file, text]): ToolsFile => ({ file, text }))]);
const problems = (...files: [string, string][]) => cat(...files).problems.map(formatCatalogueProblem);

describe("the shipped tools/ folder", () => {
  const shipped = loadToolCatalogue();
  const docs = shipped.files.map((file) => ({ file, doc: parse(fs.readFileSync(file, "utf8")) as Record<string, any> }));

  it("loads without a problem and offers the toolset names upstream uses for the common cases", () => {
    expect(shipped.problems.map(formatCatalogueProblem)).toEqual([]);
    // IBM/ibmi-mcp-server v0.5.1 tools/performance/performance.yaml, tools/sys-admin/sys-admin.yaml:300-325 and
    // tools/security/security-ops.yaml:405-435 define these names; the seed's job_control/config_management are not toolsets anywhere.
    expect([...shipped.toolsets.keys()]).toEqual(["performance", "security_audit", "security_remediation", "sysadmin_browse", "sysadmin_discovery", "sysadmin_search"]);
    expect([...shipped.toolsets.values()].map((t) => [t.name, t.risk])).toEqual([
      ["performance", "low"],
      ["security_audit", "low"],
      ["security_remediation", "critical"],
      ["sysadmin_browse", "low"],
      ["sysadmin_discovery", "low"],
      ["sysadmin_search", "low"],
    ]);
    expect([...shipped.tools.values()].filter((t) => t.destructive).map((t) => t.name)).toEqual(["exclude_public_from_profile"]);
  });

  it("is parsed once per process", () => {
    expect(loadToolCatalogue()).toBe(shipped);
    expect(loadToolCatalogue("tools/")).toBe(shipped);
  });

  it("keeps to the upstream JSON schema's constraints (hand-encoded here, checked independently of the catalogue)", () => {
    // packages/server/src/ibmi-mcp-server/schemas/json/sql-tools-config.json at v0.5.1:
    // root keys (line 428: additionalProperties false), sources need host/user/password (lines 60-65), tools need
    // source/description (332-336), parameters need name and a type from a fixed list (104-115, 190-194), toolsets need
    // at least one tool (357-374), security allows readOnly/maxQueryLength/forbiddenKeywords only (266-285).
    const ROOT = ["sources", "tools", "toolsets", "typescript_tools", "metadata"];
    const TOOL = [
      "enabled",
      "source",
      "description",
      "statement",
      "parameters",
      "domain",
      "category",
      "metadata",
      "responseFormat",
      "annotations",
      "security",
      "tableFormat",
      "maxDisplayRows",
      "rowsToFetch",
      "fetchAllRows",
      "readOnlyHint",
      "destructiveHint",
      "idempotentHint",
      "openWorldHint",
    ];
    const PARAM = ["name", "type", "description", "default", "required", "itemType", "min", "max", "minLength", "maxLength", "enum", "pattern"];
    const violations: string[] = [];
    for (const { file, doc } of docs) {
      for (const k of Object.keys(doc)) if (!ROOT.includes(k)) violations.push(`${file}: ${k}`);
      for (const [n, s] of Object.entries<any>(doc.sources ?? {})) {
        for (const k of ["host", "user", "password"]) if (typeof s[k] !== "string" || !s[k]) violations.push(`${file}: sources.${n}.${k}`);
        for (const k of Object.keys(s)) if (!["host", "user", "password", "port", "ignore-unauthorized", "jdbc-options"].includes(k)) violations.push(`${file}: sources.${n}.${k}`);
      }
      for (const [n, t] of Object.entries<any>(doc.tools ?? {})) {
        for (const k of ["source", "description", "statement"]) if (typeof t[k] !== "string" || !t[k].trim()) violations.push(`${file}: tools.${n}.${k}`);
        for (const k of Object.keys(t)) if (!TOOL.includes(k)) violations.push(`${file}: tools.${n}.${k}`);
        for (const p of t.parameters ?? []) {
          if (typeof p.name !== "string" || !["string", "boolean", "integer", "float", "array"].includes(p.type)) violations.push(`${file}: tools.${n}.parameters.${p.name}`);
          for (const k of Object.keys(p)) if (!PARAM.includes(k)) violations.push(`${file}: tools.${n}.parameters.${p.name}.${k}`);
        }
        for (const k of Object.keys(t.security ?? {})) if (!["readOnly", "maxQueryLength", "forbiddenKeywords"].includes(k)) violations.push(`${file}: tools.${n}.security.${k}`);
      }
      for (const [n, ts] of Object.entries<any>(doc.toolsets ?? {})) {
        if (!Array.isArray(ts.tools) || ts.tools.length < 1) violations.push(`${file}: toolsets.${n}.tools`);
        for (const k of Object.keys(ts)) if (!["title", "description", "tools", "metadata"].includes(k)) violations.push(`${file}: toolsets.${n}.${k}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("declares the one source once, verifying the IBM i's certificate, from variables the task sets", () => {
    // toolConfigBuilder.ts:860-866: a source name in two files of the folder stops the load.
    const declaring = docs.filter((d) => d.doc.sources);
    expect(declaring.map((d) => [d.file, Object.keys(d.doc.sources)])).toEqual([["tools/sources.yaml", ["ibmi-system"]]]);
    const src = declaring[0].doc.sources["ibmi-system"];
    // services/baseConnectionPool.ts:104 defaults ignoreUnauthorized to true; sourceManager.ts:105 reads this key.
    expect(src["ignore-unauthorized"]).toBe(false);
    // configParser.ts:235 replaces ${NAME} from the environment; constructs/mcp-service.ts sets DB2i_HOST and injects
    // DB2i_USER / DB2i_PASS from Secrets Manager.
    const text = fs.readFileSync("tools/sources.yaml", "utf8");
    expect([...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]).sort()).toEqual(["DB2i_HOST", "DB2i_PASS", "DB2i_USER"]);
    // The literal block keeps a password with quotes, '#' or ': ' intact once interpolated.
    const interpolated = text.replace(/\$\{([^}]+)\}/g, (_, n) => ({ DB2i_HOST: "ibmi.example.com", DB2i_USER: "MCPSVC", DB2i_PASS: `p'a"s#s: w{o}rd` })[n as string]!);
    expect(parse(interpolated).sources["ibmi-system"]).toMatchObject({ host: "ibmi.example.com", user: "MCPSVC", password: `p'a"s#s: w{o}rd` });
  });

  it("states readOnlyHint and destructiveHint on every tool, and only SELECT or WITH for read-only ones", () => {
    for (const { doc } of docs) {
      for (const [n, t] of Object.entries<any>(doc.tools ?? {})) {
        expect([n, typeof t.annotations?.readOnlyHint, typeof t.annotations?.destructiveHint]).toEqual([n, "boolean", "boolean"]);
        // utils/security/ibmiSqlParser.ts:24: SELECT and WITH are the only read-only statement types.
        if (t.security?.readOnly !== false) expect([n, /^\s*(SELECT|WITH)\b/i.test(t.statement)]).toEqual([n, true]);
        // Every :name the statement binds is a declared parameter.
        expect(placeholders(t.statement).sort()).toEqual((t.parameters ?? []).map((p: any) => p.name).sort());
      }
    }
  });
});

describe("catalogueOf", () => {
  it("derives the seed's risk classes from annotations, and lets metadata.risk raise it", () => {
    const c = cat([
      "tools/a.yaml",
      `tools:
${tool("reader", "    annotations: { readOnlyHint: true, destructiveHint: false }\n")}
${tool("writer", "    security: { readOnly: false }\n    annotations: { readOnlyHint: false, destructiveHint: false }\n", "UPDATE qgpl.t SET c = 1")}
${tool("eraser", "    security: { readOnly: false }\n    annotations: { readOnlyHint: false, destructiveHint: true }\n", "DELETE FROM qgpl.t")}
${tool("unsaid", "    security: { readOnly: false }\n", "DELETE FROM qgpl.t")}
toolsets:
  reads: { tools: [reader] }
  writes: { tools: [reader, writer] }
  erases: { tools: [eraser] }
  unsaid: { tools: [unsaid] }
  raised: { tools: [reader], metadata: { risk: high } }
`,
    ]);
    expect(c.problems).toEqual([]);
    expect([...c.toolsets.values()].map((t) => [t.name, t.risk])).toEqual([
      ["erases", "critical"],
      ["raised", "high"],
      ["reads", "low"],
      // No annotations: the server announces readOnlyHint = security.readOnly (false), and MCP's destructiveHint default is true.
      ["unsaid", "critical"],
      ["writes", "high"],
    ]);
    expect(riskOfTools([])).toBe("low");
  });

  it("merges a toolset listed in several files, as the server does with YAML_MERGE_ARRAYS' default", () => {
    const c = cat(["tools/a.yaml", `tools:\n${tool("one")}toolsets:\n  shared: { tools: [one] }\n`], ["tools/b.yaml", `tools:\n${tool("two")}toolsets:\n  shared: { tools: [two] }\n`]);
    expect(c.problems).toEqual([]);
    expect(c.toolsets.get("shared")).toMatchObject({ tools: ["one", "two"], files: ["tools/a.yaml", "tools/b.yaml"] });
    expect(describeSearched(c)).toBe("tools/sources.yaml (no toolset), tools/a.yaml (shared), tools/b.yaml (shared)");
  });

  it("leaves disabled tools out, as the server does", () => {
    const c = cat(["tools/a.yaml", `tools:\n${tool("on")}${tool("off", "    enabled: false\n")}toolsets:\n  s: { tools: [on, off] }\n`]);
    expect(c.problems).toEqual([]);
    expect(c.toolsets.get("s")!.tools).toEqual(["on"]);
    expect([...c.tools.keys()]).toEqual(["on"]);
  });

  const cases: [string, [string, string][], string[]][] = [
    [
      "malformed YAML",
      [["tools/bad.yaml", "tools:\n  x: [1, 2\ntoolsets: {}\n"]],
      ["tools/bad.yaml:3: is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ]). Fix: correct the syntax; the MCP server drops a file it cannot parse and serves none of its tools."],
    ],
    [
      "a tool name in two files",
      [
        ["tools/a.yaml", `tools:\n${tool("dup")}toolsets:\n  a: { tools: [dup] }\n`],
        ["tools/b.yaml", `tools:\n${tool("dup")}`],
      ],
      ['tools/b.yaml:2: tools.dup: repeats tool "dup" of tools/a.yaml; the server refuses to load the folder. Fix: rename one of them.'],
    ],
    [
      "a source name in two files",
      [["tools/a.yaml", source]],
      ['tools/a.yaml:2: sources.ibmi-system: repeats source "ibmi-system" of tools/sources.yaml; the server refuses to load the folder. Fix: remove it and let the tools use "ibmi-system" from tools/sources.yaml.'],
    ],
    [
      "a misspelt annotation",
      [["tools/a.yaml", `tools:\n${tool("t", "    annotations: { readOnlyHnt: true }\n")}toolsets:\n  a: { tools: [t] }\n`]],
      [
        'tools/a.yaml:6: tools.t.annotations.readOnlyHnt: is not an annotation the server knows; it passes it on unread, so a misspelt hint changes nothing. Fix: did you mean "readOnlyHint"? Known annotations: title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint, domain, category, toolsets, customMetadata.',
      ],
    ],
    [
      "a toolset naming a missing tool",
      [["tools/a.yaml", `tools:\n${tool("top_jobs")}toolsets:\n  a: { tools: [top_job] }\n`]],
      [
        'tools/a.yaml:7: toolsets.a.tools[0]: is not a tool of any file in tools/; the server refuses to load the folder (got "top_job"). Fix: did you mean "top_jobs".',
        "tools/a.yaml:2: tools.top_jobs: is in no toolset, so no MCP server of the kit serves it. Fix: list it under a toolset's tools, or set enabled: false.",
      ],
    ],
    [
      "a write statement in a read-only tool",
      [["tools/a.yaml", `tools:\n${tool("w", "", "UPDATE qgpl.t SET c = 1")}toolsets:\n  a: { tools: [w] }\n`]],
      [
        'tools/a.yaml:5: tools.w.statement: starts with UPDATE, but the server accepts only SELECT or WITH from a read-only tool and drops the whole file otherwise (got "UPDATE"). Fix: write a SELECT or WITH statement, or mark a tool that changes the system with security.readOnly: false, readOnlyHint: false and destructiveHint.',
      ],
    ],
    [
      "a writing tool that claims to be read-only",
      [["tools/a.yaml", `tools:\n${tool("w", "    security: { readOnly: false }\n    annotations: { readOnlyHint: true }\n", "DELETE FROM qgpl.t")}toolsets:\n  a: { tools: [w] }\n`]],
      ["tools/a.yaml:6: tools.w.security.readOnly: lets the statement write while the tool announces readOnlyHint true (got false). Fix: set annotations.readOnlyHint: false (and destructiveHint), or security.readOnly: true."],
    ],
    [
      "an undeclared parameter",
      [["tools/a.yaml", `tools:\n${tool("p", "", "SELECT * FROM qsys2.user_info WHERE authorization_name = :user")}toolsets:\n  a: { tools: [p] }\n`]],
      ['tools/a.yaml:5: tools.p.statement: uses :user, which is not in parameters (got ":user"). Fix: declare it: parameters: [{ name: user, type: string, required: true }].'],
    ],
    [
      "a parameter type the server does not know",
      [["tools/a.yaml", `tools:\n${tool("p", "    parameters:\n      - { name: n, type: number }\n", "SELECT :n FROM sysibm.sysdummy1")}toolsets:\n  a: { tools: [p] }\n`]],
      ['tools/a.yaml:7: tools.p.parameters[0].type: is not a parameter type (got "number"). Fix: use one of string, boolean, integer, float, array.'],
    ],
    [
      "a risk declared lower than the tools have",
      [["tools/a.yaml", `tools:\n${tool("e", "    security: { readOnly: false }\n    annotations: { readOnlyHint: false, destructiveHint: true }\n", "DELETE FROM qgpl.t")}toolsets:\n  a: { tools: [e], metadata: { risk: low } }\n`]],
      ['tools/a.yaml:9: toolsets.a.metadata.risk: declares a lower risk than its tools have (critical: e is destructive) (got "low"). Fix: write risk: critical or higher, or remove it.'],
    ],
    [
      "a source that accepts any certificate",
      [["tools/other.yaml", "sources:\n  other:\n    host: h\n    user: u\n    password: p\n"]],
      ["tools/other.yaml:2: sources.other.ignore-unauthorized: is not set, and the server's default accepts any certificate from the IBM i. Fix: write ignore-unauthorized: false."],
    ],
    [
      "a tool on an undeclared source",
      [["tools/a.yaml", `tools:\n  t:\n    source: db\n    description: d\n    statement: SELECT 1 FROM sysibm.sysdummy1\ntoolsets:\n  a: { tools: [t] }\n`]],
      ['tools/a.yaml:3: tools.t.source: names a source no file declares (declared: ibmi-system); the server refuses to load the folder (got "db"). Fix: use "ibmi-system".'],
    ],
    ["a file without any section", [["tools/a.yaml", "metadata: { owner: x }\n"]], ["tools/a.yaml:1: has none of the sections sources, tools, toolsets, typescript_tools, so the server refuses it. Fix: add at least one section."]],
  ];
  it.each(cases)("names the file, line and fix for %s", (_, files, expected) => {
    expect(problems(...files)).toEqual(expected);
  });

  it("reports a missing folder", () => {
    const dir = path.join(os.tmpdir(), `no-tools-${process.pid}`);
    expect(loadToolCatalogue(dir).problems.map(formatCatalogueProblem)).toEqual([`${path.relative(process.cwd(), dir)}: does not exist, so the MCP servers would have no IBM i tools. Fix: restore the kit's tools/ folder (tools/README.md).`]);
  });

  it("reads YAML in subfolders too, like the server's **/*.{yaml,yml} glob", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tools-"));
    try {
      fs.writeFileSync(path.join(dir, "sources.yaml"), source);
      fs.mkdirSync(path.join(dir, "local"));
      fs.writeFileSync(path.join(dir, "local", "mine.yml"), `tools:\n${tool("mine")}toolsets:\n  mine: { tools: [mine] }\n`);
      fs.writeFileSync(path.join(dir, "README.md"), "# not YAML\n");
      const c = loadToolCatalogue(dir);
      expect(c.problems).toEqual([]);
      expect(c.files.map((f) => path.relative(path.relative(process.cwd(), dir), f))).toEqual([path.join("local", "mine.yml"), "sources.yaml"]);
      expect([...c.toolsets.keys()]).toEqual(["mine"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("toolsOfGrant and destructiveToolsOf", () => {
  const shipped = loadToolCatalogue();

  it("lists a grant's YAML tools with describe_sql_object always and execute_sql as configured", () => {
    const names = (sql: { enabled: boolean; readOnly: boolean }, yaml = true) => toolsOfGrant(shipped, ["security_remediation"], sql, yaml).map((t) => `${t.name}${t.destructive ? "!" : t.readOnly ? "" : "+"}`);
    expect(names({ enabled: false, readOnly: true })).toEqual(["describe_sql_object", "exclude_public_from_profile!", "public_access_to_profiles"]);
    // executeSql.tool.ts:492-493: destructiveHint is "not read-only".
    expect(names({ enabled: true, readOnly: false })).toEqual(["describe_sql_object", "exclude_public_from_profile!", "execute_sql!", "public_access_to_profiles"]);
    expect(names({ enabled: true, readOnly: true })).toContain("execute_sql");
    expect(names({ enabled: false, readOnly: true }, false)).toEqual(["describe_sql_object"]);
  });

  it("gives the alarm the exact names of destructive tools a grant can call", () => {
    const monitoring = { toolsets: ["performance", "sysadmin_discovery"], readOnly: true };
    const ops = { toolsets: ["performance", "security_audit", "security_remediation"], readOnly: false };
    expect(destructiveToolsOf(shipped, [monitoring], "off")).toEqual([]);
    expect(destructiveToolsOf(shipped, [monitoring], "read-write")).toEqual([]);
    expect(destructiveToolsOf(shipped, [monitoring, ops], "read-only")).toEqual(["exclude_public_from_profile"]);
    expect(destructiveToolsOf(shipped, [monitoring, ops], "read-write")).toEqual(["exclude_public_from_profile", "execute_sql"]);
  });
});

describe("the stack's destructive-call alarm", () => {
  it("receives the exact names of the destructive tools its tiers serve", () => {
    // dev: ops has security_remediation (exclude_public_from_profile, destructiveHint: true); execute_sql is off.
    expect(synthStack(shippedConfigs().dev).stack.alerts.destructiveTools).toEqual(["exclude_public_from_profile"]);
    const rw = variant("dev", (c) => (c.mcpServer.executeSql = "read-write"));
    expect(synthStack(rw).stack.alerts.destructiveTools).toEqual(["exclude_public_from_profile", "execute_sql"]);
    const readOnlyOnly = variant("dev", (c) => (c.agents = [c.agents[0]]));
    expect(synthStack(readOnlyOnly).stack.alerts.destructiveTools).toEqual([]);
  });
});

describe("loadConfigs", () => {
  it("reports a tools file's problems with the config problems, so synth stops before a server would drop the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-"));
    const cwd = process.cwd();
    try {
      fs.mkdirSync(path.join(dir, "config"));
      fs.copyFileSync(path.join(cwd, "config", "dev.json"), path.join(dir, "config", "dev.json"));
      fs.cpSync(path.join(cwd, "tools"), path.join(dir, "tools"), { recursive: true });
      fs.writeFileSync(path.join(dir, "tools", "mine.yaml"), `tools:\n${tool("mine", "", "DELETE FROM qgpl.t")}toolsets:\n  performance: { tools: [mine] }\n`);
      process.chdir(dir);
      expect(() => loadConfigs("config")).toThrow(
        'tools/mine.yaml:5: tools.mine.statement: starts with DELETE, but the server accepts only SELECT or WITH from a read-only tool and drops the whole file otherwise (got "DELETE"). Fix: write a SELECT or WITH statement, or mark a tool that changes the system with security.readOnly: false, readOnlyHint: false and destructiveHint.',
      );
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
