/**
 * The tool catalogue: which IBM i tools the kit's MCP servers can serve, read from the tools YAML under `tools/`
 * (the folder the derived image copies and TOOLS_YAML_PATH points at), plus the server's built-in tools.
 *
 * Config validation (unknown toolsets), the tier risk (lib/tiers.ts), MCP-LB-006, the destructive-call alarm and the
 * review report all read this one view, so a toolset a reviewer sees is the toolset the server loads.
 *
 * The checks mirror what IBM/ibmi-mcp-server v0.5.1 does with the same files (cited at each check, paths under
 * packages/server/src/ibmi-mcp-server/): a file the server cannot use is dropped by it with only a log warning
 * (utils/config/toolConfigBuilder.ts:767-774), so here it is an error naming the file, the place and the fix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";

/** Risk levels of the seed's "Toolset Security Boundaries" table (low, high, critical), plus medium for declared risks. */
export const RISKS = ["low", "medium", "high", "critical"] as const;
export type Risk = (typeof RISKS)[number];

/** The folder of tools YAML, relative to the working directory (the repository root for every npm script). */
export const TOOLS_DIR = "tools";

/** Tools the server registers from code, not YAML (tools/index.ts getAllToolDefinitions). */
export const DESCRIBE_SQL_OBJECT = "describe_sql_object";
export const EXECUTE_SQL = "execute_sql";

/** Which toolset names SELECTED_TOOLSETS can carry: it is split on commas (config/index.ts:709-711). */
const TOOLSET_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** MCP tool names; the destructive-call metric filter quotes them (constructs/alerts.ts). */
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export interface CatalogueTool {
  readonly name: string;
  /** The YAML file that defines it, relative to the working directory. */
  readonly file: string;
  readonly description: string;
  /** Toolsets that list it, sorted. */
  readonly toolsets: readonly string[];
  /** The readOnlyHint the server announces (toolConfigBuilder.ts:529-533). */
  readonly readOnly: boolean;
  /** destructiveHint; when not set on a tool that is not read-only, MCP's default (true) applies. */
  readonly destructive: boolean;
}

export interface CatalogueToolset {
  readonly name: string;
  /** Every file that lists tools for it (the server merges them). */
  readonly files: readonly string[];
  readonly title?: string;
  readonly description?: string;
  /** Enabled tools, in file order, without duplicates. */
  readonly tools: readonly string[];
  /** The kit's risk: derived from the tools' annotations, raised (never lowered) by `metadata.risk`. */
  readonly risk: Risk;
  readonly declaredRisk?: Risk;
}

export interface CatalogueSource {
  readonly name: string;
  readonly file: string;
}

