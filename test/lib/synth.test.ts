import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../config/load";
import { synthesize } from "../../app/synth";
import { CONFIG_DIR } from "../paths";
import { shippedOutdir } from "../plans";
import { readTree } from "../files";

describe("synth pipeline", () => {
  let work: string;
  let outdir: string;
  let first: Record<string, string>;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-synth-"));
    outdir = path.join(work, "cdktf.out");
    // The suite's one real pipeline run (test/global-setup.ts) is the "previous output" these tests protect.
    fs.cpSync(shippedOutdir(), outdir, { recursive: true });
    first = readTree(outdir);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("writes one stack per config file, named mcp-<env>", () => {
    for (const env of ["dev", "staging", "prod"]) expect(Object.keys(first)).toContain(`stacks/mcp-${env}/cdk.tf.json`);
    expect(JSON.parse(first["manifest.json"]).stacks).toHaveProperty("mcp-prod");
  });

  it("keeps machine paths out of the plan and local state outside the output folder", () => {
    const dev = JSON.parse(first["stacks/mcp-dev/cdk.tf.json"]);
    expect(dev.terraform.backend).toEqual({ local: { path: "../../../terraform.mcp-dev.tfstate" } });
    for (const text of Object.values(first)) expect(text).not.toContain(work);
  });

  it("uses an encrypted, natively locked S3 backend when state is configured", () => {
    const prod = JSON.parse(first["stacks/mcp-prod/cdk.tf.json"]);
    expect(prod.terraform.backend.s3).toEqual({ bucket: "acme-terraform-state-123456789012", key: "ibmi-mcp/prod.tfstate", region: "us-east-1", encrypt: true, use_lockfile: true });
  });

  it("requires Terraform 1.11 in versions.tf beside each plan, leaving no plain value in the JSON's terraform block", () => {
    for (const env of ["dev", "staging", "prod"]) {
      expect(first[`stacks/mcp-${env}/versions.tf`]).toBe('# Written by the kit\'s synth (lib/synth.ts). Terraform reads it together with cdk.tf.json.\nterraform {\n  required_version = ">= 1.11.0"\n}\n');
      // checkov's terraform_json parser fails on a string or number there (bridgecrewio/checkov#7454).
      const plan = JSON.parse(first[`stacks/mcp-${env}/cdk.tf.json`]);
      expect(Object.entries(plan.terraform).filter(([, v]) => typeof v !== "object")).toEqual([]);
    }
  });

  it("tags every resource with project, environment and owner, and pins the account", () => {
    const prod = JSON.parse(first["stacks/mcp-prod/cdk.tf.json"]);
    expect(prod.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["123456789012"],
      default_tags: [{ tags: expect.objectContaining({ project: "ibmi-mcp", environment: "prod", owner: "platform-engineering" }) }],
    });
  });

  it("leaves the previous output exactly as it was when a config is broken", () => {
    const bad = path.join(work, "bad-config");
    fs.mkdirSync(bad);
    for (const f of fs.readdirSync(CONFIG_DIR)) fs.copyFileSync(path.join(CONFIG_DIR, f), path.join(bad, f));
    const prod = JSON.parse(fs.readFileSync(path.join(bad, "prod.json"), "utf8"));
    prod.agents[0].cidrs = ["0.0.0.0/0"];
    fs.writeFileSync(path.join(bad, "prod.json"), JSON.stringify(prod));
    fs.writeFileSync(path.join(bad, "dev.json"), "{");

    expect(() => synthesize({ configDir: bad, outdir })).toThrow(ConfigError);
    expect(readTree(outdir)).toEqual(first);
    expect(fs.readdirSync(work).sort()).toEqual(["bad-config", "cdktf.out"]);
  });

  it("leaves the previous output untouched when an after-synth check fails", () => {
    const one = path.join(work, "one-config");
    fs.mkdirSync(one);
    fs.copyFileSync(path.join(CONFIG_DIR, "dev.json"), path.join(one, "dev.json"));
    expect(() =>
      synthesize({
        configDir: one,
        outdir,
        afterSynth: [
          () => {
            throw new Error("policy violation");
          },
        ],
      }),
    ).toThrow("policy violation");
    expect(readTree(outdir)).toEqual(first);
    expect(fs.readdirSync(work).filter((f) => f.includes(".tmp-") || f.includes(".old-"))).toEqual([]);
  });

  it("refuses two configs whose stacks share one state, naming both files, and writes nothing", () => {
    const twin = path.join(work, "twin-config");
    fs.mkdirSync(twin);
    fs.copyFileSync(path.join(CONFIG_DIR, "prod.json"), path.join(twin, "prod.json"));
    // A copy of prod under another name that keeps prod's state bucket and key.
    const copy = JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, "prod.json"), "utf8"));
    copy.environment = "prod2";
    copy.stage = "prod";
    copy.network.vpcCidr = "10.43.0.0/20";
    fs.writeFileSync(path.join(twin, "prod2.json"), JSON.stringify(copy));
    const shown = (f: string) => path.relative(process.cwd(), path.join(twin, f));
    let error: unknown;
    try {
      synthesize({ configDir: twin, outdir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `2 configuration problems:\n  - ${shown("prod2.json")}: state.key: puts the state of stack mcp-prod2-images at s3://acme-terraform-state-123456789012/ibmi-mcp/prod-images.tfstate, where stack mcp-prod-images of ${shown("prod.json")} keeps its own; deploying either would plan against the other's resources and destroy them (got "ibmi-mcp/prod.tfstate"). Fix: give each environment its own state key, e.g. "ibmi-mcp/prod2.tfstate".\n  - ${shown("prod2.json")}: state.key: puts the state of stack mcp-prod2 at s3://acme-terraform-state-123456789012/ibmi-mcp/prod.tfstate, where stack mcp-prod of ${shown("prod.json")} keeps its own; deploying either would plan against the other's resources and destroy them (got "ibmi-mcp/prod.tfstate"). Fix: give each environment its own state key, e.g. "ibmi-mcp/prod2.tfstate".`,
    );
    expect(readTree(outdir)).toEqual(first);
  });

  it("replaces the previous output with a new synth, saying which stacks disappeared and that their state remains", () => {
    const one = path.join(work, "one-config");
    const warned: string[] = [];
    const result = synthesize({ configDir: one, outdir, review: false, warn: (w) => warned.push(w) });
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["mcp-dev", "mcp-dev-images"]);
    expect(result.warnings).toEqual([
      "mcp-prod was in cdktf.out and is no longer synthesized (its config file was removed or renamed). Its Terraform state still exists (s3://acme-terraform-state-123456789012/ibmi-mcp/prod.tfstate), and so do its resources: to remove them, restore the config and run npx cdktf destroy mcp-prod; to keep them, keep the state.",
      "mcp-prod-images was in cdktf.out and is no longer synthesized (its config file was removed or renamed). Its Terraform state still exists (s3://acme-terraform-state-123456789012/ibmi-mcp/prod-images.tfstate), and so do its resources: to remove them, restore the config and run npx cdktf destroy mcp-prod-images; to keep them, keep the state.",
      "mcp-staging was in cdktf.out and is no longer synthesized (its config file was removed or renamed). Its Terraform state still exists (s3://acme-terraform-state-123456789012/ibmi-mcp/staging.tfstate), and so do its resources: to remove them, restore the config and run npx cdktf destroy mcp-staging; to keep them, keep the state.",
      "mcp-staging-images was in cdktf.out and is no longer synthesized (its config file was removed or renamed). Its Terraform state still exists (s3://acme-terraform-state-123456789012/ibmi-mcp/staging-images.tfstate), and so do its resources: to remove them, restore the config and run npx cdktf destroy mcp-staging-images; to keep them, keep the state.",
    ]);
    expect(warned).toEqual(result.warnings);
    // The next run has nothing more to say.
    expect(synthesize({ configDir: one, outdir, review: false }).warnings).toEqual([]);
    expect(fs.readdirSync(work).filter((f) => f.includes(".tmp-") || f.includes(".old-"))).toEqual([]);
  });
});
