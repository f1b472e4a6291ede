/**
 * lib/cdktf-compat.ts holds every use of cdktf internals. Each test here pins the internal shape one workaround relies
 * on, so upgrading cdktf (or moving to cdktn) fails here, by name, rather than somewhere downstream.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Aspects, IAspect, Lazy, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { IConstruct } from "constructs";
import { cdktfRenderedString, invokeAspects, renderHclAttributes, SelfContainedStack, STACK_TRACE_MODULE } from "../../lib/cdktf-compat";

const ROOT = path.join(__dirname, "..", "..");

describe("token traces", () => {
  it("every token takes its creation stack from the private module's captureStackTrace, looked up at each call", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const traces = require(STACK_TRACE_MODULE) as { captureStackTrace: () => string[] };
    expect(typeof traces.captureStackTrace).toBe("function");
    const saved = traces.captureStackTrace;
    try {
      traces.captureStackTrace = () => ["replaced"];
      expect((Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack).toEqual(["replaced"]);
    } finally {
      traces.captureStackTrace = saved;
    }
  });
});

describe("token traces in the bundle", () => {
  it("are turned off through a require the bundler can follow (a literal path), so the bundled cdktf is the one patched", () => {
    // esbuild bundles require("<literal>") and leaves require(<expression>) to Node at run time, which would load
    // node_modules' own copy of cdktf: the patch would miss the bundled copy every token uses (2.4 of 5.6 s of a
    // 200-group synth went to stack traces when it did).
    const source = fs.readFileSync(path.join(ROOT, "lib", "cdktf-compat.ts"), "utf8");
    const requires = [...source.matchAll(/require\(([^)]*)\)/g)].map((m) => m[1]);
    expect(requires).toEqual([JSON.stringify(STACK_TRACE_MODULE)]);
  });
});

describe("prepare pass", () => {
  it("App.synth calls prepareStack on every stack, which SelfContainedStack makes a no-op", () => {
    const app = Testing.app();
    const plain = new TerraformStack(app, "plain");
    const own = new SelfContainedStack(app, "own");
    const calls: string[] = [];
    const original = TerraformStack.prototype.prepareStack;
    const spy = jest.spyOn(TerraformStack.prototype, "prepareStack").mockImplementation(function (this: TerraformStack) {
      calls.push(this.node.id);
      return original.call(this);
    });
    try {
      app.synth();
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([plain.node.id]);
    expect(own.prepareStack).not.toBe(TerraformStack.prototype.prepareStack);
  });
});

describe("aspects", () => {
  it("invokeAspects visits every construct of the stack, as App.synth does", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const seen: string[] = [];
    const aspect: IAspect = { visit: (n: IConstruct) => void seen.push(n.node.path) };
    Aspects.of(stack).add(aspect);
    invokeAspects(stack);
    expect(seen).toContain("s");
  });
});

describe("HCL renderer", () => {
  it("renders a key list as cdktf 0.21's renderTerraform does, the text lib/hcl.ts replaces", () => {
    expect(renderHclAttributes(["required_version"])).toBe('  0 = "required_version"');
    expect(renderHclAttributes({ required_version: ">= 1.11.0" })).toBe('  required_version = ">= 1.11.0"');
  });

  it("renders strings with the escaping bugs cdktfRenderedString mirrors", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const tricky = ['say "hi"', "a\\b", '{"Ref":"${aws_kms_key.k.arn}"}'];
    tricky.forEach((v, i) => new TerraformOutput(stack, `o${i}`, { value: v }));
    const { hcl } = stack.toHclTerraform();
    for (const v of tricky) expect(hcl).toContain(cdktfRenderedString(v));
  });
});

it("no other source reaches into cdktf/lib", () => {
  const sources = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return ["node_modules", "cdktf.out", "dist", ".git"].includes(e.name) || e.name.startsWith(".") ? [] : sources(rel);
      return /\.(ts|cjs|mjs|js)$/.test(e.name) ? [rel] : [];
    });
  const deep = /["']cdktf\/lib\//;
  const offenders = sources(".").filter((f) => !f.endsWith("cdktf-compat.ts") && !f.endsWith("cdktf-compat.test.ts") && deep.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
  expect(offenders).toEqual([]);
});
