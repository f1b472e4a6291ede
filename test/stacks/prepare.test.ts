/**
 * McpStack and ImagesStack skip cdktf's prepare pass (a full resolve of every element, only to find cross-stack
 * references). This proves the skip changes nothing for the shipped environments, all in one app as `npm run synth`
 * builds them, plus the other auth mode: running the real pass adds no construct (no cross-stack output or remote
 * state) and changes no byte of any plan.
 */
import { App, TerraformStack } from "cdktf";
import { invokeAspects } from "../../lib/cdktf-compat";
import { ImagesStack } from "../../stacks/images-stack";
import { McpStack } from "../../stacks/mcp-stack";
import { shippedConfigs, variant } from "../configs";

/** Runs the real prepare pass over `stacks` and expects it to add no construct and change no byte. */
function expectPrepareAddsNothing(app: App, stacks: readonly TerraformStack[]): void {
  stacks.forEach((s) => invokeAspects(s));
  const before = stacks.map((s) => JSON.stringify(s.toTerraform()));
  const constructs = app.node.findAll().length;
  stacks.forEach((s) => TerraformStack.prototype.prepareStack.call(s));
  expect(app.node.findAll().length).toBe(constructs);
  expect(stacks.map((s) => JSON.stringify(s.toTerraform()))).toEqual(before);
}

it("cdktf's prepare pass would add nothing to the shipped stacks, nor in ibmi auth mode", () => {
  const app = new App({ outdir: "unused" });
  const ibmiAuth = variant("prod", (c) => {
    c.environment = "prodibmi";
    c.mcpServer.authMode = "ibmi";
  });
  const stacks = [...Object.values(shippedConfigs()), ibmiAuth].map((c) => new McpStack(app, c));
  expectPrepareAddsNothing(app, stacks);
});

it("cdktf's prepare pass would add nothing to the shipped image-repository stacks", () => {
  const app = new App({ outdir: "unused" });
  const stacks = Object.values(shippedConfigs()).map((c) => new ImagesStack(app, c));
  expect(stacks.map((s) => s.node.id)).toEqual(["mcp-dev-images", "mcp-prod-images", "mcp-staging-images"]);
  expectPrepareAddsNothing(app, stacks);
});
