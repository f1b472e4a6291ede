/**
 * An evaluator for the subset of CloudWatch Logs filter pattern syntax the kit writes, so tests can run the
 * synthesized patterns against log lines in the exact format upstream writes them. Written from AWS's "Filter pattern
 * syntax for metric filters, subscription filters, filter log events, and Live Tail" (CloudWatch Logs User Guide):
 *
 * - terms: `ERROR`, `"exact phrase"`, all must appear (case-sensitive substring); `-term` excludes; `?a ?b` any of;
 * - JSON: `{ $.a.b[0] = "text*" && ($.n >= 3 || $.c != x) }`, `IS NULL`, `IS TRUE|FALSE`, `NOT EXISTS`; `*` is a
 *   wildcard only at the start or end of a value ("Ev*ent will only match the actual string Ev*ent"); a selector that
 *   names an object or array matches nothing, whatever the operator;
 * - space-delimited: `[ip, user, ..., status = 4* && status != 403, bytes > 1000]`: fields split on spaces, text
 *   between double quotes or square brackets is one field (without its delimiters); `...` stands for any number of
 *   fields; without it the line must have exactly as many fields as the pattern.
 *
 * Regular expressions (`%…%`) are not supported: the kit writes none. Anything outside the subset throws, so a test
 * never passes on a pattern this evaluator misreads.
 */
export function matches(pattern: string, event: string): boolean {
  const p = pattern.trim();
  if (p === "") return true;
  if (p.includes("%")) throw new Error(`regular expressions are outside the supported subset: ${p}`);
  if (p.startsWith("{")) {
    if (!p.endsWith("}")) throw new Error(`JSON pattern without closing brace: ${p}`);
    let doc: unknown;
    try {
      doc = JSON.parse(event);
    } catch {
      return false;
    }
    const expr = new Parser(p.slice(1, -1)).expression();
    return evaluate(expr, (sel) => select(doc, sel));
  }
  if (p.startsWith("[")) return spaceDelimited(p, event);
  return terms(p, event);
}

/** The characters of a pattern, as CloudWatch counts them for its 1024-character limit (PutMetricFilter). */
export const MAX_PATTERN_LENGTH = 1024;

// ---------------------------------------------------------------------------------------------------------------
// Terms