/** A problem in a tools YAML file; same fields as a config problem (config/load.ts ConfigProblem). */
export interface CatalogueProblem {
  /** `tools/<file>.yaml:<line>` */
  readonly file: string;
  /** Path inside the YAML document, e.g. `tools.top_cpu_jobs.parameters[0].type`. */
  readonly path: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export interface ToolCatalogue {
  /** The folder searched, relative to the working directory. */
  readonly dir: string;
  /** The YAML files read, sorted, relative to the working directory. */
  readonly files: readonly string[];
  readonly tools: ReadonlyMap<string, CatalogueTool>;
  readonly toolsets: ReadonlyMap<string, CatalogueToolset>;
  readonly sources: ReadonlyMap<string, CatalogueSource>;
  readonly problems: readonly CatalogueProblem[];
}

/** How the server is told to run execute_sql (IBMI_ENABLE_EXECUTE_SQL / IBMI_EXECUTE_SQL_READONLY). */
export type ExecuteSqlMode = "off" | "read-only" | "read-write";

/** A tool an MCP server serves to a grant, and why. */
export interface GrantedTool {
  readonly name: string;
  readonly readOnly: boolean;
  readonly destructive: boolean;
  /** The granted toolsets that list it, or `["built-in"]`. */
  readonly via: readonly string[];
}

export function riskIndex(r: Risk): number {
  return RISKS.indexOf(r);
}

/**
 * The seed's classes applied to real tools: every tool read-only → low ("read-only views, no modifications");
 * any tool that writes → high ("requires special authorities"); any destructive tool → critical ("restricted to
 * specific admins only"). seed/security-best-practices.md, "Toolset Security Boundaries".
 */
export function riskOfTools(tools: readonly Pick<CatalogueTool, "readOnly" | "destructive">[]): Risk {
  if (tools.some((t) => t.destructive)) return "critical";
  if (tools.some((t) => !t.readOnly)) return "high";
  return "low";
}

/** Toolset name → risk, for lib/tiers.ts and the policy rules. */
export function toolsetRiskMap(cat: ToolCatalogue): Map<string, Risk> {
  return new Map([...cat.toolsets.values()].map((t) => [t.name, t.risk]));
}

/**
 * Exactly the tools an MCP server with this grant registers: the YAML tools of the selected toolsets
 * (toolConfigBuilder.ts:280-295 keeps a tool when any of its toolsets is selected), describe_sql_object always
 * (tools/index.ts:51, annotations readOnlyHint true, destructiveHint false in tools/generateSql.tool.ts:344-348),
 * execute_sql when enabled (mcp-server/tools/index.ts:39-50) with readOnlyHint = read-only and destructiveHint =
 * not read-only (tools/executeSql.tool.ts:491-493). `yamlLoaded` false: the server has no TOOLS_YAML_PATH.
 */
export function toolsOfGrant(cat: ToolCatalogue, toolsets: readonly string[], sql: { readonly enabled: boolean; readonly readOnly: boolean }, yamlLoaded = true): GrantedTool[] {
  const out = new Map<string, GrantedTool>();
  if (yamlLoaded) {
    for (const ts of [...new Set(toolsets)].sort()) {
      for (const name of cat.toolsets.get(ts)?.tools ?? []) {
        const t = cat.tools.get(name);
        if (!t) continue;
        const prev = out.get(name);
        out.set(name, { name, readOnly: t.readOnly, destructive: t.destructive, via: [...(prev?.via ?? []), ts] });
      }
    }
  }
  out.set(DESCRIBE_SQL_OBJECT, { name: DESCRIBE_SQL_OBJECT, readOnly: true, destructive: false, via: ["built-in"] });
  if (sql.enabled) out.set(EXECUTE_SQL, { name: EXECUTE_SQL, readOnly: sql.readOnly, destructive: !sql.readOnly, via: ["built-in"] });
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * execute_sql as a container's environment sets it: registered when IBMI_ENABLE_EXECUTE_SQL or IBMI_ENABLE_DEFAULT_TOOLS
 * is exactly "true" (config/index.ts:339-343, mcp-server/tools/index.ts:39-50); read-only unless
 * IBMI_EXECUTE_SQL_READONLY is set to something other than "true" or "1" (config/index.ts:346-350, default "true").
 */
export function executeSqlFromEnv(env: Readonly<Record<string, string | undefined>>): { enabled: boolean; readOnly: boolean } {
  const ro = env.IBMI_EXECUTE_SQL_READONLY ?? "true";
  return { enabled: env.IBMI_ENABLE_EXECUTE_SQL === "true" || env.IBMI_ENABLE_DEFAULT_TOOLS === "true", readOnly: ro === "true" || ro === "1" };
}

/** The destructive tools any of these grants can call: what the destructive-call alarm must match, by exact name. */
export function destructiveToolsOf(cat: ToolCatalogue, grants: readonly { readonly toolsets: readonly string[]; readonly readOnly: boolean }[], executeSql: ExecuteSqlMode): string[] {
  const names = new Set<string>();
  for (const g of grants) {
    // The tier's IBMI_EXECUTE_SQL_READONLY (constructs/mcp-service.ts): read-write only for read-write grants.
    const sql = { enabled: executeSql !== "off", readOnly: g.readOnly || executeSql !== "read-write" };
    for (const t of toolsOfGrant(cat, g.toolsets, sql)) if (t.destructive) names.add(t.name);
  }
  return [...names].sort();
}

/** The catalogue as the plan records it (policy context `toolCatalogue`), for `npm run check` and the review. */
export interface RecordedCatalogue {
  readonly files: readonly string[];
  readonly toolsets: Readonly<Record<string, { readonly risk: Risk; readonly tools: readonly string[] }>>;
  readonly tools: Readonly<Record<string, { readonly readOnly: boolean; readonly destructive: boolean }>>;
}

export function recordCatalogue(cat: ToolCatalogue): RecordedCatalogue {
  return {
    files: [...cat.files],
    toolsets: Object.fromEntries([...cat.toolsets.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, { risk: t.risk, tools: [...t.tools] }])),
    tools: Object.fromEntries([...cat.tools.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, { readOnly: t.readOnly, destructive: t.destructive }])),
  };
}

