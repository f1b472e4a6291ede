/** Moved to test/support/filter-pattern.ts (kept so older imports keep working). */
export { matches } from "../support/filter-pattern";
