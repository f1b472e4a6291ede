/**
 * What the kit's constructs and the rotation function agree on: the tags that tell the function what to generate.
 * Kept apart from index.ts so synthesizing a stack never loads the AWS SDK.
 */
export const KIND_TAG = "mcp-secret-kind";
export const LENGTH_TAG = "mcp-secret-length";
export type GeneratedKind = "token" | "password" | "rsa-key-pair";