/** A recorded catalogue read back from a plan; undefined when absent or malformed. */
export function readRecordedCatalogue(v: unknown): RecordedCatalogue | undefined {
  const obj = (x: unknown): x is Record<string, any> => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!obj(v) || !obj(v.toolsets) || !obj(v.tools) || !Array.isArray(v.files)) return undefined;
  const toolsets = Object.entries(v.toolsets).filter(([, t]) => obj(t) && (RISKS as readonly unknown[]).includes(t.risk) && Array.isArray(t.tools) && t.tools.every((x: unknown) => typeof x === "string"));
  const tools = Object.entries(v.tools).filter(([, t]) => obj(t) && typeof t.readOnly === "boolean" && typeof t.destructive === "boolean");
  return { files: v.files.filter((f: unknown): f is string => typeof f === "string"), toolsets: Object.fromEntries(toolsets), tools: Object.fromEntries(tools) };
}

/** A recorded catalogue as a ToolCatalogue (without files' contents), so toolsOfGrant works on a plan's record. */
export function catalogueFromRecord(r: RecordedCatalogue): ToolCatalogue {
  const tools = new Map<string, CatalogueTool>();
  for (const [name, t] of Object.entries(r.tools)) {
    const toolsets = Object.entries(r.toolsets)
      .filter(([, ts]) => ts.tools.includes(name))
      .map(([n]) => n)
      .sort();
    tools.set(name, { name, file: "", description: "", toolsets, readOnly: t.readOnly, destructive: t.destructive });
  }
  const toolsets = new Map<string, CatalogueToolset>(Object.entries(r.toolsets).map(([name, t]) => [name, { name, files: [], tools: t.tools, risk: t.risk }]));
  return { dir: "", files: r.files, tools, toolsets, sources: new Map(), problems: [] };
}

/** One parsed file of the catalogue. */
export interface ToolsFile {
  /** Display path, relative to the working directory. */
  readonly file: string;
  readonly text: string;
}

const cache = new Map<string, ToolCatalogue>();

/**
 * The catalogue of `dir` (default `tools/`): every `*.yaml` / `*.yml` below it, the same set the server's directory
 * loader globs (toolConfigBuilder.ts:721-731, `**\/*.{yaml,yml}`). Read and parsed once per process.
 */
export function loadToolCatalogue(dir: string = TOOLS_DIR): ToolCatalogue {
  const abs = path.resolve(dir);
  const hit = cache.get(abs);
  if (hit) return hit;
  const display = (p: string) => (path.relative(process.cwd(), p) || p).split(path.sep).join("/");
  let cat: ToolCatalogue;
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    cat = catalogueOf(display(abs), []);
    cat = { ...cat, problems: [{ file: display(abs), path: "", value: undefined, problem: "does not exist, so the MCP servers would have no IBM i tools", fix: `restore the kit's ${TOOLS_DIR}/ folder (tools/README.md)` }] };
  } else {
    cat = catalogueOf(
      display(abs),
      yamlFiles(abs).map((f) => ({ file: display(f), text: fs.readFileSync(f, "utf8") })),
    );
  }
  cache.set(abs, cat);
  return cat;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// The keys the upstream JSON schema allows (schemas/json/sql-tools-config.json; every object there has
