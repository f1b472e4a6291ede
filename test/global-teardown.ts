import * as fs from "node:fs";

export default function globalTeardown(): void {
  if (process.env.MCP_TEST_ROOT) fs.rmSync(process.env.MCP_TEST_ROOT, { recursive: true, force: true });
}
