/** Reads every `<env>.json` of a directory and validates all of them, collecting every problem at once. */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { loadToolCatalogue, ToolCatalogue } from "../lib/tool-catalogue";
import { overlaps, toCidr } from "../lib/cidr";
import { crossFieldChecks } from "./cross-field";
import { configSchema, FIX, McpConfig, Stage, STAGES } from "./schema";

export interface ConfigProblem {
  readonly file: string;
  /** JSON path in the file, e.g. `agents[0].cidrs[1]`; empty for the whole file. */
  readonly path: string;
  /** The bad value, or undefined when the key is missing. */
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.path ? `${p.file}: ${p.path}` : p.file;
  // Whole objects would drown the message; the path already says which one is meant.
  // PEM blocks are never echoed: they are long, and a pasted private key must not reach a terminal or a CI log.
  const shown = p.value !== undefined && (typeof p.value !== "object" || (Array.isArray(p.value) && p.value.every((v) => typeof v !== "object"))) && !/-----BEGIN /.test(JSON.stringify(p.value));
  const got = shown ? ` (got ${JSON.stringify(p.value)})` : "";
  return `${where}: ${p.problem}${got}. Fix: ${p.fix}.`;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function jsonPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  return p.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

/** The object schema at a path, seen through defaults, optionals and arrays: used to name the keys a typo could have meant. */
function knownKeys(schema: z.ZodType, p: readonly PropertyKey[]): string[] {
  let s: any = schema;
  const unwrap = () => {
    while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  };
  unwrap();
  for (const k of p) {
    if (typeof k === "number") s = s?._zod?.def?.element;
    else s = s?.shape?.[k];
    unwrap();
  }
  return s?.shape ? Object.keys(s.shape) : [];
}

function closest(word: string, candidates: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => ({ c, d: dist(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

/** "an array", "a string": the article English asks for. */
function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

function describeType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** Turns one zod issue into problems in the kit's words (one per unknown key). */
function fromIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): ConfigProblem[] {
  const p = issue.path as PropertyKey[];
  const value = valueAt(raw, p);
  const at = jsonPath(p);
  const [problem, fix] = issue.message.includes(FIX) ? issue.message.split(FIX) : [undefined, undefined];
  if (problem !== undefined) return [{ file, path: at, value, problem, fix: fix! }];
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(configSchema, p);
      return issue.keys.map((k) => {
        const guess = closest(k, known);
        return {
          file,
          path: jsonPath([...p, k]),
          value: undefined,
          problem: "is not a known key (a misspelt key would silently drop a control)",
          fix: guess ? `did you mean "${guess}"? Known keys here: ${known.join(", ")}` : `remove it; known keys here: ${known.join(", ")}`,
        };
      });
    }
    case "invalid_type":
      return value === undefined
        ? [{ file, path: at, value, problem: "is required", fix: `add ${at} (${issue.expected})` }]
        : [{ file, path: at, value, problem: `is ${article(describeType(value))}, not ${article(issue.expected)}`, fix: `write ${article(issue.expected)}` }];
    case "invalid_value":
      return [{ file, path: at, value, problem: "is not an accepted value", fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` }];
    case "too_small":
      return [{ file, path: at, value, problem: `is below the minimum of ${String(issue.minimum)}`, fix: `use ${String(issue.minimum)} or more` }];
    case "too_big":
      return [{ file, path: at, value, problem: `is above the maximum of ${String(issue.maximum)}`, fix: `use ${String(issue.maximum)} or less` }];
    default:
      return [{ file, path: at, value, problem: issue.message, fix: "see README.md, section Configuration" }];
  }
}

/**
 * Validates one parsed JSON document. `file` is used in messages; its base name is the environment. Toolsets are
 * checked against `catalogue`. @default catalogue: the tools/ folder (lib/tool-catalogue.ts)
 */
export function validateConfig(raw: unknown, file: string, catalogue?: ToolCatalogue): { config?: McpConfig; problems: ConfigProblem[] } {
  const env = path.basename(file, ".json");
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) {
    const problems = crossFieldChecks(parsed.data, env, catalogue).map((f) => ({ file, path: jsonPath(f.path), value: valueAt(raw, f.path), problem: f.problem, fix: f.fix }));
    if (problems.length) return { problems };
    const stage = (parsed.data.stage ?? parsed.data.environment) as Stage;
    return { config: { ...parsed.data, stage: STAGES.includes(stage) ? stage : "dev" }, problems };
  }
  const problems = parsed.error.issues.flatMap((i) => fromIssue(file, raw, i));
  // Every problem at once: without its badly shaped values the file is checked again across fields, so fixing the
  // shape errors does not reveal a second round of errors. What depended on a dropped value is not reported.
  const repaired = withoutBadValues(raw, parsed.error.issues);
  if (!repaired) return { problems };
  const near = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.length >= 2 && b.length >= 2 && a.slice(0, Math.min(a.length, b.length)).every((k, i) => k === b[i]);
  for (const f of crossFieldChecks(repaired.config, env, catalogue)) {
    const at = repaired.originalPath(f.path);
    if (repaired.dropped.some((d) => near(d, at))) continue;
    problems.push({ file, path: jsonPath(at), value: valueAt(raw, at), problem: f.problem, fix: f.fix });
  }
  return { problems };
}

/**
 * `raw` with every value a zod issue points at removed (an array element spliced out, an object key deleted), parsed
 * again, up to three rounds; undefined when it still does not parse (a required value was bad). `originalPath` maps a
 * path of the repaired document back to `raw`, where spliced elements shifted later indices.
 */
function withoutBadValues(raw: unknown, issues: readonly z.core.$ZodIssue[]): { config: z.infer<typeof configSchema>; dropped: PropertyKey[][]; originalPath: (p: readonly PropertyKey[]) => PropertyKey[] } | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const doc = structuredClone(raw) as Record<PropertyKey, unknown>;
  const dropped: PropertyKey[][] = [];
  /** Spliced indices per array path (as in `raw`), to map repaired indices back. */
  const spliced = new Map<string, number[]>();
  let pending = issues;
  for (let round = 0; round < 3; round++) {
    const paths = pending.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((k) => [...(i.path as PropertyKey[]), k]) : [i.path as PropertyKey[]]));
    // Deepest and last first, so removing one never moves another that is still to go.
    paths.sort((a, b) => b.length - a.length || String(b[b.length - 1]).localeCompare(String(a[a.length - 1]), undefined, { numeric: true }));
    for (const p of paths) {
      if (p.length === 0) return undefined;
      const parent = valueAt(doc, p.slice(0, -1));
      const last = p[p.length - 1];
      if (Array.isArray(parent) && typeof last === "number" && last < parent.length) {
        parent.splice(last, 1);
        const orig = mapBack(p, spliced);
        const key = JSON.stringify(orig.slice(0, -1));
        spliced.set(
          key,
          [...(spliced.get(key) ?? []), orig[orig.length - 1] as number].sort((x, y) => x - y),
        );
        dropped.push(orig);
      } else if (parent !== null && typeof parent === "object" && last in (parent as object)) {
        dropped.push(mapBack(p, spliced));
        delete (parent as Record<PropertyKey, unknown>)[last];
      }
    }
    const again = configSchema.safeParse(doc);
    if (again.success) return { config: again.data, dropped, originalPath: (p) => mapBack(p, spliced) };
    pending = again.error.issues;
  }
  return undefined;
}

/** A path of the repaired document as it reads in the original, index by index. */
function mapBack(p: readonly PropertyKey[], spliced: ReadonlyMap<string, readonly number[]>): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const k of p) {
    if (typeof k === "number") {
      let i = k;
      for (const r of spliced.get(JSON.stringify(out)) ?? []) if (r <= i) i++;
      out.push(i);
    } else out.push(k);
  }
  return out;
}

/** Parses JSON text, turning a syntax error into a problem with line and column. */
export function parseJson(text: string, file: string): { value?: unknown; problems: ConfigProblem[] } {
  try {
    return { value: JSON.parse(text), problems: [] };
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    let where = "";
    if (m) {
      const before = text.slice(0, Number(m[1])).split("\n");
      where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    }
    const detail = (e as Error).message.replace(/^.*?JSON[^:]*: ?/, "").replace(/ in JSON at position \d+.*$/, "");
    return { problems: [{ file, path: "", value: undefined, problem: `is not valid JSON${where} (${detail})`, fix: "correct the syntax; comments and trailing commas are not allowed in JSON" }] };
  }
}

/** The file each config loaded by `loadConfigs` came from, as messages show it (problems that involve two files). */
const sources = new WeakMap<McpConfig, string>();

export function sourceFile(config: McpConfig): string | undefined {
  return sources.get(config);
}

export interface LoadOptions {
  /** Receives what is worth a look but deploys (overlapping VPC ranges without a shared transit gateway). @default ignored */
  readonly warn?: (message: string) => void;
}

/**
 * What only shows across files: two configs for one environment (one stack name, one state), and VPC ranges that
 * overlap in one account and region. Overlapping VPCs are legal in AWS and deploy; they only break routing to both
 * from one network. That is certain when both attach to the same transit gateway, which does not propagate the
 * second VPC's identical route (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html, Routing),
 * so it is an error; otherwise (separate gateways, e.g. test copies of one environment) a warning. One virtual private
 * gateway named by two configs is an error: it attaches to one VPC at a time
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVpnGateway.html).
 */
export function crossConfigChecks(entries: readonly { readonly file: string; readonly config: McpConfig }[]): { problems: ConfigProblem[]; warnings: string[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  entries.forEach(({ file, config: c }, i) => {
    for (const { file: other, config: o } of entries.slice(0, i)) {
      if (c.environment === o.environment) {
        problems.push({
          file,
          path: "environment",
          value: c.environment,
          problem: `is also the environment of ${other}; both would be stack mcp-${c.environment} with one state`,
          fix: `give one of ${other} and ${file} another environment name (and file name)`,
        });
      }
      const sameAccount = c.accountId === undefined || o.accountId === undefined || c.accountId === o.accountId;
      const vgw = c.network.vpnGatewayId;
      if (sameAccount && c.region === o.region && vgw && vgw === o.network.vpnGatewayId) {
        problems.push({
          file,
          path: "network.vpnGatewayId",
          value: vgw,
          problem: `is also the VPN gateway of ${other}; a virtual private gateway attaches to one VPC at a time, so the second deploy fails at its attachment`,
          fix: "give each environment its own virtual private gateway, or attach both VPCs to a transit gateway (network.transitGatewayId)",
        });
      }
      const a = toCidr(c.network.vpcCidr);
      const b = toCidr(o.network.vpcCidr);
      if (!sameAccount || c.region !== o.region || !a || !b || !overlaps(a, b)) continue;
      const where = `${c.accountId ?? o.accountId ?? "the caller's account"}, ${c.region}`;
      const tgw = c.network.transitGatewayId;
      if (tgw && tgw === o.network.transitGatewayId) {
        problems.push({
          file,
          path: "network.vpcCidr",
          value: c.network.vpcCidr,
          problem: `overlaps ${o.network.vpcCidr} of ${other} in the same account and region (${where}), and both attach to transit gateway ${tgw}, which routes an overlapping range to one VPC only`,
          fix: `give each environment its own VPC range, e.g. the next free /20 after ${o.network.vpcCidr}`,
        });
      } else {
        warnings.push(
          `${file}: network.vpcCidr ${c.network.vpcCidr} overlaps ${o.network.vpcCidr} of ${other} in the same account and region (${where}). Both deploy, but no network can route to both (shared transit gateway, VPN or peering): give each environment its own range unless they are meant to be isolated copies.`,
        );
      }
    }
  });
  return { problems, warnings };
}

/**
 * Loads and validates every `*.json` in `dir`, and the tools YAML its toolsets come from (lib/tool-catalogue.ts).
 * Throws ConfigError listing every problem of every file.
 */
export function loadConfigs(dir: string, opts: LoadOptions = {}): McpConfig[] {
  const display = (f: string) => path.relative(process.cwd(), path.join(dir, f)) || f;
  if (!fs.existsSync(dir)) throw new ConfigError([{ file: dir, path: "", value: undefined, problem: "does not exist", fix: "point MCP_CONFIG_DIR at a directory of <env>.json files" }]);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new ConfigError([{ file: dir, path: "", value: undefined, problem: "holds no <env>.json file", fix: "add one, e.g. copy config/dev.json" }]);
  // A tools file the server could not load would silently take its toolsets away: its problems come first.
  const problems: ConfigProblem[] = [...loadToolCatalogue().problems];
  const configs: McpConfig[] = [];
  for (const f of files) {
    const file = display(f);
    const { value, problems: syntax } = parseJson(fs.readFileSync(path.join(dir, f), "utf8"), file);
    problems.push(...syntax);
    if (syntax.length) continue;
    const result = validateConfig(value, file);
    problems.push(...result.problems);
    if (result.config) {
      configs.push(result.config);
      sources.set(result.config, file);
    }
  }
  const across = crossConfigChecks(configs.map((config) => ({ file: sources.get(config)!, config })));
  problems.push(...across.problems);
  if (problems.length) throw new ConfigError(problems);
  for (const w of across.warnings) opts.warn?.(w);
  return configs;
}

/**
 * The validated config of one environment, for commands that act on one (`npm run images`, `npm run preflight`):
 * every config is validated, as synth does, so a command never acts on a file synth would refuse. `name` may be the
 * environment, its stack (`mcp-<env>`) or its images stack (`mcp-<env>-images`). Returns the config, or the message
 * that says why there is none (every config problem, or the environments there are).
 */
export function loadEnvironment(dir: string, name: string): { config: McpConfig } | { error: string; readonly unknownEnvironment: boolean } {
  const env = name.replace(/^mcp-/, "").replace(/-images$/, "");
  let configs: McpConfig[];
  try {
    configs = loadConfigs(dir);
  } catch (e) {
    if (e instanceof ConfigError) return { error: e.message, unknownEnvironment: false };
    throw e;
  }
  const config = configs.find((c) => c.environment === env);
  return config ? { config } : { error: `no config for environment ${env} in ${dir}; environments: ${configs.map((c) => c.environment).join(", ")}`, unknownEnvironment: true };
}
