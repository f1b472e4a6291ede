/** Command-line helpers shared by the kit's commands. */

/** Removes `flag` and the value after it from `args`, returning that value (undefined when the flag is absent). */
export function takeOption(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

/** True when the command was asked for its usage: every command answers `--help` and `-h` alike. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/**
 * True when `mod` is the program Node runs: `node dist/<entry>.js`, or scripts/run.cjs, which loads the bundle
 * with require() and names it in argv[1]. False when a test imports the module.
 */
export function isMain(mod: NodeModule): boolean {
  return require.main === mod || process.argv[1] === mod.filename;
}
