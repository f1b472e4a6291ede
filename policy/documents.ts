/** Kept so rules keep importing from here: the extractor lives in plan/documents.ts. */
export * from "../plan/documents";
