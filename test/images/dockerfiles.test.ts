/**
 * The kit's Dockerfiles, parsed (docker is not on our machines): what they build FROM, who they run as, what they
 * copy and which paths they declare as volumes, against the task definitions that run them and the upstream images.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MCP_SERVER_USER, VERIFY_IBMI_CA_PATH } from "../../constructs/mcp-service";
import { GATEWAY_UID } from "../../lib/gateway-env";
import { KIT_IMAGES, dockerfileOf, kitRoot, TOOLS_DIR_IN_IMAGE } from "../../lib/images";
import { resources, shippedPlan } from "../plans";

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function parse(file: string): Instruction[] {
  const text = fs.readFileSync(path.join(kitRoot(), file), "utf8").replace(/\\\n/g, " ");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

const volumes = (ins: Instruction[]) => ins.filter((i) => i.op === "VOLUME").flatMap((i) => JSON.parse(i.args) as string[]);
const lastUser = (ins: Instruction[]) => [...ins].reverse().find((i) => i.op === "USER")?.args;

/** The shipped prod task definition's container of a kit image, and the paths mounted from task (bind) volumes. */
function containerOf(image: string): { container: any; bindMounts: string[] } {
  for (const [, td] of resources(shippedPlan("prod"), "aws_ecs_task_definition")) {
    const container = JSON.parse(td.container_definitions).find((c: any) => c.image.includes(`/mcp-prod/${image}@`));
    if (!container) continue;
    const bind = new Set((td.volume ?? []).filter((v: any) => !v.efs_volume_configuration).map((v: any) => v.name));
    return { container, bindMounts: container.mountPoints.filter((m: any) => bind.has(m.sourceVolume)).map((m: any) => m.containerPath) };
  }
  throw new Error(`no task definition runs ${image}`);
}

describe.each(KIT_IMAGES.map((s) => [s.id, s] as const))("the %s Dockerfile", (id, spec) => {
  const ins = parse(dockerfileOf(spec));

  it("builds FROM exactly the configured base, passed as a build argument without a default", () => {
    expect(ins.slice(0, 2)).toEqual([
      { op: "ARG", args: "BASE_IMAGE" },
      { op: "FROM", args: "${BASE_IMAGE}" },
    ]);
    expect(ins.filter((i) => i.op === "FROM")).toHaveLength(1);
  });

  it("ends as the non-root user the task definition names", () => {
    const { container } = containerOf(id);
    expect(lastUser(ins)).toBe(container.user);
    expect(container.user).not.toMatch(/^(root|0)(:|$)/);
  });

  it("declares every path the task mounts from task storage as a VOLUME, and changes none after declaring it", () => {
    // ECS "Use bind mounts": a bind mount is root-owned 0755 unless the image declares the path as a VOLUME, whose
    // data (and owner) are copied into the volume. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
    const { bindMounts } = containerOf(id);
    expect(bindMounts.length).toBeGreaterThan(0);
    expect(volumes(ins).sort()).toEqual([...bindMounts].sort());
    const firstVolume = ins.findIndex((i) => i.op === "VOLUME");
    expect(ins.slice(firstVolume + 1).filter((i) => i.op === "RUN" || i.op === "COPY")).toEqual([]);
  });
});

describe("the MCP server image", () => {
  const ins = parse("images/mcp-server/Dockerfile");
  const { container } = containerOf("ibmi-mcp-server");
  const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));

  it("runs as the upstream image's own user", () => {
    // IBM/ibmi-mcp-server v0.5.1 packages/server/Dockerfile:76-77 (groupadd -r appgroup, useradd -r -g appgroup appuser), :82 USER appuser.
    expect(lastUser(ins)).toBe(MCP_SERVER_USER);
    expect(MCP_SERVER_USER).toBe("appuser");
  });

  it("copies tools/ to the fixed path TOOLS_YAML_PATH names, root-owned and not writable by the server", () => {
    // v0.5.1 packages/server/src/ibmi-mcp-server/utils/config/toolProcessor.ts:433 takes a directory path as a directory
    // source, and toolConfigBuilder.ts:730 loads its `**/*.{yaml,yml}` (so tools/README.md is not read).
    expect(env.TOOLS_YAML_PATH).toBe(TOOLS_DIR_IN_IMAGE);
    const copy = ins.find((i) => i.op === "COPY");
    expect(copy).toEqual({ op: "COPY", args: `tools/ ${TOOLS_DIR_IN_IMAGE}/` });
    expect(ins.some((i) => i.op === "RUN" && i.args.startsWith(`chmod -R a+rX,go-w ${TOOLS_DIR_IN_IMAGE} `))).toBe(true);
    // As root: COPY without --chown makes root the owner.
    expect(
      ins
        .slice(0, ins.indexOf(copy!))
        .filter((i) => i.op === "USER")
        .pop()?.args,
    ).toBe("root");
  });

  it("carries the Mapepire CA check at the path the tasks preload when network.ibmi.caCertificate is set", () => {
    // constructs/mcp-service.ts sets NODE_OPTIONS=--require <VERIFY_IBMI_CA_PATH> with the CA; node exits at start when
    // a --require'd file is missing, so every task of such an environment would crash-loop without this COPY.
    const copy = ins.find((i) => i.op === "COPY" && i.args.endsWith(` ${VERIFY_IBMI_CA_PATH}`));
    expect(copy).toEqual({ op: "COPY", args: `runtime/mcp-server/verify-ibmi-ca.cjs ${VERIFY_IBMI_CA_PATH}` });
    expect(
      ins
        .slice(0, ins.indexOf(copy!))
        .filter((i) => i.op === "USER")
        .pop()?.args,
    ).toBe("root");
    expect(ins.some((i) => i.op === "RUN" && i.args.includes(`chmod 0644 ${VERIFY_IBMI_CA_PATH}`))).toBe(true);
  });

  it("gives the server its /tmp volume and creates LOGS_DIR in it, owned by the server's user", () => {
    // v0.5.1 packages/server/src/config/index.ts:513 creates LOGS_DIR at start (ensureDirectory, null on failure), and
    // src/utils/internal/logger.ts:105-110 throws in production ("LOGS_PATH must be defined") when it could not;
    // production is NODE_ENV (config/index.ts:582, logger.ts:62).
    expect(env.NODE_ENV).toBe("production");
    expect(env.LOGS_DIR).toBe("/tmp/logs");
    const prepare = ins.find((i) => i.op === "RUN" && i.args.includes("chown"))!.args;
    expect(prepare).toContain("mkdir -p /tmp/logs");
    expect(prepare).toContain("chown appuser:appgroup /tmp /tmp/logs");
    expect(ins.indexOf(ins.find((i) => i.args === prepare)!)).toBeLessThan(ins.findIndex((i) => i.op === "VOLUME"));
  });
});

