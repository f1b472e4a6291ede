/** A value of the wrong JSON type is named with the article English wants: "an array, not an object". */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, validateConfig } from "../../config/load";
import { CONFIG_DIR } from "../paths";

function problems(edit: (c: any) => void): string[] {
  const c = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, "dev.json"), "utf8"));
  edit(c);
  return validateConfig(c, "config/dev.json").problems.map(formatProblem);
}

it.each([
  ["an array where an object belongs", (c: any) => (c.logs = []), "config/dev.json: logs: is an array, not an object (got []). Fix: write an object."],
  ["an object where an array belongs", (c: any) => (c.agents = {}), "config/dev.json: agents: is an object, not an array. Fix: write an array."],
  ["a string where a number belongs", (c: any) => (c.mcpServer.desiredCount = "2"), 'config/dev.json: mcpServer.desiredCount: is a string, not a number (got "2"). Fix: write a number.'],
])("%s", (_name, edit, expected) => {
  expect(problems(edit)).toContain(expected);
});