function terms(p: string, event: string): boolean {
  const parsed: { kind: "all" | "any" | "none"; text: string }[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === " ") {
      i++;
      continue;
    }
    let kind: "all" | "any" | "none" = "all";
    if (p[i] === "?" || p[i] === "-") {
      kind = p[i] === "?" ? "any" : "none";
      i++;
      while (p[i] === " ") i++;
    }
    let text: string;
    if (p[i] === '"') {
      let j = i + 1;
      text = "";
      while (j < p.length && p[j] !== '"') {
        if (p[j] === "\\" && j + 1 < p.length) j++;
        text += p[j++];
      }
      if (j >= p.length) throw new Error(`unterminated quoted term in ${p}`);
      i = j + 1;
    } else {
      const m = /^[^\s"]+/.exec(p.slice(i));
      if (!m) throw new Error(`unexpected character at ${i} in ${p}`);
      text = m[0];
      if (!/^[A-Za-z0-9_]+$/.test(text)) throw new Error(`term ${text} holds characters other than letters, digits and "_": AWS needs it in double quotes`);
      i += text.length;
    }
    parsed.push({ kind, text });
  }
  const any = parsed.filter((t) => t.kind === "any");
  if (any.length && any.length !== parsed.length) throw new Error(`mixing ?terms with other terms is outside the supported subset: ${p}`);
  if (any.length) return any.some((t) => event.includes(t.text));
  return parsed.every((t) => (t.kind === "all" ? event.includes(t.text) : !event.includes(t.text)));
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions shared by JSON and space-delimited patterns

type Value = { kind: "string"; text: string } | { kind: "number"; n: number };
type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";
type Expr = { t: "or" | "and"; l: Expr; r: Expr } | { t: "cmp"; sel: string; op: Op; v: Value } | { t: "is"; sel: string; what: "NULL" | "TRUE" | "FALSE" } | { t: "notExists"; sel: string };

/** What a selector finds: a scalar, null, `undefined` when absent, or "container" for an object or array. */
type Found = string | number | boolean | null | undefined | { container: true };

function evaluate(e: Expr, lookup: (sel: string) => Found): boolean {
  switch (e.t) {
    case "or":
      return evaluate(e.l, lookup) || evaluate(e.r, lookup);
    case "and":
      return evaluate(e.l, lookup) && evaluate(e.r, lookup);
    case "notExists":
      return lookup(e.sel) === undefined;
    case "is": {
      const v = lookup(e.sel);
      return e.what === "NULL" ? v === null : v === (e.what === "TRUE");
    }
    case "cmp":
      return compare(lookup(e.sel), e.op, e.v);
  }
}

function compare(found: Found, op: Op, v: Value): boolean {
  if (found === undefined || found === null || typeof found === "object") return false;
  if (v.kind === "number") {
    const n = typeof found === "number" ? found : typeof found === "string" && /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(found) ? Number(found) : NaN;
    if (Number.isNaN(n)) return false;
    switch (op) {
      case "=":
        return n === v.n;
      case "!=":
        return n !== v.n;
      case "<":
        return n < v.n;
      case ">":
        return n > v.n;
      case "<=":
        return n <= v.n;
      case ">=":
        return n >= v.n;
    }
  }
  if (op !== "=" && op !== "!=") throw new Error(`operator ${op} needs a number, got "${v.text}"`);
  if (typeof found === "boolean") return false;
  const equal = wildcard(v.text).test(String(found));
  return op === "=" ? equal : !equal;
}

/** `*` at the start or end matches any text; anywhere else it is a literal asterisk. */
function wildcard(text: string): RegExp {
  const lead = text.startsWith("*");
  const trail = text.length > 1 && text.endsWith("*");
  const core = text.slice(lead ? 1 : 0, trail ? -1 : undefined);
  return new RegExp(`^${lead ? "[\\s\\S]*" : ""}${core.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${trail ? "[\\s\\S]*" : ""}$`);
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  expression(): Expr {
    const e = this.or();
    this.ws();
    if (this.i !== this.s.length) throw new Error(`trailing input at ${this.i}: ${this.s.slice(this.i)}`);
    return e;
  }

  private or(): Expr {
    let e = this.and();
    while (this.eat("||")) e = { t: "or", l: e, r: this.and() };
    return e;
  }

  private and(): Expr {
    let e = this.unary();
    while (this.eat("&&")) e = { t: "and", l: e, r: this.unary() };
    return e;
  }

  private unary(): Expr {
    if (this.eat("(")) {
      const e = this.or();
      if (!this.eat(")")) throw new Error(`expected ) at ${this.i} in ${this.s}`);
      return e;
    }
    this.ws();
    const sel = /^\$(?:\.[A-Za-z0-9_-]+|\[\d+\])+|^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!sel) throw new Error(`expected a selector at ${this.i}: ${this.s.slice(this.i)}`);
    this.i += sel[0].length;
    if (this.eat("IS")) {
      this.ws();
      const what = /^(NULL|TRUE|FALSE)\b/.exec(this.s.slice(this.i));
      if (!what) throw new Error(`expected NULL, TRUE or FALSE at ${this.i}`);
      this.i += what[0].length;
      return { t: "is", sel: sel[0], what: what[1] as "NULL" | "TRUE" | "FALSE" };
    }
    if (this.eat("NOT EXISTS")) return { t: "notExists", sel: sel[0] };
    this.ws();
    const op = /^(!=|<=|>=|=|<|>)/.exec(this.s.slice(this.i));
    if (!op) throw new Error(`expected an operator at ${this.i}: ${this.s.slice(this.i)}`);
    this.i += op[0].length;
    return { t: "cmp", sel: sel[0], op: op[1] as Op, v: this.value() };
  }

  private value(): Value {
    this.ws();
    if (this.s[this.i] === '"') {
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(this.s.slice(this.i));
      if (!m) throw new Error(`unterminated string at ${this.i}`);
      this.i += m[0].length;
      return { kind: "string", text: JSON.parse(`"${m[1]}"`) as string };
    }
    const m = /^[^\s()&|,\]]+/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a value at ${this.i}: ${this.s.slice(this.i)}`);
    this.i += m[0].length;
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(m[0])) return { kind: "number", n: Number(m[0]) };
    return { kind: "string", text: m[0] };
  }

  private eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.i)) {
      this.i += tok.length;
      return true;
    }
    return false;
  }

  private ws(): void {
    while (this.s[this.i] === " ") this.i++;
  }
}

function select(doc: unknown, sel: string): Found {
  let cur: unknown = doc;
  for (const step of sel.slice(1).match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? []) {
    if (step.startsWith("[")) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(step.slice(1, -1))];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
      const key = step.slice(1);
      if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  if (cur !== null && typeof cur === "object") return { container: true };
  return cur as Found;
}

// ---------------------------------------------------------------------------------------------------------------
// Space-delimited

function spaceDelimited(p: string, event: string): boolean {
  if (!p.endsWith("]")) throw new Error(`space-delimited pattern without closing bracket: ${p}`);
  const slots = p
    .slice(1, -1)
    .split(",")
    .map((s) => s.trim());
  // An empty slot is an unnamed field: AWS's example "[..., request=*.html*, status_code=4*,]" ends with the bytes.
  const names = slots.map((s, k) => (s === "..." ? "..." : s === "" ? `$${k + 1}` : (/^[A-Za-z_][A-Za-z0-9_]*/.exec(s)?.[0] ?? "")));
  if (names.some((n) => n === "")) throw new Error(`every condition of ${p} needs a field name`);
  if (names.filter((n) => n === "...").length > 1) throw new Error(`more than one ... in ${p}`);
  const fields = splitFields(event);
  const dots = names.indexOf("...");
  const values: Record<string, string> = {};
  if (dots < 0) {
    if (fields.length !== names.length) return false;
    names.forEach((n, k) => (values[n] = fields[k]));
  } else {
    const before = names.slice(0, dots);
    const after = names.slice(dots + 1);
    if (fields.length < before.length + after.length) return false;
    before.forEach((n, k) => (values[n] = fields[k]));
    after.forEach((n, k) => (values[n] = fields[fields.length - after.length + k]));
  }
  return slots.every((slot, k) => {
    if (slot === "..." || slot === "" || slot === names[k]) return true;
    const expr = new Parser(slot).expression();
    return evaluate(expr, (sel) => values[sel]);
  });
}

/** Splits on spaces; "…" and […] are one field each, without their delimiters. */
export function splitFields(event: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < event.length) {
    if (event[i] === " ") {
      i++;
      continue;
    }
    const close = event[i] === '"' ? '"' : event[i] === "[" ? "]" : undefined;
    if (close) {
      const end = event.indexOf(close, i + 1);
      const stop = end < 0 ? event.length : end;
      out.push(event.slice(i + 1, stop));
      i = stop + 1;
    } else {
      const end = event.indexOf(" ", i);
      const stop = end < 0 ? event.length : end;
      out.push(event.slice(i, stop));
      i = stop;
    }
  }
  return out;
}