describe("the gateway image", () => {
  const ins = parse("images/gateway/Dockerfile");
  const { container } = containerOf("mcp-gateway");

  it("runs as the upstream image's uid 10001, root only to place the entry script", () => {
    // IBM/mcp-context-forge v1.0.8 Containerfile (the file docker-multiplatform.yml builds): :361 FROM ubi-minimal,
    // :404 useradd --uid 10001 --gid 10001 app, :494 USER 10001:10001 (0.7.0's Containerfile.lite ran uid 1001).
    expect(lastUser(ins)).toBe(`${GATEWAY_UID}:${GATEWAY_UID}`);
    expect(container.user).toBe("10001:10001");
    expect(ins.map((i) => i.op)).toEqual(["ARG", "FROM", "USER", "COPY", "RUN", "VOLUME", "USER", "ENTRYPOINT", "CMD"]);
    expect(ins.find((i) => i.op === "RUN")!.args).toBe("chmod 0555 /opt/kit/compose-urls.sh");
  });

  it("runs the kit's entry script first and then exactly upstream's command", () => {
    // v1.0.8 Containerfile:432 WORKDIR /app, :506 CMD ["./docker-entrypoint.sh"] and no ENTRYPOINT: a derived image
    // that sets ENTRYPOINT loses the inherited CMD (Dockerfile reference, "Understand how CMD and ENTRYPOINT interact"),
    // so it is repeated; the script ends with exec "$@".
    expect(JSON.parse(ins.find((i) => i.op === "ENTRYPOINT")!.args)).toEqual(["/opt/kit/compose-urls.sh"]);
    expect(JSON.parse(ins.find((i) => i.op === "CMD")!.args)).toEqual(["./docker-entrypoint.sh"]);
    expect(ins.find((i) => i.op === "COPY")!.args).toBe("runtime/gateway/compose-urls.sh /opt/kit/compose-urls.sh");
    expect(container.entryPoint).toBeUndefined();
    expect(container.command).toBeUndefined();
  });

  it("declares /tmp for the lock file its start script writes", () => {
    // v1.0.8 run-gunicorn.sh:1 bash with `set -euo pipefail`, :75 LOCK_FILE="/tmp/mcpgateway-gunicorn.lock", written
    // at :123: without a writable /tmp the gateway exits at start. The UBI base's /tmp is 1777, which ECS copies.
    expect(volumes(ins)).toEqual(["/tmp"]);
    expect(Object.fromEntries(container.environment.map((e: any) => [e.name, e.value])).HOME).toBe("/tmp");
  });
});

describe("the build context", () => {
  it("sends only tools/, the CA check and the gateway's entry script (the repository root is the context; node_modules and cdktf.out stay out)", () => {
    // The Dockerfile itself is sent apart from the context (-f), so .dockerignore need not list it.
    const rules = fs
      .readFileSync(path.join(kitRoot(), ".dockerignore"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    expect(rules).toEqual(["*", "!tools/", "!runtime/mcp-server/verify-ibmi-ca.cjs", "!runtime/gateway/compose-urls.sh"]);
    // What the images COPY is what the kit tag hashes (lib/images.ts KIT_IMAGES inputs).
    const copied = KIT_IMAGES.flatMap((s) =>
      parse(dockerfileOf(s))
        .filter((i) => i.op === "COPY")
        .map((i) => i.args.split(" ")[0].replace(/\/$/, "")),
    );
    expect(copied).toEqual(KIT_IMAGES.flatMap((s) => s.inputs));
  });
});
