import { code, esc, md, mermaidLabel, table } from "../../review/markdown";
import { minTlsVersion } from "../../review/tls-policies";
import { hclQuote } from "../../lib/hcl";

describe("markdown helpers", () => {
  test("table cells escape pipes, HTML and emphasis so a cell can never break the table", () => {
    const t = table(["A", "B"], [["a | b <script>", md("x ", code("y|z"))]]);
    expect(t).toBe("| A | B |\n|---|---|\n| a \\| b &lt;script&gt; | x `y\\|z` |");
    expect(esc("sysadmin_discovery *ALLOBJ [x]")).toBe("sysadmin\\_discovery \\*ALLOBJ \\[x\\]");
    expect(table(["A"], [], "_nothing_")).toBe("_nothing_");
  });

  test("mermaid labels are quoted with entity codes", () => {
    expect(mermaidLabel('agent "ops" | #1 <a> (x)')).toBe('"agent #quot;ops#quot; #124; #35;1 #lt;a#gt; #40;x#41;"');
  });

  test("ELB policies map to the lowest TLS version they accept", () => {
    expect(minTlsVersion("ELBSecurityPolicy-TLS13-1-2-2021-06")).toBe("1.2");
    expect(minTlsVersion("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04")).toBe("1.3");
    expect(minTlsVersion("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")).toBe("1.2");
    expect(minTlsVersion("ELBSecurityPolicy-2016-08")).toBe("1.0");
    expect(minTlsVersion("ELBSecurityPolicy-TLS-1-1-2017-01")).toBe("1.1");
    expect(minTlsVersion("MyCustomPolicy")).toBeUndefined();
  });

  test("HCL quoting escapes literal text and keeps interpolations verbatim", () => {
    expect(hclQuote('{"Resource":"${aws_s3_bucket.b.arn}/*","Sid":"A"}')).toBe('"{\\"Resource\\":\\"${aws_s3_bucket.b.arn}/*\\",\\"Sid\\":\\"A\\"}"');
    expect(hclQuote('a\\"b\nc')).toBe('"a\\\\\\"b\\nc"');
    expect(hclQuote('${jsonencode({"a" = "b"})} and $${literal}')).toBe('"${jsonencode({"a" = "b"})} and $${literal}"');
  });
});
