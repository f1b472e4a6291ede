/**
 * A small evaluator for the subset of CloudWatch Logs filter syntax the kit writes, so tests can run the
 * patterns against real log lines: JSON patterns `{ ($.a.b = "text*") && (…) || (…) }` (string equality with
 * `*` wildcards) and a single quoted term `"some words"` (substring match on the raw line).
 */
export function matches(pattern: string, line: string): boolean {
  const p = pattern.trim();
  if (p.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return false;
    }
    return new Parser(p.slice(1, -1), doc).parse();
  }
  const term = /^"(.*)"$/.exec(p);
  if (!term) throw new Error(`unsupported pattern ${p}`);
  return line.includes(term[1]);
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly doc: unknown,
  ) {}

  parse(): boolean {
    const v = this.or();
    this.ws();
    if (this.i !== this.s.length) throw new Error(`trailing input at ${this.i}: ${this.s.slice(this.i)}`);
    return v;
  }

  private or(): boolean {
    let v = this.and();
    while (this.eat("||")) v = this.and() || v;
    return v;
  }

  private and(): boolean {
    let v = this.term();
    while (this.eat("&&")) v = this.term() && v;
    return v;
  }

  private term(): boolean {
    if (this.eat("(")) {
      const v = this.or();
      if (!this.eat(")")) throw new Error(`expected ) at ${this.i}`);
      return v;
    }
    this.ws();
    const m = /^\$\.([A-Za-z0-9_.]+)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a comparison at ${this.i}: ${this.s.slice(this.i)}`);
    this.i += m[0].length;
    const value = m[1].split(".").reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), this.doc);
    if (typeof value !== "string") return false;
    const want = JSON.parse(`"${m[2]}"`) as string;
    const re = new RegExp(`^${want.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(value);
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
