/** Kept so rules keep importing from here: the extractor lives in plan/security-groups.ts. */
export * from "../plan/security-groups";
