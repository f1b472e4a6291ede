/** Kept so rules keep importing from here: the reader of Terraform JSON lives in plan/terraform.ts. */
export * from "../plan/terraform";
