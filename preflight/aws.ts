/** Error handling shared by the check modules: an SDK error becomes a FAIL that names the missing permission. */
import { CheckResult, fail } from "./types";

export function errorName(e: unknown): string {
  return (e as { name?: string } | undefined)?.name ?? "Error";
}

export function isError(e: unknown, ...names: string[]): boolean {
  return names.includes(errorName(e));
}

const DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "AuthorizationErrorException", "UnrecognizedClientException"];

/** The FAIL for a check that could not run: denied (with the IAM action to grant) or any other error. */
export function couldNotCheck(group: string, check: string, e: unknown, iamAction: string): CheckResult {
  if (isError(e, ...DENIED)) {
    return fail(group, check, `cannot read: ${iamAction} was denied`, `grant ${iamAction} to the identity that runs the preflight (docs/deploy.md lists the read-only policy)`);
  }
  const message = (e as Error | undefined)?.message ?? String(e);
  return fail(group, check, `could not check (${iamAction}): ${errorName(e)}: ${message}`, "resolve the error above and run the preflight again");
}
