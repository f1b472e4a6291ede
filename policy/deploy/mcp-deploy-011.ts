import { defineRule } from "../rule";
import { DOCS } from "./support";

export const SECRETS_MANAGER_PRINCIPAL = "secretsmanager.amazonaws.com";

/**
 * Secrets Manager invokes a rotation function only if the function's resource policy lets
 * secretsmanager.amazonaws.com call lambda:InvokeFunction (scoped to the secret by source_arn, when set).
 * Without it the first rotation (rotate_immediately) fails and the secret keeps its initial value.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html
 */
export const rule = defineRule(
  {
    id: "MCP-DEPLOY-011",
    title: "Rotation functions let Secrets Manager invoke them",
    severity: "high",
    references: [],
    remediation: `Add an aws_lambda_permission with principal ${SECRETS_MANAGER_PRINCIPAL}, action lambda:InvokeFunction, function_name the rotation function and source_arn the secret, and make the rotation depend on it; see ${DOCS.rotationPermission}`,
  },
  (plan, _ctx, report) => {
    const rotations = plan.resources("aws_secretsmanager_secret_rotation").filter((r) => r.body.rotation_lambda_arn !== undefined);
    for (const rot of rotations) {
      const fn = plan.target(rot.body.rotation_lambda_arn, "aws_lambda_function");
      if (!fn) continue; // A function outside the plan: its policy is not visible here.
      const secret = plan.target(rot.body.secret_id, "aws_secretsmanager_secret");
      const permissions = plan.resources("aws_lambda_permission").filter((p) => plan.refersTo(p.body.function_name, fn) && p.body.principal === SECRETS_MANAGER_PRINCIPAL);
      if (!permissions.length) {
        report(rot.address, `rotates with ${fn.address}, which has no aws_lambda_permission for ${SECRETS_MANAGER_PRINCIPAL}; rotation fails with AccessDenied`);
        continue;
      }
      const invoke = permissions.filter((p) => p.body.action === "lambda:InvokeFunction");
      if (!invoke.length) {
        report(rot.address, `rotates with ${fn.address}, whose permission for ${SECRETS_MANAGER_PRINCIPAL} is not lambda:InvokeFunction`);
        continue;
      }
      const scopedElsewhere = invoke.every((p) => p.body.source_arn !== undefined && (!secret || !plan.refersTo(p.body.source_arn, secret)) && !String(p.body.source_arn).includes("*"));
      if (scopedElsewhere && secret) report(rot.address, `rotates ${secret.address} with ${fn.address}, but its invoke permissions are scoped (source_arn) to other secrets`);
    }
    return rotations.length > 0;
  },
);
