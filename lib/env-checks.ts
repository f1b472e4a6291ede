/**
 * What both upstream environment checks share (lib/upstream-env.ts for the MCP server, lib/gateway-env.ts for the
 * gateway): value checks, and the problems of names and values that do not depend on the program.
 */

import { X509Certificate } from "node:crypto";

/** Why `value` would be refused or misread, or undefined when it is accepted. */
export type Check = (value: string) => string | undefined;

export const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;
// Both programs read flags as the exact strings (`val === "true"`, pydantic's bool): any other spelling misleads.
export const flag = oneOf("true", "false");
export const anyString: Check = () => undefined;

/** Whether `pem` holds a certificate node can read (the first PEM block of it). */
export function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

export interface EnvReader {
  /** The program and its version, as messages name it, e.g. "ibmi-mcp-server v0.5.1". */
  readonly product: string;
  /** The check of each setting the program parses. */
  readonly settings: Readonly<Record<string, Check>>;
  /** Names read elsewhere (entry scripts, node itself), not checked. */
  readonly others: Readonly<Record<string, string>>;
  /** What a value that fails its check does, e.g. "would not start". */
  readonly badValue: string;
}

/**
 * The problems of a container's names and values: a name the program does not read, a value its setting refuses, a
 * secret that is also a value or is not read. `has` tells whether a name arrives at all (value or secret), for the
 * combinations each program checks on top.
 */
export function envProblems(reader: EnvReader, environment: Readonly<Record<string, string>>, secretNames: readonly string[]): { problems: string[]; has: (name: string) => boolean } {
  const problems: string[] = [];
  const known = (n: string) => n in reader.settings || n in reader.others;
  for (const [name, value] of Object.entries(environment)) {
    if (!known(name)) problems.push(`${name} is not read by ${reader.product}: the setting would be silently lost`);
    const problem = reader.settings[name]?.(value);
    if (problem) problems.push(`${name}=${JSON.stringify(value)} ${problem}; ${reader.product} ${reader.badValue}`);
  }
  for (const name of secretNames) {
    if (name in environment) problems.push(`${name} is set both as a value and as a secret`);
    else if (!known(name)) problems.push(`${name} (secret) is not read by ${reader.product}`);
  }
  return { problems, has: (n) => n in environment || secretNames.includes(n) };
}
