/**
 * Alert e-mail subscriptions: SNS delivers nothing to an e-mail address until its owner clicks the link in the
 * confirmation message (https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html). The topic is
 * created by the first deploy; before that this check is skipped.
 */
import { ListSubscriptionsByTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import type { Subscription } from "@aws-sdk/client-sns";
import { couldNotCheck } from "./aws";
import { planResources, refName } from "./plan";
import { CheckResult, fail, pass, PreflightContext, skip } from "./types";

const GROUP = "alerts";

/**
 * Topics that carry e-mail subscriptions: from the plan when there is one (topics its e-mail subscriptions point
 * at), else the kit's naming (`mcp-<env>-security-alerts`, constructs/alerts.ts).
 */
export function topicNames(ctx: PreflightContext): string[] {
  const topics = Object.fromEntries(planResources(ctx.plan, "aws_sns_topic"));
  const planned = planResources(ctx.plan, "aws_sns_topic_subscription")
    .filter(([, b]) => b.protocol === "email")
    .map(([, b]) => topics[refName(b.topic_arn, "aws_sns_topic") ?? ""]?.name)
    .filter((n): n is string => typeof n === "string" && !n.includes("${"));
  return planned.length ? [...new Set(planned)] : [`mcp-${ctx.config.environment}-security-alerts`];
}

export async function checkAlerts(ctx: PreflightContext): Promise<CheckResult[]> {
  const emails = ctx.config.alerts.emails;
  if (!emails.length) return [skip(GROUP, "subscriptions", "alerts.emails is empty: no subscription to confirm")];
  const names = topicNames(ctx);
  let topics: string[];
  try {
    topics = await listTopics(ctx);
  } catch (e) {
    return [couldNotCheck(GROUP, "topic", e, "sns:ListTopics")];
  }
  const out: CheckResult[] = [];
  for (const name of names) {
    const arn = topics.find((t) => t.split(":").pop() === name);
    if (!arn) {
      out.push(skip(GROUP, name, "topic not found: first deploy", "after the deploy, confirm the subscriptions and run the preflight again"));
      continue;
    }
    let subs: Subscription[];
    try {
      subs = await listSubscriptions(ctx, arn);
    } catch (e) {
      out.push(couldNotCheck(GROUP, name, e, "sns:ListSubscriptionsByTopic"));
      continue;
    }
    for (const email of emails) {
      const sub = subs.find((s) => s.Protocol === "email" && s.Endpoint?.toLowerCase() === email.toLowerCase());
      if (!sub) out.push(fail(GROUP, email, `has no subscription to ${name}`, "run the deploy again: it creates one subscription per alerts.emails entry"));
      else if (sub.SubscriptionArn === "PendingConfirmation") {
        out.push(
          fail(
            GROUP,
            email,
            `has not confirmed its subscription to ${name}; alerts to it are dropped`,
            `open the "AWS Notification - Subscription Confirmation" e-mail sent to ${email} and click "Confirm subscription" (the link expires after 3 days; then re-create the subscription with a new deploy)`,
          ),
        );
      } else out.push(pass(GROUP, email, `confirmed on ${name}`));
    }
  }
  return out;
}

async function listTopics(ctx: PreflightContext): Promise<string[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const res = await ctx.clients.sns.send(new ListTopicsCommand({ NextToken }));
    arns.push(...(res?.Topics ?? []).map((t) => t.TopicArn!).filter(Boolean));
    NextToken = res?.NextToken;
  } while (NextToken);
  return arns;
}

async function listSubscriptions(ctx: PreflightContext, TopicArn: string): Promise<Subscription[]> {
  const subs: Subscription[] = [];
  let NextToken: string | undefined;
  do {
    const res = await ctx.clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken }));
    subs.push(...(res?.Subscriptions ?? []));
    NextToken = res?.NextToken;
  } while (NextToken);
  return subs;
}
