/** Who the credentials are: every other check reads this account, so a mismatch stops the run. */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { STSClient } from "@aws-sdk/client-sts";
import type { McpConfig } from "../config/schema";
import { couldNotCheck } from "./aws";
import { CheckResult, fail, pass } from "./types";

const GROUP = "identity";

export async function checkIdentity(config: McpConfig, sts: STSClient): Promise<{ result: CheckResult; accountId?: string }> {
  let identity;
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (e) {
    const r = couldNotCheck(GROUP, "credentials", e, "sts:GetCallerIdentity");
    // No credentials at all is the common case; say how the standard chain finds them.
    const noCreds = /credential/i.test(String((e as Error)?.message)) || (e as Error)?.name === "CredentialsProviderError";
    return { result: noCreds ? fail(GROUP, "credentials", "no AWS credentials were found", "set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a role) for the deployment account, then run the preflight again") : r };
  }
  const account = identity?.Account;
  if (!account) return { result: fail(GROUP, "credentials", "STS returned no account id", "check the credentials and run the preflight again") };
  if (config.accountId && account !== config.accountId) {
    return {
      result: fail(
        GROUP,
        "account",
        `credentials are for account ${account} (${identity.Arn}), but config ${config.environment}.json deploys to ${config.accountId}`,
        `switch to credentials of account ${config.accountId} (e.g. AWS_PROFILE), or correct accountId in config/${config.environment}.json`,
      ),
    };
  }
  const note = config.accountId ? "" : " (config sets no accountId, so the stack deploys to whatever account the credentials belong to)";
  return { result: pass(GROUP, "account", `${identity.Arn} in account ${account}${note}`), accountId: account };
}
