/** The `project` default tag of every resource the kit creates (lib/aws-env.ts, free of cdktf and providers). */
export { PROJECT as PROJECT_TAG } from "../lib/aws-env";
