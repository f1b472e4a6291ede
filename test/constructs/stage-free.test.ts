import * as fs from "node:fs";
import * as path from "node:path";

const CONSTRUCTS = path.join(__dirname, "..", "..", "constructs");

describe("constructs", () => {
  it("take what a stage decides as props (stacks/stage-defaults.ts) and never read the stage themselves", () => {
    const readers = fs
      .readdirSync(CONSTRUCTS)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(CONSTRUCTS, f), "utf8")
          .split("\n")
          .map((line, i) => [`${f}:${i + 1}`, line] as const)
          .filter(([, line]) => /\.stage\b/.test(line))
          .map(([at]) => at),
      );
    expect(readers).toEqual([]);
  });
});
