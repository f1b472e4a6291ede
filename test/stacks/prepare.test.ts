/**
 * McpStack skips cdktf's prepare pass (a full resolve of every element, only to find cross-stack references).
 * This proves the skip changes nothing for the shipped environments, all in one app as `npm run synth` builds them,
 * plus the other auth mode: running the real pass adds no construct (no cross-stack output or remote state) and
 * changes no byte of any plan.
 */
import { App, TerraformStack } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { McpStack } from "../../stacks/mcp-stack";
import { shippedConfigs, variant } from "../configs";

it("cdktf's prepare pass would add nothing to the shipped stacks, nor in ibmi auth mode", () => {
  const app = new App({ outdir: "unused" });
  const ibmiAuth = variant("prod", (c) => {
    c.environment = "prodibmi";
    c.mcpServer.authMode = "ibmi";
  });
  const stacks = [...Object.values(shippedConfigs()), ibmiAuth].map((c) => new McpStack(app, c));
  stacks.forEach((s) => invokeAspects(s));
  const before = stacks.map((s) => JSON.stringify(s.toTerraform()));
  const constructs = app.node.findAll().length;

  stacks.forEach((s) => TerraformStack.prototype.prepareStack.call(s));

  expect(app.node.findAll().length).toBe(constructs);
  expect(stacks.map((s) => JSON.stringify(s.toTerraform()))).toEqual(before);
});
