/** Kept so rules keep importing from here: the extractor lives in plan/load-balancers.ts. */
export * from "../plan/load-balancers";
