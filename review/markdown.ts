/**
 * Markdown that renders the same on GitHub and GitLab: pipe tables with escaped cells, no raw HTML, and
 * Mermaid labels quoted with entity codes (https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters).
 */

/** Markdown that is already escaped for a table cell; plain strings are escaped by `table`. */
export class Md {
  constructor(readonly md: string) {}
  toString(): string {
    return this.md;
  }
}

/** Plain text escaped for Markdown: no HTML, no table break, no accidental emphasis or links. */
export function esc(value: unknown): string {
  const s = value === undefined || value === null || value === "" ? "—" : String(value);
  return s
    .replace(/\\/g, "\\\\")
    .replace(/([*_`\[\]|])/g, "\\$1")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}

/** Inline code (addresses, names, CIDRs). Backticks inside are replaced; `|` escaped so a table cell holds. */
export function code(value: string): Md {
  return new Md(`\`${value.replace(/`/g, "'").replace(/\r?\n/g, " ").replace(/\|/g, "\\|")}\``);
}

/** Bold plain text. */
export function strong(value: string): Md {
  return new Md(`**${esc(value)}**`);
}

/** Joins plain strings (escaped) and Markdown pieces. */
export function md(...parts: readonly (string | Md)[]): Md {
  return new Md(parts.map((p) => (p instanceof Md ? p.md : esc(p))).join(""));
}

/** Joins cells' worth of pieces with a separator, e.g. a list of addresses in one cell. */
export function list(items: readonly (string | Md)[], sep = ", "): Md {
  return items.length === 0 ? new Md("—") : new Md(items.map((p) => (p instanceof Md ? p.md : esc(p))).join(sep));
}

export type Cell = string | number | boolean | undefined | Md;

function renderCell(c: Cell): string {
  return c instanceof Md ? c.md : esc(c);
}

/** A pipe table; `empty` is written instead when there are no rows. Callers sort rows for deterministic output. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], empty = "_None in this plan._"): string {
  if (rows.length === 0) return empty;
  const head = `| ${headers.map((h) => esc(h)).join(" | ")} |`;
  const rule = `|${headers.map(() => "---").join("|")}|`;
  return [head, rule, ...rows.map((r) => `| ${r.map(renderCell).join(" | ")} |`)].join("\n");
}

/** A Mermaid label inside double quotes: quotes and characters Mermaid parses become entity codes. */
export function mermaidLabel(value: string): string {
  return `"${value
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/[\[\]{}()]/g, (ch) => `#${ch.charCodeAt(0)};`)
    .replace(/\r?\n/g, " ")}"`;
}

/** Sorts by a string key without locale dependence, so output is byte-identical on every machine. */
/** The document from its lines: at most one blank line in a row, one newline at the end. */
export function document(lines: readonly string[]): string {
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

export function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
