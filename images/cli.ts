/**
 * `npm run images -- <env> [--push]`: the commands that build the kit's images of one environment (images/*\/Dockerfile)
 * and push them to its ECR repositories (stack `mcp-<env>-images`, deployed first). Without --push it prints them;
 * with --push it runs them (docker and the AWS CLI on PATH, credentials of the target account). Exit 0 on success,
 * 1 when the push fails or cannot be done, 2 on a usage or config error. MCP_CONFIG_DIR picks the config directory.
 */
import { spawnSync } from "node:child_process";
import { loadEnvironment } from "../config/load";
import { isMain, wantsHelp } from "../lib/args";
import { kitRoot } from "../lib/images";
import { imagesScript } from "./commands";

export const USAGE = [
  "usage: npm run images -- <environment, e.g. prod or mcp-prod> [--push]",
  "  prints the docker and aws commands that build the environment's kit images and push them to its ECR repositories;",
  "  --push runs them. Deploy mcp-<env>-images first (it creates the repositories), then push, then deploy mcp-<env>.",
].join("\n");

export function main(argv: readonly string[], io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) }, run = runScript): number {
  if (wantsHelp(argv)) {
    io.out(USAGE);
    return 0;
  }
  const push = argv.includes("--push");
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--push");
  const positional = argv.filter((a) => !a.startsWith("-"));
  if (positional.length !== 1 || unknown.length) {
    io.err(unknown.length ? `unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return 2;
  }
  const configDir = process.env.MCP_CONFIG_DIR ?? "config";
  const found = loadEnvironment(configDir, positional[0]);
  if ("error" in found) {
    io.err(found.unknownEnvironment ? `${found.error}\n${USAGE}` : found.error);
    return 2;
  }
  const { config } = found;
  const env = config.environment;
  const root = kitRoot();
  const script = imagesScript(config, root);
  const warning = script.placeholders.length
    ? `${configDir}/${env}.json: ${script.placeholders.join(" and ")} carry the example's placeholder digest (sha256:0…0); replace it with the digest of the reviewed upstream image before building`
    : undefined;
  if (!push) {
    if (warning) io.err(`warning: ${warning}`);
    io.out(script.lines.join("\n"));
    return 0;
  }
  if (warning) {
    io.err(`refused: ${warning}`);
    return 1;
  }
  for (const line of script.lines) io.err(`+ ${line}`);
  const status = run(script.lines, root);
  if (status !== 0) {
    io.err(`the build or push failed (exit ${status}); nothing else was changed. Fix the error above and run it again: images already pushed are skipped.`);
    return 1;
  }
  io.err(`pushed: ${script.images.map((i) => `${i.repositoryName}:${i.tag}`).join(", ")}; next: npx cdktf deploy mcp-${env}`);
  return 0;
}

/** Runs the script with `sh -e` in the kit's root (the build context). */
function runScript(lines: readonly string[], cwd: string): number {
  const r = spawnSync("sh", ["-ec", lines.join("\n")], { cwd, stdio: "inherit" });
  return r.status ?? 1;
}

if (isMain(module)) process.exitCode = main(process.argv.slice(2));
