/** Command-line helpers shared by the kit's commands. */

/** Removes `flag` and the value after it from `args`, returning that value (undefined when the flag is absent). */
export function takeOption(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}
