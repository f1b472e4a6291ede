import * as path from "node:path";

/** The shipped example configs. */
export const CONFIG_DIR = path.join(__dirname, "..", "config");