// "additionalProperties": false, lines 65, 194, 285, 336, 374, 415, 428). The server's zod schema would drop an
// unknown key silently (schemas/config.ts uses z.object), so a misspelt `readOnlyHint` would change the risk unseen.
const ROOT_KEYS = ["sources", "tools", "toolsets", "typescript_tools", "metadata"];
const SOURCE_KEYS = ["host", "user", "password", "port", "ignore-unauthorized", "jdbc-options"];
const TOOL_KEYS = [
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
const PARAMETER_KEYS = ["name", "type", "description", "default", "required", "itemType", "min", "max", "minLength", "maxLength", "enum", "pattern"];
// Annotations allow any key (json schema line 263, "additionalProperties": {}): only a near-miss of a known one is flagged.
const ANNOTATION_KEYS = ["title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint", "domain", "category", "toolsets", "customMetadata"];
const SECURITY_KEYS = ["readOnly", "maxQueryLength", "forbiddenKeywords"];
const TOOLSET_KEYS = ["title", "description", "tools", "metadata"];
const PARAMETER_TYPES = ["string", "boolean", "integer", "float", "array"];
const ITEM_TYPES = ["string", "boolean", "integer", "float"];
const HINTS = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"];
/** Mapepire's port: the server passes no port to it (services/baseConnectionPool.ts:100-105), so 8076 is used. */
export const MAPEPIRE_PORT = 8076;

/** Builds the catalogue from file texts (pure: tests call it directly). */
export function catalogueOf(dir: string, files: readonly ToolsFile[]): ToolCatalogue {
  const problems: CatalogueProblem[] = [];
  const tools = new Map<string, CatalogueTool & { enabled: boolean; source: string; at: (p: (string | number)[]) => string }>();
  const sources = new Map<string, CatalogueSource>();
  const toolsetParts = new Map<string, { files: string[]; title?: string; description?: string; tools: { name: string; file: string; at: string; path: string }[]; declared?: Risk; declaredAt?: { file: string; path: string } }>();
  const sourceRefs: { tool: string; source: string; file: string; path: string }[] = [];

  for (const { file, text } of files) {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
    const at = (p: (string | number)[]) => {
      // The line of the deepest key or item that exists on the path.
      for (let n = p.length; n > 0; n--) {
        const parent = n === 1 ? doc.contents : doc.getIn(p.slice(0, n - 1), true);
        const k = p[n - 1];
        let range: readonly number[] | undefined | null;
        if (isMap(parent)) range = (parent.items.find((i) => (i.key as { value?: unknown } | null)?.value === k)?.key as { range?: number[] } | null)?.range;
        else if (isSeq(parent) && typeof k === "number") range = (parent.items[k] as { range?: number[] } | null)?.range;
        if (range) return `${file}:${lc.linePos(range[0]).line}`;
      }
      const root = (doc.contents as { range?: number[] } | null)?.range;
      return root ? `${file}:${lc.linePos(root[0]).line}` : file;
    };
    const add = (p: (string | number)[], value: unknown, problem: string, fix: string) => problems.push({ file: at(p), path: yamlPath(p), value, problem, fix });
    if (doc.errors.length) {
      for (const e of doc.errors)
        problems.push({
          file: e.linePos ? `${file}:${e.linePos[0].line}` : file,
          path: "",
          value: undefined,
          problem: `is not valid YAML (${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")})`,
          fix: "correct the syntax; the MCP server drops a file it cannot parse and serves none of its tools",
        });
      continue;
    }
    const root: unknown = doc.toJS();
    if (!isObj(root)) {
      add([], undefined, "is not a YAML mapping", "write the sections sources, tools and toolsets at the top level (tools/README.md)");
      continue;
    }
    unknownKeys(root, ROOT_KEYS, [], add);
    // schemas/config.ts:329-340: at least one section.
    if (!["sources", "tools", "toolsets", "typescript_tools"].some((k) => root[k] !== undefined)) add([], undefined, "has none of the sections sources, tools, toolsets, typescript_tools, so the server refuses it", "add at least one section");

    // --- sources (json schema lines 9-72)
    if (root.sources !== undefined && !isObj(root.sources)) add(["sources"], root.sources, "is not a mapping of source names", "write sources: { ibmi-system: { host, user, password, ignore-unauthorized } }");
    for (const [name, s] of Object.entries(isObj(root.sources) ? root.sources : {})) {
      const p = ["sources", name];
      const prev = sources.get(name);
      // toolConfigBuilder.ts:860-866: a source name declared in two files stops the whole load (YAML_ALLOW_DUPLICATE_SOURCES defaults to false, config/index.ts:288-292).
      if (prev) add(p, undefined, `repeats source "${name}" of ${prev.file}; the server refuses to load the folder`, `remove it and let the tools use "${name}" from ${prev.file}`);
      else sources.set(name, { name, file });
      if (!isObj(s)) {
        add(p, s, "is not a mapping", "give host, user, password and ignore-unauthorized");
        continue;
      }
      unknownKeys(s, SOURCE_KEYS, p, add);
      for (const k of ["host", "user", "password"]) {
        if (typeof s[k] !== "string" || (s[k] as string).length === 0) add([...p, k], s[k], "is required (a non-empty string)", `write ${k}: \${DB2i_${k === "password" ? "PASS" : k.toUpperCase()}} to take it from the task's environment`);
      }
      if (s.port !== undefined && s.port !== MAPEPIRE_PORT)
        add([...p, "port"], s.port, `is ignored: the server passes no port to Mapepire (services/baseConnectionPool.ts:100-105), which connects to ${MAPEPIRE_PORT}`, `remove it or write ${MAPEPIRE_PORT}`);
      // Without the key the pool accepts any certificate (baseConnectionPool.ts:104, `ignoreUnauthorized ?? true`).
      if (s["ignore-unauthorized"] !== false)
        add(
          [...p, "ignore-unauthorized"],
          s["ignore-unauthorized"],
          s["ignore-unauthorized"] === undefined ? "is not set, and the server's default accepts any certificate from the IBM i" : "accepts any certificate from the IBM i",
          "write ignore-unauthorized: false",
        );
    }

    // --- tools (json schema lines 73-343)
    if (root.tools !== undefined && !isObj(root.tools)) add(["tools"], root.tools, "is not a mapping of tool names", "write tools: { <tool name>: { source, description, statement, annotations } }");
    for (const [name, t] of Object.entries(isObj(root.tools) ? root.tools : {})) {
      const p = ["tools", name];
      if (!TOOL_NAME.test(name)) add(p, name, "is not a usable tool name", "use letters, digits, '_', '-' or '.', starting with a letter (at most 64)");
      if (name === DESCRIBE_SQL_OBJECT || name === EXECUTE_SQL) add(p, name, "is the name of a tool built into the server", "choose another name");
      const prev = tools.get(name);
      // toolConfigBuilder.ts:882-887: a tool name in two files stops the whole load (YAML_ALLOW_DUPLICATE_TOOLS defaults to false).
      if (prev) add(p, undefined, `repeats tool "${name}" of ${prev.file}; the server refuses to load the folder`, "rename one of them");
      if (!isObj(t)) {
        add(p, t, "is not a mapping", "give source, description, statement and annotations");
        continue;
      }
      unknownKeys(t, TOOL_KEYS, p, add);
      const str = (k: string, fix: string) => {
        if (typeof t[k] !== "string" || (t[k] as string).trim().length === 0) add([...p, k], t[k], "is required (a non-empty string)", fix);
      };
      str("source", "name the source, e.g. source: ibmi-system");
      str("description", "say in a sentence what the tool returns or changes");
      // configParser.ts:358-363: every tool needs a statement.
      str("statement", "write the SQL statement, with :name for each parameter");
      if (t.enabled !== undefined && typeof t.enabled !== "boolean") add([...p, "enabled"], t.enabled, "is not true or false", "write enabled: false to switch the tool off, or remove it");
      for (const [k, allowed] of [
        ["responseFormat", ["json", "markdown"]],
        ["tableFormat", ["markdown", "ascii", "grid", "compact"]],
      ] as const) {
        if (t[k] !== undefined && !(allowed as readonly unknown[]).includes(t[k])) add([...p, k], t[k], "is not an accepted value", `use one of ${allowed.join(", ")}`);
      }
      if (t.maxDisplayRows !== undefined && !(Number.isInteger(t.maxDisplayRows) && (t.maxDisplayRows as number) >= 1 && (t.maxDisplayRows as number) <= 1000))
        add([...p, "maxDisplayRows"], t.maxDisplayRows, "is not a whole number from 1 to 1000", "write e.g. maxDisplayRows: 100");
      if (t.rowsToFetch !== undefined && !(Number.isInteger(t.rowsToFetch) && (t.rowsToFetch as number) >= 1)) add([...p, "rowsToFetch"], t.rowsToFetch, "is not a whole number of 1 or more", "write e.g. rowsToFetch: 100");
      if (t.fetchAllRows !== undefined && typeof t.fetchAllRows !== "boolean") add([...p, "fetchAllRows"], t.fetchAllRows, "is not true or false", "write true or false");

      const params = parameters(t.parameters, [...p, "parameters"], add);
      const ann = isObj(t.annotations) ? t.annotations : {};
      if (t.annotations !== undefined && !isObj(t.annotations)) add([...p, "annotations"], t.annotations, "is not a mapping", "write annotations: { readOnlyHint: true, destructiveHint: false }");
      for (const k of Object.keys(ann)) {
        const guess = ANNOTATION_KEYS.includes(k) ? undefined : closestName(k, ANNOTATION_KEYS);
        if (guess) add([...p, "annotations", k], undefined, "is not an annotation the server knows; it passes it on unread, so a misspelt hint changes nothing", `${guess}? Known annotations: ${ANNOTATION_KEYS.join(", ")}`);
      }
      for (const h of HINTS) {
        if (ann[h] !== undefined && typeof ann[h] !== "boolean") add([...p, "annotations", h], ann[h], "is not true or false", `write ${h}: true or false`);
        if (t[h] !== undefined && typeof t[h] !== "boolean") add([...p, h], t[h], "is not true or false", `move it to annotations.${h}: true or false`);
      }
      const sec = isObj(t.security) ? t.security : {};
      if (t.security !== undefined && !isObj(t.security)) add([...p, "security"], t.security, "is not a mapping", "write security: { readOnly: true }");
      unknownKeys(sec, SECURITY_KEYS, [...p, "security"], add);
      if (sec.readOnly !== undefined && typeof sec.readOnly !== "boolean") add([...p, "security", "readOnly"], sec.readOnly, "is not true or false", "write readOnly: true (or false for a tool that changes the system)");
      const bool = (v: unknown) => (typeof v === "boolean" ? v : undefined);
      // configParser.ts:401: the server checks SQL as read-only unless security.readOnly is false.
      const sqlReadOnly = bool(sec.readOnly) ?? true;
      // toolConfigBuilder.ts:529-533: announced readOnlyHint = annotations, legacy field, security.readOnly, true.
      const readOnly = bool(ann.readOnlyHint) ?? bool(t.readOnlyHint) ?? sqlReadOnly;
      const destructiveHint = bool(ann.destructiveHint) ?? bool(t.destructiveHint);
      // MCP's ToolAnnotations: destructiveHint defaults to true and is meaningful only when readOnlyHint is false.
      const destructive = !readOnly && destructiveHint !== false;
      if (readOnly && !sqlReadOnly) add([...p, "security", "readOnly"], false, "lets the statement write while the tool announces readOnlyHint true", "set annotations.readOnlyHint: false (and destructiveHint), or security.readOnly: true");
      if (readOnly && destructiveHint === true)
        add([...p, "annotations", "destructiveHint"], true, "is true on a tool whose readOnlyHint is true", "set readOnlyHint: false and security.readOnly: false for a tool that changes the system, or destructiveHint: false");
      const statement = typeof t.statement === "string" ? t.statement : "";
      // utils/security/ibmiSqlParser.ts:24 and 121-126: only SELECT and WITH statements pass the read-only check,
      // which runs when the file is loaded (configParser.ts:152-170): any other statement drops the whole file.
      const first = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(statement)?.[1]?.toUpperCase();
      if (statement && sqlReadOnly && first !== "SELECT" && first !== "WITH")
        add(
          [...p, "statement"],
          first,
          `starts with ${first ?? "no keyword"}, but the server accepts only SELECT or WITH from a read-only tool and drops the whole file otherwise`,
          "write a SELECT or WITH statement, or mark a tool that changes the system with security.readOnly: false, readOnlyHint: false and destructiveHint",
        );
      if (statement && params) {
        const declared = new Set(params.map((x) => x.name));
        for (const used of placeholders(statement)) if (!declared.has(used)) add([...p, "statement"], `:${used}`, `uses :${used}, which is not in parameters`, `declare it: parameters: [{ name: ${used}, type: string, required: true }]`);
      }
      if (typeof t.source === "string") sourceRefs.push({ tool: name, source: t.source, file: at([...p, "source"]), path: yamlPath([...p, "source"]) });
      if (!prev) tools.set(name, { name, file, description: typeof t.description === "string" ? t.description : "", toolsets: [], readOnly, destructive, enabled: t.enabled !== false, source: String(t.source ?? ""), at });
    }

    // --- toolsets (json schema lines 344-377)
    if (root.toolsets !== undefined && !isObj(root.toolsets)) add(["toolsets"], root.toolsets, "is not a mapping of toolset names", "write toolsets: { <toolset name>: { tools: [<tool name>, …] } }");
    for (const [name, ts] of Object.entries(isObj(root.toolsets) ? root.toolsets : {})) {
      const p = ["toolsets", name];
      if (!TOOLSET_NAME.test(name)) add(p, name, "is not a toolset name the kit can select", "use lowercase letters, digits and underscores, starting with a letter (SELECTED_TOOLSETS is a comma-separated list)");
      if (!isObj(ts)) {
        add(p, ts, "is not a mapping", "give tools: [<tool name>, …]");
        continue;
      }
      unknownKeys(ts, TOOLSET_KEYS, p, add);
      const part = toolsetParts.get(name) ?? { files: [], tools: [] };
      toolsetParts.set(name, part);
      if (!part.files.includes(file)) part.files.push(file);
      if (typeof ts.title === "string") part.title ??= ts.title;
      if (typeof ts.description === "string") part.description ??= ts.description;
      if (!Array.isArray(ts.tools) || ts.tools.length === 0) add([...p, "tools"], ts.tools, "is required (a list of at least one tool name)", "list the tools of the toolset");
      else
        ts.tools.forEach((tool, i) => {
          if (typeof tool !== "string" || tool.length === 0) add([...p, "tools", i], tool, "is not a tool name", "write the name of a tool defined under tools:");
          else part.tools.push({ name: tool, file, at: at([...p, "tools", i]), path: yamlPath([...p, "tools", i]) });
        });
      if (ts.metadata !== undefined && !isObj(ts.metadata)) add([...p, "metadata"], ts.metadata, "is not a mapping", "write metadata: { risk: high }");
      const declared = isObj(ts.metadata) ? ts.metadata.risk : undefined;
      if (declared !== undefined) {
        if (!(RISKS as readonly unknown[]).includes(declared)) add([...p, "metadata", "risk"], declared, "is not a risk level", `use one of ${RISKS.join(", ")}`);
        else if (part.declared === undefined || riskIndex(declared as Risk) > riskIndex(part.declared)) {
          part.declared = declared as Risk;
          part.declaredAt = { file: at([...p, "metadata", "risk"]), path: yamlPath([...p, "metadata", "risk"]) };
        }
      }
    }
    if (root.typescript_tools !== undefined && !isObj(root.typescript_tools)) add(["typescript_tools"], root.typescript_tools, "is not a mapping", "remove it; the kit's tiers do not use it");
  }

  // --- across files: what the server checks after merging (toolConfigBuilder.ts:936-963, YAML_VALIDATE_MERGED defaults to true)
  for (const r of sourceRefs) {
    if (!sources.has(r.source))
      problems.push({
        file: r.file,
        path: r.path,
        value: r.source,
        problem: `names a source no file declares${sources.size ? ` (declared: ${[...sources.keys()].join(", ")})` : ""}; the server refuses to load the folder`,
        fix: sources.size ? `use ${[...sources.keys()].map((s) => `"${s}"`).join(" or ")}` : "declare the source in tools/sources.yaml",
      });
  }
  const toolsets = new Map<string, CatalogueToolset>();
  for (const [name, part] of toolsetParts) {
    const listed: string[] = [];
    for (const ref of part.tools) {
      const tool = tools.get(ref.name);
      if (!tool) {
        problems.push({
          file: ref.at,
          path: ref.path,
          value: ref.name,
          problem: `is not a tool of any file in ${dir}/; the server refuses to load the folder`,
          fix: closestName(ref.name, [...tools.keys()]) ?? "define the tool under tools:, or remove it from the toolset",
        });
        continue;
      }
      // A disabled tool is never registered (configParser.ts:461-472).
      if (tool.enabled && !listed.includes(ref.name)) listed.push(ref.name);
    }
    const derived = riskOfTools(listed.map((n) => tools.get(n)!));
    if (part.declared !== undefined && riskIndex(part.declared) < riskIndex(derived) && part.declaredAt) {
      const why = listed.find((n) => tools.get(n)!.destructive) ?? listed.find((n) => !tools.get(n)!.readOnly);
      problems.push({
        file: part.declaredAt.file,
        path: part.declaredAt.path,
        value: part.declared,
        problem: `declares a lower risk than its tools have (${derived}: ${why} ${tools.get(why!)!.destructive ? "is destructive" : "is not read-only"})`,
        fix: `write risk: ${derived} or higher, or remove it`,
      });
    }
    const risk = part.declared !== undefined && riskIndex(part.declared) > riskIndex(derived) ? part.declared : derived;
    toolsets.set(name, { name, files: part.files, title: part.title, description: part.description, tools: listed, risk, ...(part.declared ? { declaredRisk: part.declared } : {}) });
  }
  const out = new Map<string, CatalogueTool>();
  for (const t of [...tools.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!t.enabled) continue;
    const memberOf = [...toolsets.values()]
      .filter((ts) => ts.tools.includes(t.name))
      .map((ts) => ts.name)
      .sort();
    // SELECTED_TOOLSETS keeps only tools of a selected toolset (toolConfigBuilder.ts:280-295): the kit always selects.
    if (memberOf.length === 0)
      problems.push({ file: t.at(["tools", t.name]), path: yamlPath(["tools", t.name]), value: undefined, problem: "is in no toolset, so no MCP server of the kit serves it", fix: "list it under a toolset's tools, or set enabled: false" });
    out.set(t.name, { name: t.name, file: t.file, description: t.description, toolsets: memberOf, readOnly: t.readOnly, destructive: t.destructive });
  }
  if (files.length > 0 && toolsets.size === 0 && problems.length === 0) problems.push({ file: dir, path: "", value: undefined, problem: "defines no toolset", fix: "add toolsets to the YAML files (tools/README.md)" });
  if (files.length === 0) problems.push({ file: dir, path: "", value: undefined, problem: "holds no .yaml file, so the MCP servers would have no IBM i tools", fix: `restore the kit's ${TOOLS_DIR}/ files (tools/README.md)` });
  return { dir, files: files.map((f) => f.file), tools: out, toolsets: new Map([...toolsets].sort(([a], [b]) => (a < b ? -1 : 1))), sources, problems };
}

function parameters(v: unknown, p: (string | number)[], add: (p: (string | number)[], value: unknown, problem: string, fix: string) => void): { name: string }[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    add(p, v, "is not a list", "write parameters: [{ name, type, description }]");
    return undefined;
  }
  const out: { name: string }[] = [];
  v.forEach((x, i) => {
    const q = [...p, i];
    if (!isObj(x)) return add(q, x, "is not a mapping", "write { name, type, description }");
    unknownKeys(x, PARAMETER_KEYS, q, add);
    // json schema lines 104-194: name and type are required, type from a fixed list.
    if (typeof x.name !== "string" || x.name.length === 0) add([...q, "name"], x.name, "is required (a non-empty string)", "name the parameter as the statement uses it (:name)");
    else out.push({ name: x.name });
    if (!PARAMETER_TYPES.includes(x.type as string)) add([...q, "type"], x.type, x.type === undefined ? "is required" : "is not a parameter type", `use one of ${PARAMETER_TYPES.join(", ")}`);
    if (x.itemType !== undefined && !ITEM_TYPES.includes(x.itemType as string)) add([...q, "itemType"], x.itemType, "is not an item type", `use one of ${ITEM_TYPES.join(", ")}`);
    if (x.required !== undefined && typeof x.required !== "boolean") add([...q, "required"], x.required, "is not true or false", "write required: true or false");
    for (const k of ["min", "max", "minLength", "maxLength"]) if (x[k] !== undefined && typeof x[k] !== "number") add([...q, k], x[k], "is not a number", `write ${k}: <number>`);
    if (x.pattern !== undefined) {
      try {
        new RegExp(String(x.pattern));
      } catch {
        add([...q, "pattern"], x.pattern, "is not a valid regular expression", "correct the pattern");
      }
    }
    if (x.enum !== undefined && !(Array.isArray(x.enum) && x.enum.every((e) => ["string", "number", "boolean"].includes(typeof e)))) add([...q, "enum"], x.enum, "is not a list of strings, numbers or booleans", "write enum: [a, b, c]");
  });
  return out;
}

