import { main, USAGE } from "../../images/cli";
import { BUILD_PLATFORM, imagesScript, shellQuote } from "../../images/commands";
import { kitImages, PLACEHOLDER_DIGEST } from "../../lib/images";
import { McpConfig } from "../../config/schema";
import { shippedConfigs, variant } from "../configs";
import { resources, shippedPlan } from "../plans";

const FAKE_DIGEST = `sha256:${"1".repeat(64)}`;
const pinnedProd = (): McpConfig =>
  variant("prod", (c) => {
    c.mcpServer.image = c.mcpServer.image.replace(PLACEHOLDER_DIGEST, FAKE_DIGEST);
    c.gateway.image = c.gateway.image.replace(PLACEHOLDER_DIGEST, FAKE_DIGEST);
  });

describe("imagesScript", () => {
  it("logs in to the environment's registry, then builds and pushes each kit image unless its tag is already there", () => {
    const config = pinnedProd();
    const [server, gateway] = kitImages(config);
    const reg = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    expect(imagesScript(config).lines).toEqual([
      `aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${reg}`,
      `if aws ecr describe-images --region us-east-1 --repository-name mcp-prod/ibmi-mcp-server --image-ids imageTag=${server.tag} >/dev/null 2>&1; then echo 'mcp-prod/ibmi-mcp-server:${server.tag} is already in ECR'; else docker build --pull --platform linux/amd64 --build-arg BASE_IMAGE=ghcr.io/ibm/ibmi-mcp-server:v0.5.1@${FAKE_DIGEST} -t ${reg}/mcp-prod/ibmi-mcp-server:${server.tag} -f images/mcp-server/Dockerfile .; docker push ${reg}/mcp-prod/ibmi-mcp-server:${server.tag}; fi`,
      `if aws ecr describe-images --region us-east-1 --repository-name mcp-prod/mcp-gateway --image-ids imageTag=${gateway.tag} >/dev/null 2>&1; then echo 'mcp-prod/mcp-gateway:${gateway.tag} is already in ECR'; else docker build --pull --platform linux/amd64 --build-arg BASE_IMAGE=ghcr.io/ibm/mcp-context-forge:v1.0.8@${FAKE_DIGEST} -t ${reg}/mcp-prod/mcp-gateway:${gateway.tag} -f images/gateway/Dockerfile .; docker push ${reg}/mcp-prod/mcp-gateway:${gateway.tag}; fi`,
    ]);
  });

  it("pushes exactly the tags the plan reads", () => {
    const config = shippedConfigs().prod;
    const pushed = imagesScript(config).lines.flatMap((l) => [...l.matchAll(/docker push \S+\/(mcp-prod\/[\w-]+):(kit-[0-9a-f]{12})/g)].map((m) => [m[1], m[2]]));
    const read = Object.values(shippedPlan("prod").data?.aws_ecr_image ?? {}).map((d: any) => [d.repository_name, d.image_tag]);
    expect(pushed).toEqual(read);
  });

  it("builds for the platform the task definitions run on", () => {
    for (const [, td] of resources(shippedPlan("prod"), "aws_ecs_task_definition")) expect(td.runtime_platform).toEqual({ operating_system_family: "LINUX", cpu_architecture: "X86_64" });
    expect(BUILD_PLATFORM).toBe("linux/amd64");
  });

  it("asks STS for the account when the config names none", () => {
    const config = variant("staging", (c) => delete c.accountId);
    const lines = imagesScript(config).lines;
    expect(lines[0]).toBe("AWS_ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)");
    expect(lines[1]).toBe('aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com"');
    expect(lines[2]).toContain(' -t "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/mcp-staging/ibmi-mcp-server:kit-');
  });

  it("names the bases that still carry the example's placeholder digest", () => {
    expect(imagesScript(shippedConfigs().prod).placeholders).toEqual(["mcpServer.image", "gateway.image"]);
    expect(imagesScript(pinnedProd()).placeholders).toEqual([]);
  });

  it("stops at the first failing command under sh -e (a failed build is never reported as pushed)", () => {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    // The script's shape with docker and aws replaced by shell builtins: the server's build fails; the gateway's tag is
    // already in ECR, so a script that went on past the failure would end with status 0.
    const lines = imagesScript(shippedConfigs().staging).lines.map((l, i) =>
      l
        .replace(/^aws ecr get-login-password .*$/, "true")
        .replace("aws ecr describe-images", i === 2 ? "true" : "false")
        .replace("docker build", "false")
        .replace("docker push", "echo pushed"),
    );
    const r = spawnSync("sh", ["-ec", lines.join("\n")], { encoding: "utf8" });
    expect([r.status, r.stdout]).toEqual([1, ""]);
  });

  it("quotes for sh only what needs it", () => {
    expect(shellQuote("ghcr.io/ibm/x:v1@sha256:ab")).toBe("ghcr.io/ibm/x:v1@sha256:ab");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("npm run images", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
  };

  it("prints the usage and exits 0 on --help", () => {
    const r = io();
    expect(main(["--help"], r.io)).toBe(0);
    expect(r.out).toEqual([USAGE]);
  });

  it("exits 2 with the usage without exactly one environment or with an unknown option", () => {
    for (const argv of [[], ["dev", "prod"], ["dev", "--force"]]) {
      const r = io();
      expect(main(argv, r.io)).toBe(2);
      expect(r.err.join("\n")).toContain(USAGE);
    }
    const r = io();
    expect(main(["nope"], r.io)).toBe(2);
    expect(r.err[0]).toMatch(/^no config for environment nope in config; environments: dev, prod, staging\n/);
  });

  it("prints the script for an environment (also named by its stacks) and runs nothing", () => {
    const run = jest.fn(() => 0);
    for (const name of ["staging", "mcp-staging", "mcp-staging-images"]) {
      const r = io();
      expect(main([name], r.io, run)).toBe(0);
      expect(r.out).toEqual([imagesScript(shippedConfigs().staging).lines.join("\n")]);
    }
    expect(run).not.toHaveBeenCalled();
  });

  it("refuses to push from a placeholder digest, and warns when printing", () => {
    const run = jest.fn(() => 0);
    const r = io();
    expect(main(["prod", "--push"], r.io, run)).toBe(1);
    expect(r.err).toEqual(["refused: config/prod.json: mcpServer.image and gateway.image carry the example's placeholder digest (sha256:0…0); replace it with the digest of the reviewed upstream image before building"]);
    expect(run).not.toHaveBeenCalled();
    const p = io();
    expect(main(["prod"], p.io, run)).toBe(0);
    expect(p.err[0]).toMatch(/^warning: config\/prod\.json: mcpServer\.image and gateway\.image carry/);
  });

  it("runs the script with --push, and exits 1 when it fails", () => {
    const run = jest.fn((_lines: readonly string[], _cwd: string) => 0);
    const r = io();
    expect(main(["staging", "--push"], r.io, run)).toBe(0);
    expect(run.mock.calls[0][0]).toEqual(imagesScript(shippedConfigs().staging).lines);
    expect(r.err.at(-1)).toMatch(/^pushed: mcp-staging\/ibmi-mcp-server:kit-[0-9a-f]{12}, mcp-staging\/mcp-gateway:kit-[0-9a-f]{12}; next: npx cdktf deploy mcp-staging$/);
    const failed = io();
    expect(main(["staging", "--push"], failed.io, () => 125)).toBe(1);
    expect(failed.err.at(-1)).toBe("the build or push failed (exit 125); nothing else was changed. Fix the error above and run it again: images already pushed are skipped.");
  });
});
