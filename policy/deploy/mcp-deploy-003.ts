import { bool } from "../plan";
import { PlanResource } from "../plan";
import { defineRule } from "../rule";
import { allowing, DOCS, keyOf, keyPolicy } from "./support";

/** What a service publishing to an encrypted topic does with the topic's key. */
export const PUBLISH_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];
const ALARM_ACTIONS = ["alarm_actions", "ok_actions", "insufficient_data_actions"];

/**
 * CloudWatch alarms (and EventBridge rules) publish to an SNS topic as their service principal; when the topic is
 * encrypted, SNS needs that principal to be allowed kms:Decrypt and kms:GenerateDataKey* by the key policy. Without
 * it the publish fails and no one is told: the alarm shows an action failure nobody watches. An AWS managed key
 * (alias/aws/sns) can never allow it. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-003",
    title: "Alarms and event rules can publish to their encrypted SNS topics",
    severity: "high",
    references: [],
    remediation: `Encrypt the topic with a customer key whose policy allows Service cloudwatch.amazonaws.com (alarms) and events.amazonaws.com (EventBridge targets) kms:Decrypt and kms:GenerateDataKey* (key.allowService); see ${DOCS.snsKms}`,
  },
  (plan, _ctx, report) => {
    // Topic → the services that publish to it.
    const publishers = new Map<PlanResource, Set<string>>();
    const add = (topicValue: unknown, service: string) => {
      const topic = plan.target(topicValue, "aws_sns_topic");
      if (!topic) return;
      if (!publishers.has(topic)) publishers.set(topic, new Set());
      publishers.get(topic)!.add(service);
    };
    for (const alarm of plan.resources("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")) {
      if (bool(alarm.body.actions_enabled) === false) continue;
      for (const attr of ALARM_ACTIONS) for (const v of [alarm.body[attr] ?? []].flat()) add(v, "cloudwatch.amazonaws.com");
    }
    for (const target of plan.resources("aws_cloudwatch_event_target")) add(target.body.arn, "events.amazonaws.com");

    for (const [topic, services] of publishers) {
      const keyValue = topic.body.kms_master_key_id;
      if (keyValue === undefined) continue; // Unencrypted: nothing to allow (the security pack judges that).
      if (typeof keyValue === "string" && /(^|:)alias\/aws\/sns$/.test(keyValue)) {
        report(topic.address, `is encrypted with the AWS managed key alias/aws/sns, whose policy cannot allow ${[...services].join(" or ")}; its alarms would never be delivered`);
        continue;
      }
      const key = keyOf(plan, keyValue);
      if (!key) continue;
      const policy = keyPolicy(plan, key);
      if (!policy.ok) {
        report(topic.address, `is encrypted with ${key.address}, which ${policy.why}`);
        continue;
      }
      for (const service of [...services].sort()) {
        const missing = PUBLISH_KMS_ACTIONS.filter((a) => allowing(plan, policy.statements, { service }, a).length === 0);
        if (missing.length) report(topic.address, `is encrypted with ${key.address}, whose key policy does not allow ${service} ${missing.join(", ")}; what it publishes is silently lost`);
      }
    }
    return publishers.size > 0;
  },
);
