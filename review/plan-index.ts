/** Kept so review sections keep importing from here: the plan reader lives in plan/ (terraform.ts, plan-index.ts). */
export { blocks, bool, literal, num, refsIn } from "../plan/terraform";
export { PlanIndex } from "../plan/plan-index";
export type { Res, Ref } from "../plan/plan-index";
