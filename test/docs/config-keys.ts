/** The config schema's key paths, for the tests that check hand-written docs against it. */

/** Every leaf key path of the config schema, arrays written `[]`, e.g. `agents[].cidrs`. */
export function keyPaths(schema: any, prefix = ""): string[] {
  let s = schema;
  while (s?._zod?.def?.innerType) s = s._zod.def.innerType;
  if (s?._zod?.def?.type === "array") {
    let el = s._zod.def.element;
    while (el?._zod?.def?.innerType) el = el._zod.def.innerType;
    return el?.shape ? keyPaths(el, `${prefix}[]`) : [prefix];
  }
  if (s?.shape) return Object.keys(s.shape).flatMap((k) => keyPaths(s.shape[k], prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

/** Every key path and every prefix of one (`network`, `network.ibmi`, `network.ibmi.host`, `agents[]`, …). */
export function keyPathsAndPrefixes(schema: any): Set<string> {
  const out = new Set<string>();
  for (const k of keyPaths(schema)) {
    const parts = k.split(".");
    parts.forEach((_, i) => {
      const p = parts.slice(0, i + 1).join(".");
      out.add(p);
      if (p.endsWith("[]")) out.add(p.slice(0, -2));
    });
  }
  return out;
}
