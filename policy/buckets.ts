/** Kept so rules keep importing from here: the extractor lives in plan/buckets.ts. */
export * from "../plan/buckets";
