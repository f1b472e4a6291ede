/**
 * Lambda reserved concurrency against the account's own figures (GetAccountSettings). AWS refuses a reservation that
 * would leave fewer unreserved executions than it keeps for unreserved functions: 100, or the whole quota where the
 * quota is lower (new accounts have 10, and can reserve nothing until it is raised).
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html
 * The kit reserves nothing unless `functions.reservedConcurrency` asks; what the plan's functions already reserve
 * (a re-deploy) is subtracted, as AWS counts it already.
 */
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { couldNotCheck, isError } from "./aws";
import { planResources } from "./plan";
import { CheckResult, fail, pass, PreflightContext } from "./types";
import type { TerraformJson } from "../policy/types";

const GROUP = "concurrency";
const CHECK = "Lambda reserved concurrency";

/** What Lambda keeps unreserved in an account whose quota is 100 or more. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** The plan's functions that reserve concurrency, by name (literal names only: the kit's are). */
export function plannedReservations(plan: TerraformJson | undefined): { readonly name: string; readonly reserved: number }[] {
  return planResources(plan, "aws_lambda_function")
    .map(([, f]) => ({ name: String(f.function_name ?? ""), reserved: Number(f.reserved_concurrent_executions ?? 0) || 0 }))
    .filter((f) => f.reserved > 0 && f.name && !f.name.includes("${"));
}

export async function checkConcurrency(ctx: PreflightContext): Promise<CheckResult[]> {
  const setting = ctx.config.functions.reservedConcurrency;
  // Without a plan, the config says it: both kit functions reserve the same figure.
  const planned = ctx.plan ? plannedReservations(ctx.plan) : setting > 0 ? ["rotate-secret", "secret-age-check"].map((f) => ({ name: `mcp-${ctx.config.environment}-${f}`, reserved: setting })) : [];
  try {
    const settings = await ctx.clients.lambda.send(new GetAccountSettingsCommand({}));
    const total = settings.AccountLimit?.ConcurrentExecutions;
    const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions;
    if (total === undefined || unreserved === undefined) return [fail(GROUP, CHECK, "GetAccountSettings returned no concurrency figures", "run the preflight again; if it persists, read them with aws lambda get-account-settings")];
    const keep = Math.min(LAMBDA_UNRESERVED_MINIMUM, total);
    const reservable = Math.max(0, unreserved - keep);
    if (!planned.length) {
      return [pass(GROUP, CHECK, `the plan reserves none (functions.reservedConcurrency 0): its functions share the account's ${unreserved} unreserved of ${total}`)];
    }
    let more = 0;
    for (const f of planned) more += Math.max(0, f.reserved - (await reservedNow(ctx, f.name)));
    const what = `${planned.map((f) => `${f.name} ${f.reserved}`).join(", ")}`;
    if (more > reservable) {
      return [
        fail(
          GROUP,
          CHECK,
          `the plan reserves ${more} more (${what}), but the account can reserve ${reservable}: ${unreserved} of ${total} are unreserved and Lambda keeps ${keep} unreserved`,
          `set functions.reservedConcurrency to 0 (the default), or request an increase of lambda L-B99A9384 (Concurrent executions) to at least ${total + more - reservable} in the Service Quotas console`,
        ),
      ];
    }
    return [pass(GROUP, CHECK, `the plan reserves ${more} more (${what}) of the ${reservable} the account can reserve (${unreserved} of ${total} unreserved, Lambda keeps ${keep})`)];
  } catch (e) {
    return [couldNotCheck(GROUP, CHECK, e, "lambda:GetAccountSettings, lambda:GetFunctionConcurrency")];
  }
}

/** What a function reserves today: 0 when it does not exist yet or reserves nothing. */
async function reservedNow(ctx: PreflightContext, name: string): Promise<number> {
  try {
    const res = await ctx.clients.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
    return res?.ReservedConcurrentExecutions ?? 0;
  } catch (e) {
    if (isError(e, "ResourceNotFoundException")) return 0;
    throw e;
  }
}
