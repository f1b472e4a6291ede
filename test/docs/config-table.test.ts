/** README's configuration table is generated from the schema (config/docs.ts): these tests fail when it is stale. */
import * as fs from "node:fs";
import { z } from "zod";
import { configTable, keyRows, README, withConfigTable } from "../../config/docs";
import { configSchema } from "../../config/schema";
import { keyPaths } from "./config-keys";

describe("the configuration table", () => {
  it("in README.md is the one the schema generates (run npm run docs:config after changing config/schema.ts)", () => {
    const doc = fs.readFileSync(README, "utf8");
    expect(doc).toBe(withConfigTable(doc));
  });

  it("has one row per key of the schema, in schema order", () => {
    expect(keyRows().map((r) => r.key)).toEqual(keyPaths(configSchema));
  });

  it("takes required and default from the schema, so they cannot drift", () => {
    const row = (k: string) => keyRows().find((r) => r.key === k)!;
    // Defaulted to [] in the schema: not required, whatever a hand-written table once said.
    expect(row("agents[].cidrs")).toMatchObject({ required: "no", default: "`[]`" });
    expect(row("mcpServer.port")).toMatchObject({ required: "no", default: "3010" });
    expect(row("region")).toMatchObject({ required: "yes", default: "" });
    // Required inside an optional object: required once the object is given.
    expect(row("logs.objectLock.mode").required).toBe("with `logs.objectLock`");
    // What depends on other keys is stated by the key's meta.
    expect(row("alerts.emails").required).toBe("in prod");
  });

  it("refuses a key without a description, naming it", () => {
    const schema = z.strictObject({ a: z.string().meta({ description: "documented" }), b: z.strictObject({ c: z.number().default(1) }).optional() });
    expect(() => keyRows(schema)).toThrow("config keys without a description (add .meta({ description }) in config/schema.ts): b.c");
  });

  it("escapes pipes so a description cannot break the table", () => {
    const schema = z.strictObject({ a: z.enum(["x", "y"]).meta({ description: "`x` | `y`" }) });
    expect(configTable(keyRows(schema))).toContain("| `a` | yes |  | `x` \\| `y` |");
  });
});
