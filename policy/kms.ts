/** Kept so rules keep importing from here: the extractor lives in plan/kms.ts. */
export * from "../plan/kms";