/** `:name` parameter markers outside string literals and comments. */
export function placeholders(sql: string): string[] {
  const bare = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "");
  return [...new Set([...bare.matchAll(/(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

function unknownKeys(obj: Json, known: readonly string[], p: (string | number)[], add: (p: (string | number)[], value: unknown, problem: string, fix: string) => void): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k)) continue;
    const guess = closestName(k, known);
    add([...p, k], undefined, "is not a key the server's tools schema allows (a misspelt key would be dropped without a word)", guess ? `${guess}? Known keys here: ${known.join(", ")}` : `remove it; known keys here: ${known.join(", ")}`);
  }
}

function closestName(word: string, candidates: readonly string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => ({ c, d: dist(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean "${best.c}"` : undefined;
}

function yamlPath(p: readonly (string | number)[]): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

/** A catalogue problem in the kit's one-line format (as config/load.ts formatProblem). */
export function formatCatalogueProblem(p: CatalogueProblem): string {
  const where = p.path ? `${p.file}: ${p.path}` : p.file;
  const got = p.value !== undefined && typeof p.value !== "object" ? ` (got ${JSON.stringify(p.value)})` : "";
  return `${where}: ${p.problem}${got}. Fix: ${p.fix}.`;
}

/** "tools/performance.yaml (performance), tools/security.yaml (security_audit, security_remediation)" */
export function describeSearched(cat: ToolCatalogue): string {
  if (cat.files.length === 0) return `no YAML file in ${cat.dir}/`;
  return cat.files
    .map((f) => {
      const defined = [...cat.toolsets.values()].filter((t) => t.files.includes(f)).map((t) => t.name);
      return `${f} (${defined.length ? defined.join(", ") : "no toolset"})`;
    })
    .join(", ");
}
