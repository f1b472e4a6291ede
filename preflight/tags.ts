/**
 * The `project` default tag of every resource the kit creates (stacks/mcp-stack.ts PROJECT). Repeated here, not
 * imported, so the preflight's import graph stays free of the stack and its provider classes.
 */
export const PROJECT_TAG = "ibmi-mcp";
