import { TerraformJson } from "../../policy/types";
import { resources, shippedEnvironments, shippedPlan } from "../plans";

/** Every policy document of the plan: [address, attribute, statements]. */
function documents(plan: TerraformJson): [string, any[]][] {
  const attrs: [string, string][] = [
    ["aws_iam_role_policy", "policy"],
    ["aws_iam_role", "assume_role_policy"],
    ["aws_kms_key", "policy"],
    ["aws_s3_bucket_policy", "policy"],
    ["aws_sns_topic_policy", "policy"],
  ];
  return attrs.flatMap(([type, attr]) => resources(plan, type).map(([addr, r]): [string, any[]] => [`${addr}.${attr}`, JSON.parse(r[attr]).Statement]));
}
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("IAM documents of the secrets, logs and alerts constructs", () => {
  const plans = shippedEnvironments().map((env) => [env, shippedPlan(env)] as const);

  it.each(plans)("%s: no wildcard action in any Allow, not even service:Get* (a Deny may be broad: the TLS-only s3:*)", (_env, plan) => {
    const wild = documents(plan).flatMap(([where, st]) =>
      st
        .filter((s) => s.Effect !== "Deny")
        .flatMap((s) =>
          list(s.Action)
            .filter((a) => a.includes("*"))
            .map((a) => `${where} ${s.Sid}: ${a}`),
        ),
    );
    expect(wild).toEqual([]);
    const broadDenies = documents(plan).flatMap(([, st]) => st.filter((s) => s.Effect === "Deny" && list(s.Action).some((a) => a.includes("*"))));
    expect(broadDenies.map((s) => [s.Sid, s.Action, s.Condition])).toEqual(broadDenies.map(() => ["DenyInsecureTransport", "s3:*", { Bool: { "aws:SecureTransport": "false" } }]));
  });

  it.each(plans)('%s: Resource "*" only in key policies and for actions AWS does not scope', (_env, plan) => {
    const allowed = new Set(["ManageVpcNetworkInterfaces", "GenerateRandomValues", "WriteTraces"]);
    const offenders = documents(plan)
      .filter(([where]) => !where.startsWith("aws_kms_key."))
      .flatMap(([where, st]) => st.filter((s) => list(s.Resource).includes("*") && !allowed.has(s.Sid) && where.match(/secrets|audit-logs|alerts/)).map((s) => `${where} ${s.Sid}`));
    expect(offenders).toEqual([]);
  });

  it.each(plans)("%s: statement ids are alphanumeric", (_env, plan) => {
    const bad = documents(plan).flatMap(([where, st]) => st.filter((s) => s.Sid !== undefined && !/^[A-Za-z0-9]+$/.test(s.Sid)).map((s) => `${where} ${s.Sid}`));
    expect(bad).toEqual([]);
  });
});
